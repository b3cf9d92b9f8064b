"""Many cases at once (``drafting batch``): parallel, failure-isolated, resumable.

Workers are forked from a parent that has already imported the package and compiled
the template (in a helper process, while the parent imports), so each starts warm and
shares the compiled template copy-on-write instead of compiling its own. Each
worker writes its own documents and sends back only a small ``CaseOutcome``; the parent
never holds a document, so memory stays flat however many cases there are. A bad case
is recorded and the batch goes on; existing documents are skipped unless ``force``; a
Ctrl-C lets the cases in hand finish (or, on a second Ctrl-C, kills the workers and
removes their temporary files) and the manifest records what was done.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import signal
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .errors import DraftingError, OutputExistsError, ValidationErrors, UsageError
from .output import TEMP_PREFIX, prepare_out_dir, write_atomic

MANIFEST_NAME = "manifest.json"
WRITTEN, SKIPPED, FAILED, NOT_RUN = "written", "skipped", "failed", "not-run"


@dataclass
class CaseOutcome:
    """What happened to one case; small enough to send back from a worker."""

    index: int
    case: str
    status: str = NOT_RUN
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)  # output path -> digest
    case_sha256: str | None = None
    error: dict | None = None  # file, line, col, field, message (+ "more" for several)
    internal: bool = False  # the error is a bug in drafting, not in the case
    traceback: str | None = None  # for internal errors only; never in the manifest
    template: str | None = None
    firm: str | None = None
    pdfs: list[str] = field(default_factory=list)  # PDFs made from the written documents

    @property
    def outputs(self) -> list[str]:
        return sorted(self.written + self.skipped + self.pdfs)


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


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Case files in the order given; a folder means its ``*.yaml`` (sorted, not ``firm.yaml``).
    A file named twice (or through a link) counts once."""
    out: list[Path] = []
    seen: set = set()
    for item in inputs:
        path = Path(item)
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


# ------------------------------------------------------------------------ one case


class _Settings:
    """The per-batch arguments every case shares (module-global in a worker)."""

    def __init__(self, kind, out_dir, letter_date, force, templates_dir, firm_path, stop) -> None:
        from .render import Renderer

        self.kind = kind
        self.out_dir = out_dir
        self.letter_date = letter_date
        self.force = force
        self.stop = stop  # an Event: set on Ctrl-C, later cases are not started
        self.renderer = Renderer(templates_dir=templates_dir, firm_path=firm_path)
        self._used: dict[str, tuple[str, str]] = {}

    def template_for(self, case: Path) -> tuple[str, str]:
        """The firm profile and template this case uses (the same for a whole folder)."""
        from .render import get_kind

        folder = os.path.dirname(case)
        if folder not in self._used:
            firm = self.renderer.firm_for(case)
            self._used[folder] = (str(firm.path), str(self.renderer.template_path(get_kind(self.kind), firm)))
        return self._used[folder]


_worker: _Settings | None = None


def _init_worker(settings: _Settings) -> None:
    global _worker
    # The parent owns Ctrl-C: it tells workers to stop between cases, so a document
    # being written is finished rather than cut off.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = settings


def _run_chunk(chunk: list[tuple[int, str]]) -> list[CaseOutcome]:
    assert _worker is not None
    return list(_run_cases(_worker, chunk))


def _run_cases(s: _Settings, cases: Iterable[tuple[int, str]], *, group: int = 8) -> Iterator[CaseOutcome]:
    """Run cases in order, a few at a time: render each in memory, then write the group's
    documents with one flush to disk (``output.write_group``) rather than one per file.
    At most one group's documents are held, so memory stays flat."""
    batch: list[tuple[CaseOutcome, list | None]] = []
    for index, case in cases:
        batch.append(_plan_case(s, index, case))
        if len(batch) >= group:
            yield from _write_cases(s, batch)
            batch = []
    yield from _write_cases(s, batch)


def _write_cases(s: _Settings, planned: list[tuple[CaseOutcome, list | None]]) -> list[CaseOutcome]:
    from .output import write_group

    items = [(d.path, d.data) for _, docs in planned for d in docs or ()]
    results = iter(write_group(items, force=s.force) if items else [])
    return [_finish_case(s, outcome, docs, [next(results) for _ in docs or ()]) for outcome, docs in planned]


