"""Many cases at once (``drafting batch``): parallel, failure-isolated, resumable.

Workers (``batch_pool``) are forked from a parent that has already imported the package
and loaded the compiled template (from the on-disk cache, or compiled there once), so
each starts warm and shares it copy-on-write. Each worker
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .batch_pool import _kill_workers, _run_in_pool, _run_in_process  # noqa: F401
from .batch_worker import (
    FAILED,
    NOT_APPLICABLE,
    NOT_RUN,
    CaseOutcome,
    sha256_file,
)
from .errors import BatchPdfError, NothingToDo, PdfError, UsageError
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
                raise NothingToDo("no case files (*.yaml) in this folder", file=path)
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
        raise NothingToDo("no case files given")
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
    the manifest; a ``BatchPdfError`` (carrying the report) is raised after the manifest is written.
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
    write_manifest(kind=report.kind, path=report.manifest, outcomes=report.outcomes, letter_date=letter_date)
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
    except PdfError as exc:
        pdfs, error = exc.converted, exc
    made = {str(p.with_suffix(".docx")): str(p) for p in pdfs}
    for o in report.outcomes:
        for doc in o.written:
            if doc in made:
                o.pdfs.append(made[doc])
                o.sha256[made[doc]] = sha256_file(Path(made[doc]))
    write_manifest(kind=report.kind, path=report.manifest, outcomes=report.outcomes, letter_date=letter_date)
    if error is not None:  # the documents are written; the caller may show them
        raise BatchPdfError(cause=error, report=report) from error


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
