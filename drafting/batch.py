"""Many cases at once (``drafting batch``): parallel, failure-isolated, resumable.

Workers are forked from a parent that has already imported the package and loaded the
compiled template (from the on-disk cache, or compiled in a helper process while the
parent imports), so each starts warm and shares it copy-on-write. Each worker
(``batch_worker``) writes its own documents and sends back only a small ``CaseOutcome``;
the parent never holds a document, so memory stays flat however many cases there are,
and writes the manifest (``manifest``) at the end. A bad case
is recorded and the batch goes on; existing documents are skipped unless ``force``; a
Ctrl-C lets the cases in hand finish (or, on a second Ctrl-C, kills the workers and
removes their temporary files) and the manifest records what was done.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .batch_worker import (
    FAILED,
    NOT_APPLICABLE,
    NOT_RUN,
    CaseOutcome,
    Settings,
    died,
    error_record,
    init_worker,
    name_cases,
    name_chunk,
    run_cases,
    run_chunk,
    sha256_file,
)
from .errors import DraftingError, NameClashError, UsageError
from .manifest import write_manifest
from .output import TEMP_PREFIX, prepare_out_dir

MANIFEST_NAME = "manifest.json"


@dataclass
class BatchProgress:
    """Reported to ``on_progress`` after each case (``outcome`` is None for the first call)."""

    cases_done: int
    cases_total: int
    documents_done: int
    documents_expected: int  # an estimate until every case is done (preservation varies)
    outcome: CaseOutcome | None = None


@dataclass
class BatchReport:
    kind: str
    out_dir: Path
    manifest: Path
    outcomes: list[CaseOutcome]
    interrupted: bool = False
    seconds: float = 0.0

    def _with(self, status: str) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[CaseOutcome]:
        return self._with(FAILED)

    @property
    def not_run(self) -> list[CaseOutcome]:
        return self._with(NOT_RUN)

    @property
    def not_applicable(self) -> list[CaseOutcome]:
        return self._with(NOT_APPLICABLE)

    @property
    def written(self) -> list[Path]:
        return [Path(p) for o in self.outcomes for p in o.written]

    @property
    def skipped(self) -> list[Path]:
        return [Path(p) for o in self.outcomes for p in o.skipped]

    @property
    def pdfs(self) -> list[Path]:
        return [Path(p) for o in self.outcomes for p in o.pdfs]


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the batch; the manifest was written. ``report`` says what was done."""

    def __init__(self, report: BatchReport) -> None:
        super().__init__("batch interrupted")
        self.report = report


# ------------------------------------------------------------------------ inputs


def expand_inputs(inputs: Iterable[str | Path]) -> list:
    """Case files in the order given; a folder means its ``*.yaml`` (sorted, not ``firm.yaml``);
    a spreadsheet (``.csv``, ``.xlsx``) means its rows, each a case (``importer.TableRow``).
    A file named twice (or through a link) counts once."""
    from .table import is_table

    out: list = []
    seen: set = set()
    for item in inputs:
        path = Path(item)
        if is_table(path) and not path.is_dir():
            from .importer import table_rows

            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                out.extend(table_rows(path))  # a bad header fails the batch before anything runs
            continue
        if path.is_dir():
            with os.scandir(path) as entries:
                found = sorted(path / e.name for e in entries if e.name.endswith((".yaml", ".yml"))
                               and e.name not in ("firm.yaml", "firm.yml") and e.is_file())
            if not found:
                raise DraftingError("no case files (*.yaml) in this folder", file=path)
        else:
            found = [path]  # a missing file fails as a case, with the others still written
        for p in found:
            try:
                st = p.stat()
                key = (st.st_dev, st.st_ino)
            except OSError:
                key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                out.append(p)
    if not out:
        raise DraftingError("no case files given")
    return out


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------------ the batch