def _plan_case(s: _Settings, index: int, case: str) -> tuple[CaseOutcome, list | None]:
    """Render one case in memory: its outcome so far and the documents to write."""
    outcome = CaseOutcome(index=index, case=case)
    if s.stop.is_set():
        return outcome, None
    path = Path(case)
    try:
        outcome.case_sha256 = _sha256_file(path)
    except OSError:
        pass  # loading the case reports it properly
    try:
        docs, existing = s.renderer.plan_case(s.kind, path, out_dir=s.out_dir, letter_date=s.letter_date,
                                              force=s.force, skip_existing=True)
    except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
        _record_failure(outcome, exc, case)
        return outcome, None
    outcome.status = SKIPPED
    outcome.skipped = [str(p) for p in existing]
    for p in existing:
        try:
            outcome.sha256[str(p)] = _sha256_file(p)
        except OSError:
            pass
    return outcome, docs


def _finish_case(s: _Settings, outcome: CaseOutcome, docs: list | None, errors: list) -> CaseOutcome:
    """Complete a case's outcome once its documents are written (``errors``: one per document)."""
    if docs:
        failure = next((e for e in errors if e is not None), None)
        written = [d for d, e in zip(docs, errors) if e is None]
        for d in written:
            outcome.written.append(str(d.path))
            outcome.sha256[str(d.path)] = hashlib.sha256(d.data).hexdigest()
        if failure is not None:
            _record_failure(outcome, failure, outcome.case)
        else:
            outcome.status = WRITTEN
    if outcome.status != FAILED or outcome.skipped:
        try:
            outcome.firm, outcome.template = s.template_for(Path(outcome.case))
        except (DraftingError, OSError):
            pass
    return outcome


def _record_failure(outcome: CaseOutcome, exc: Exception, case: str) -> None:
    outcome.status = FAILED
    if isinstance(exc, DraftingError):
        outcome.error = error_record(exc)
        if isinstance(exc, OutputExistsError) and exc.file:
            outcome.skipped.append(exc.file)  # another case of this batch wrote it first
        return
    # a bug: record it and go on with the other cases
    outcome.internal = True
    outcome.error = {"file": case, "line": None, "col": None, "field": None,
                     "message": f"internal error: {type(exc).__name__}: {exc}"}
    outcome.traceback = "".join(traceback.format_exception(exc))


def error_record(exc: DraftingError) -> dict:
    """The manifest's view of an error: where, which field, what (no client data beyond that)."""
    record = {"file": exc.file, "line": exc.line, "col": exc.col, "field": exc.field, "message": exc.message}
    if isinstance(exc, ValidationErrors) and len(exc.errors) > 1:
        record["more"] = [
            {"file": e.file, "line": e.line, "col": e.col, "field": e.field, "message": e.message}
            for e in exc.errors[1:]
        ]
    return record


def _sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


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
    ahead = None
    if jobs > 1 and hasattr(os, "fork") and not _template_is_cached(kind, templates_dir):
        ahead = _CompileAhead(kind, templates_dir)
    try:
        return _run_batch(kind, cases, ahead, out_dir=Path(out_dir), jobs=jobs, letter_date=letter_date,
                          firm_path=firm_path, templates_dir=templates_dir, force=force, pdf=pdf,
                          on_progress=on_progress, started=started)
    finally:
        if ahead is not None:
            ahead.close()


def _run_batch(kind, cases, ahead, *, out_dir, jobs, letter_date, firm_path, templates_dir, force, pdf,
               on_progress, started) -> BatchReport:
    from .dates import parse_date
    from .render import get_kind

    get_kind(kind)  # an unknown kind is a usage error before anything runs
    if letter_date is not None:
        try:
            letter_date = parse_date(letter_date)
        except ValueError as exc:
            raise UsageError(f"--date: {exc}") from None
    prepare_out_dir(out_dir)

    outcomes: list[CaseOutcome] = [CaseOutcome(index=i, case=str(p)) for i, p in enumerate(cases)]
    tracker = _Tracker(len(cases), on_progress)
    stop = _StopFlag()
    settings_args = (kind, out_dir, letter_date, force, templates_dir, firm_path)
    interrupted = False
    batch_start = time.time()
    try:
        with _deferred_sigint(stop):
            runner = _run_in_process if jobs == 1 else _run_in_pool
            for outcome in runner(cases, settings_args, jobs, stop, tracker, ahead):
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
        _add_pdfs(report, letter_date=letter_date)
        report.seconds = time.monotonic() - started
    return report


def _add_pdfs(report: BatchReport, *, letter_date) -> None:
    """Convert the documents this batch wrote; record the PDFs that came out."""
    from .pdf import convert_to_pdf

    error = None
    try:
        pdfs = convert_to_pdf(report.written, report.out_dir)
    except DraftingError as exc:
        pdfs, error = getattr(exc, "converted", []), exc
    made = {str(p.with_suffix(".docx")): str(p) for p in pdfs}
    for o in report.outcomes:
        for doc in o.written:
            if doc in made:
                o.pdfs.append(made[doc])
                o.sha256[made[doc]] = _sha256_file(Path(made[doc]))
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


def _run_in_process(cases, settings_args, jobs, stop, tracker, ahead) -> Iterator[CaseOutcome]:
    settings = _Settings(*settings_args, stop=stop)
    tracker.start()
    yield from _run_cases(settings, ((index, str(case)) for index, case in enumerate(cases)))


def _run_in_pool(cases, settings_args, jobs, stop, tracker, ahead) -> Iterator[CaseOutcome]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    event = ctx.Event()
    stop.events.append(event)
    settings = _Settings(*settings_args, stop=event)
    _warm_up(settings, cases, ahead)
    # What the parent built is shared copy-on-write; frozen, the workers' garbage
    # collector never walks (and so never copies) it.
    gc.freeze()
    chunks = _chunks(cases, jobs)
    retries: list[list[tuple[int, str]]] = []
    pending: dict[Future, tuple[list[tuple[int, str]], bool]] = {}
    window = jobs * 3

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                   initargs=(settings,))

    executor = new_pool()
    executor.submit(int).result()  # start the workers now, before any thread of the caller's
    gc.unfreeze()
    try:
        tracker.start()
        while True:
            while len(pending) < window and not stop.is_set():
                retry = bool(retries)
                chunk = retries.pop() if retries else next(chunks, None)
                if chunk is None:
                    break
                pending[executor.submit(_run_chunk, chunk)] = (chunk, retry)
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
                        yield from (_died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
            if broken:
                # A worker died (killed, out of memory) and took the pool with it. The
                # cases in flight are tried again one by one in a fresh pool; a case
                # that breaks it a second time is a failure.
                for chunk, retry in pending.values():
                    if retry:
                        yield from (_died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
                pending.clear()
                executor.shutdown(wait=False, cancel_futures=True)
                executor = new_pool()
        executor.shutdown(wait=True)
    except BaseException:
        _kill_workers(executor)
        raise


def _died(index: int, case: str) -> CaseOutcome:
    return CaseOutcome(index=index, case=case, status=FAILED, internal=True,
                       error={"file": case, "line": None, "col": None, "field": None,
                              "message": "internal error: the worker process rendering this case died"})


def _chunks(cases: list[Path], jobs: int) -> Iterator[list[tuple[int, str]]]:
    """Small groups of cases per task: fewer round trips, still a smooth progress bar."""
    size = max(1, min(8, len(cases) // (jobs * 16)))
    for start in range(0, len(cases), size):
        yield [(i, str(cases[i])) for i in range(start, min(start + size, len(cases)))]


def _warm_up(settings: _Settings, cases: list[Path], ahead: _CompileAhead | None) -> None:
    """Compile the template and load the firm and rules before forking, so every worker
    inherits them instead of building its own. A failure here is left for the cases to report."""
    from .output import _syncfs
    from .render import remember_compiled
    from .rules import load_rules

    _syncfs()  # ctypes and libc looked up once here, not in every worker

    renderer = settings.renderer
    try:
        _, template = settings.template_for(cases[0])
        firm = renderer.firm_for(cases[0])
        load_rules(firm.folder(firm.firm.rules))
        compiled = None
        if ahead is not None:
            compiled = ahead.result()
            ahead.close()
        if compiled is not None and compiled.path == Path(template):
            remember_compiled(compiled)
        renderer.compiled(Path(template))
    except (DraftingError, OSError):
        pass


class _CompileAhead:
    """Compile the template a batch will most likely use in a forked helper, while this
    process imports the rest of the package: the two take about as long, and a second
    core is otherwise idle then. A wrong guess (a firm's own template) or any failure
    only means the template is compiled here as usual."""

    def __init__(self, kind: str, templates_dir: str | Path | None) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_compile_ahead, args=(kind, templates_dir, child), daemon=True)
        self.proc.start()
        child.close()

    def result(self, timeout: float = 60):
        """The ``CompiledTemplate``, or None."""
        try:
            if self.conn.poll(timeout):
                return self.conn.recv()
        except Exception:  # a helper that died or sent garbage: compile here instead
            pass
        return None

    def close(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout=5)


def _likely_template(kind: str, templates_dir: str | Path | None) -> Path | None:
    """The same search as Renderer.template_path, less the firm's own folder (the firm
    profile is not loaded yet); the parent checks the guess."""
    from .bundled import bundled_templates

    name = f"{kind}.docx"
    folders = ([Path(templates_dir)] if templates_dir else []) + [bundled_templates()]
    return next((f / name for f in folders if (f / name).is_file()), None)


def _template_is_cached(kind: str, templates_dir: str | Path | None) -> bool:
    """Compiled on disk already? Then loading it is ~2 ms and no helper is worth forking."""
    from .template_cache import is_cached

    try:
        path = _likely_template(kind, templates_dir)
        return path is not None and is_cached(path)
    except (DraftingError, OSError):
        return False


def _compile_ahead(kind: str, templates_dir: str | Path | None, conn) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .template_cache import load_or_compile

        path = _likely_template(kind, templates_dir)
        conn.send(load_or_compile(path) if path is not None else None)
    except BaseException:
        try:
            conn.send(None)
        except Exception:
            pass
    finally:
        conn.close()


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
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
                o.sha256[path] = _sha256_file(Path(path))


# ------------------------------------------------------------------------ the manifest


def write_manifest(report: BatchReport, *, letter_date=None) -> Path:
    """``<out>/manifest.json``: what each case produced, from which inputs (owner-only)."""
    hashes: dict[str, str | None] = {}

    def described(path: str | None) -> dict | None:
        if path is None:
            return None
        if path not in hashes:
            try:
                hashes[path] = _sha256_file(Path(path))
            except OSError:
                hashes[path] = None
        return {"path": path, "sha256": hashes[path]}

    first = next((o for o in report.outcomes if o.template), None)
    template = described(first.template) if first else None
    firm = described(first.firm) if first else None
    cases = []
    for o in report.outcomes:
        entry = {
            "case": o.case,
            "case_sha256": o.case_sha256,
            "status": o.status,
            "outputs": [{"path": p, "sha256": o.sha256.get(p)} for p in o.outputs],
            "error": o.error,
        }
        # A batch normally uses one firm profile and one template; a case that used
        # others says which.
        if o.template and first and o.template != first.template:
            entry["template"] = described(o.template)
        if o.firm and first and o.firm != first.firm:
            entry["firm"] = described(o.firm)
        cases.append(entry)
    manifest = {
        "version": __version__,
        "kind": report.kind,
        "letter_date": letter_date.isoformat() if hasattr(letter_date, "isoformat") else letter_date,
        "template": template,
        "firm": firm,
        "cases": cases,
    }
    data = _manifest_json(manifest).encode("utf-8")
    write_atomic(report.manifest, data, force=True)
    return report.manifest


def _manifest_json(manifest: dict) -> str:
    """Indented JSON with one line per case: as easy to read and diff, and written by the C
    encoder (``indent`` alone would send the whole manifest through the Python one)."""
    cases = manifest["cases"]
    head = json.dumps({**manifest, "cases": None}, indent=2, sort_keys=True, ensure_ascii=False)
    lines = [json.dumps(c, sort_keys=True, ensure_ascii=False) for c in cases]
    body = "[\n" + ",\n".join("    " + line for line in lines) + "\n  ]" if lines else "[]"
    return head.replace('"cases": null', '"cases": ' + body, 1) + "\n"