def run_batch(
    kind: str,
    inputs: Iterable[str | Path],
    *,
    out_dir: str | Path = "out",
    jobs: int | None = None,
    letter_date: object = None,
    firm_path: str | Path | None = None,
    templates_dir: str | Path | None = None,
    force: bool = False,
    pdf: bool = False,
    draft: bool = False,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchReport:
    """Render every case, write ``<out>/manifest.json``, and report what happened.

    A failed case never stops the others. On Ctrl-C the manifest is still written and
    ``BatchInterrupted`` (a ``KeyboardInterrupt``) carries the report. With ``pdf`` the
    written documents are then converted in one LibreOffice run and the PDFs added to
    the manifest; a ``PdfError`` is raised after the manifest is written.
    """
    started = time.monotonic()
    cases = expand_inputs(inputs)
    jobs = max(1, min(jobs or default_jobs(), len(cases)))
    return _run_batch(kind, cases, out_dir=Path(out_dir), jobs=jobs, letter_date=letter_date,
                      firm_path=firm_path, templates_dir=templates_dir, force=force, pdf=pdf,
                      draft=draft, on_progress=on_progress, started=started)


def _run_batch(kind, cases, *, out_dir, jobs, letter_date, firm_path, templates_dir, force, pdf,
               draft, on_progress, started) -> BatchReport:
    from .dates import parse_date
    from .render import get_kind

    get_kind(kind)  # an unknown kind is a usage error before anything runs
    if letter_date is not None:
        try:
            letter_date = parse_date(letter_date)
        except ValueError as exc:
            raise UsageError(f"--date: {exc}") from None
    prepare_out_dir(out_dir)

    outcomes: list[CaseOutcome] = [CaseOutcome(index=i, case=getattr(p, "label", str(p))) for i, p in enumerate(cases)]
    tracker = _Tracker(len(cases), on_progress)
    stop = _StopFlag()
    settings_args = dict(kind=kind, out_dir=out_dir, letter_date=letter_date, force=force,
                         templates_dir=templates_dir, firm_path=firm_path, pdf=pdf, draft=draft)
    interrupted = False
    batch_start = time.time()
    try:
        with _deferred_sigint(stop):
            runner = _run_in_process if jobs == 1 else _run_in_pool
            for outcome in runner(cases, settings_args, jobs, stop, tracker):
                outcomes[outcome.index] = outcome
                tracker.done(outcome)
    except KeyboardInterrupt:
        interrupted = True
    if stop.is_set():
        interrupted = True
    if interrupted:
        _remove_temp_files(out_dir, since=batch_start)
    _resolve_collisions(outcomes)
    report = BatchReport(kind=kind, out_dir=out_dir, manifest=out_dir / MANIFEST_NAME, outcomes=outcomes,
                         interrupted=interrupted)
    write_manifest(report, letter_date=letter_date)
    report.seconds = time.monotonic() - started
    if interrupted:
        raise BatchInterrupted(report)
    if pdf and report.written:
        _add_pdfs(report, letter_date=letter_date, force=force)
        report.seconds = time.monotonic() - started
    return report


def _add_pdfs(report: BatchReport, *, letter_date, force: bool) -> None:
    """Convert the documents this batch wrote; record the PDFs that came out."""
    from .pdf import convert_to_pdf

    error = None
    try:
        pdfs = convert_to_pdf(report.written, report.out_dir, force=force)
    except DraftingError as exc:
        pdfs, error = getattr(exc, "converted", []), exc
    made = {str(p.with_suffix(".docx")): str(p) for p in pdfs}
    for o in report.outcomes:
        for doc in o.written:
            if doc in made:
                o.pdfs.append(made[doc])
                o.sha256[made[doc]] = sha256_file(Path(made[doc]))
    write_manifest(report, letter_date=letter_date)
    if error is not None:
        error.batch_report = report  # the documents are written; the caller may show them
        raise error


class _Tracker:
    """Counts for the progress callback."""

    def __init__(self, total: int, callback) -> None:
        self.total = total
        self.callback = callback
        self.cases = 0
        self.documents = 0

    def start(self) -> None:
        if self.callback:
            self.callback(BatchProgress(0, self.total, 0, self.total))

    def done(self, outcome: CaseOutcome) -> None:
        self.cases += 1
        self.documents += len(outcome.written) + len(outcome.skipped)
        if self.callback:
            per_case = self.documents / self.cases if self.documents else 1.0
            expected = self.documents + round((self.total - self.cases) * max(per_case, 1.0))
            self.callback(BatchProgress(self.cases, self.total, self.documents, expected, outcome))


def _run_in_process(cases, settings_args, jobs, stop, tracker) -> Iterator[CaseOutcome]:
    settings = Settings(**settings_args, stop=stop)
    tracker.start()
    items = [(index, _case_item(case)) for index, case in enumerate(cases)]
    clashed = _clashes(name_cases(settings, items))
    yield from clashed.values()
    yield from run_cases(settings, [item for item in items if item[0] not in clashed])


def _clashes(names: list[tuple[int, list[str], dict | None]]) -> dict[int, CaseOutcome]:
    """Cases of this run that would write a document another case of it writes too: each
    fails naming the other, and neither writes anything (``--force`` or not)."""
    first: dict[str, tuple[int, str]] = {}
    where_of = {index: where for index, _, where in names}
    out: dict[int, CaseOutcome] = {}
    for index, paths, where in sorted(names):
        for path in paths:
            if path not in first:
                first[path] = (index, where["file"] if where else "")
                continue
            other, other_file = first[path]
            if other == index:
                continue
            for mine, theirs_file in ((index, other_file), (other, where["file"])):
                if mine in out:
                    continue
                error = NameClashError(document=path, other=str(theirs_file), field="matter.id",
                                       **{k: v for k, v in (where_of[mine] or {}).items() if k != "field"})
                out[mine] = CaseOutcome(index=mine, case=str(where_of[mine]["file"]), status=FAILED,
                                        error=error_record(error))
    return out


def _run_in_pool(cases, settings_args, jobs, stop, tracker) -> Iterator[CaseOutcome]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    event = ctx.Event()
    stop.events.append(event)
    settings = Settings(**settings_args, stop=event)
    _warm_up(settings, cases)
    retries: list[list[tuple[int, str]]] = []
    pending: dict[Future, tuple[list[tuple[int, str]], bool]] = {}
    window = jobs * 3

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker,
                                   initargs=(settings, os.getpid()))

    executor = new_pool()
    executor.submit(int).result()  # start the workers now, before any thread of the caller's
    try:
        tracker.start()
        # First every case's document names, so that two cases naming one document both
        # fail before either writes (a worker that dies here leaves its cases unnamed:
        # they are rendered, and fail, below).
        names, broken = [], False
        for future in [executor.submit(name_chunk, chunk) for chunk in _chunks(cases, jobs)]:
            try:
                names.extend(future.result())
            except BrokenProcessPool:
                broken = True
        if broken:
            executor.shutdown(wait=False, cancel_futures=True)
            executor = new_pool()
        clashed = _clashes(names)
        yield from clashed.values()
        chunks = _chunks(cases, jobs, skip=clashed)
        while True:
            while len(pending) < window and not stop.is_set():
                retry = bool(retries)
                chunk = retries.pop() if retries else next(chunks, None)
                if chunk is None:
                    break
                pending[executor.submit(run_chunk, chunk)] = (chunk, retry)
            if not pending:
                break
            done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk, retry = pending.pop(future)
                try:
                    yield from future.result()
                except BrokenProcessPool:
                    broken = True
                    if retry:
                        yield from (died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
            if broken:
                # A worker died (killed, out of memory) and took the pool with it. The
                # cases in flight are tried again one by one in a fresh pool; a case
                # that breaks it a second time is a failure.
                for chunk, retry in pending.values():
                    if retry:
                        yield from (died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
                pending.clear()
                executor.shutdown(wait=False, cancel_futures=True)
                executor = new_pool()
        executor.shutdown(wait=True)
    except BaseException:
        _kill_workers(executor)
        raise


def _chunks(cases: list[Path], jobs: int, skip=()) -> Iterator[list[tuple[int, str]]]:
    """Small groups of cases per task: fewer round trips, still a smooth progress bar."""
    todo = [i for i in range(len(cases)) if i not in skip]
    size = max(1, min(8, len(todo) // (jobs * 16)))
    for start in range(0, len(todo), size):
        yield [(i, _case_item(cases[i])) for i in todo[start:start + size]]


def _case_item(case):
    """What a worker is sent for a case: a file's path, or a spreadsheet row itself (small)."""
    return case if hasattr(case, "load") else str(case)


def _warm_up(settings: Settings, cases: list[Path]) -> None:
    """Compile the template and load the firm and rules before forking, so every worker
    inherits them instead of building its own. A failure here is left for the cases to report."""
    from .rules import load_rules

    renderer = settings.renderer
    try:
        first = getattr(cases[0], "path", cases[0])  # a spreadsheet row: the sheet's own path
        _, template = settings.template_for(first)
        firm = renderer.firm_for(first)
        load_rules(firm.folder(firm.firm.rules), attorneys=tuple(a.id for a in firm.firm.attorneys))
        renderer.compiled(Path(template))
    except (DraftingError, OSError):
        pass


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    import multiprocessing

    processes = multiprocessing.active_children()  # the pool's workers (and nothing else we start)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.join(timeout=5)


def _remove_temp_files(out_dir: Path, *, since: float) -> None:
    """Remove temporary files a killed worker may have left (only this batch's)."""
    try:
        candidates = list(out_dir.glob(f"{TEMP_PREFIX}*.tmp"))
    except OSError:
        return
    for tmp in candidates:
        try:
            if tmp.stat().st_mtime >= since - 1:
                tmp.unlink()
        except OSError:
            pass


class _StopFlag:
    """Set by the first Ctrl-C; tells the parent and the workers to start no new case."""

    def __init__(self) -> None:
        self._flag = threading.Event()
        self.events: list = []

    def set(self) -> None:
        self._flag.set()
        for event in self.events:
            event.set()

    def is_set(self) -> bool:
        return self._flag.is_set()


class _deferred_sigint:
    """First Ctrl-C: finish the cases in hand, start no more. Second: stop at once."""

    def __init__(self, stop: _StopFlag) -> None:
        self.stop = stop
        self.previous = None

    def _handler(self, signum, frame) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            try:
                self.previous = signal.signal(signal.SIGINT, self._handler)
            except ValueError:
                self.previous = None
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _resolve_collisions(outcomes: list[CaseOutcome]) -> None:
    """Two cases of one batch naming the same document (a repeated matter id) is an error
    in the later one; the document belongs to the case that wrote it."""
    owner: dict[str, CaseOutcome] = {}
    for o in outcomes:
        for path in o.written:
            owner.setdefault(path, o)
    for o in outcomes:
        for path in o.skipped:
            owner.setdefault(path, o)
    for o in outcomes:
        clash = next((p for p in o.written + o.skipped if owner[p] is not o), None)
        if clash is None:
            continue
        other = owner[clash]
        o.status = FAILED
        o.error = {"file": o.case, "line": None, "col": None, "field": "matter.id",
                   "message": f"names the same document as {other.case} ({Path(clash).name}); "
                              "give each case its own matter id"}
        o.written, o.skipped = [], []
    writers = Counter(path for o in outcomes for path in o.written)
    for o in outcomes:  # with --force both may have written it: record what is on disk
        for path in o.written:
            if writers[path] > 1:
                o.sha256[path] = sha256_file(Path(path))
