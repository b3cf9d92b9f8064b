"""One batch worker's side of ``drafting batch``: render a chunk of cases, write each group
of them with one flush to disk, and send back a small ``CaseOutcome`` per case.

A worker is forked from the batch's parent with the firm, rules and template already
loaded (``Settings`` holds the ``Renderer``); it never prints, and a case that fails is
recorded in its outcome while the others go on.
"""

from __future__ import annotations

import hashlib
import os
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .errors import DraftingError, DraftRequired, OutputExistsError, SectionMissingError, ValidationErrors

WRITTEN, SKIPPED, FAILED, NOT_RUN = "written", "skipped", "failed", "not-run"
NOT_APPLICABLE = "not-applicable"  # the case lacks the section the kind needs


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
    removed: list[str] = field(default_factory=list)  # stale PDFs of replaced documents
    note: str | None = None  # why a case is not applicable

    @property
    def outputs(self) -> list[str]:
        return sorted(self.written + self.skipped + self.pdfs)


class Settings:
    """The per-batch arguments every case shares (module-global in a worker)."""

    def __init__(self, kind, out_dir, letter_date, force, templates_dir, firm_path, stop, pdf=False,
                 draft=False) -> None:
        from .render import Renderer

        self.kind = kind
        self.out_dir = out_dir
        self.letter_date = letter_date
        self.force = force
        self.pdf = pdf
        self.stop = stop  # an Event: set on Ctrl-C, later cases are not started
        self.renderer = Renderer(templates_dir=templates_dir, firm_path=firm_path, draft=draft)
        self._used: dict[str, tuple[str, str]] = {}

    def template_for(self, case: Path) -> tuple[str, str]:
        """The firm profile and template this case uses (the same for a whole folder)."""
        from .render import get_kind

        folder = os.path.dirname(case)
        if folder not in self._used:
            firm = self.renderer.firm_for(case)
            self._used[folder] = (str(firm.path), str(self.renderer.template_path(get_kind(self.kind), firm)))
        return self._used[folder]


_worker: Settings | None = None


def init_worker(settings: Settings, parent: int | None = None) -> None:
    global _worker
    # The parent owns Ctrl-C: it tells workers to stop between cases, so a document
    # being written is finished rather than cut off.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    _worker = settings


def die_with_parent(parent: int | None) -> None:
    """Ask the kernel to kill this process when its parent dies (``kill -9`` of the batch
    would otherwise leave its workers running, adopted by init). Linux only; elsewhere
    the pool's own pipe closing ends them when they next ask for work."""
    prctl = _prctl()
    if prctl is None:
        return
    pr_set_pdeathsig = 1
    prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:  # it died before the prctl took effect
        os._exit(1)


def _prctl():
    """libc's ``prctl`` (Linux), or None. The one call into C that drafting makes: the
    standard library has no way to ask for a signal when the parent dies, and without it
    ``kill -9`` of a batch leaves its workers running (SECURITY.md, issue 12.18)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def run_chunk(chunk: list[tuple[int, str]]) -> list[CaseOutcome]:
    assert _worker is not None
    return list(run_cases(_worker, chunk))


def name_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, list[str], dict | None]]:
    assert _worker is not None
    return name_cases(_worker, chunk)


def name_cases(s: Settings, cases: Iterable[tuple[int, str]]) -> list[tuple[int, list[str], dict | None]]:
    """The documents each case would write, without rendering: ``(index, paths, where)``,
    ``where`` locating its matter id. A case that cannot say (it will fail when
    rendered) names none."""
    from .loading import load_case
    from .naming import output_path

    out = []
    for index, case in cases:
        if s.stop.is_set():
            break
        try:
            loaded = case.load() if hasattr(case, "load") else load_case(case)  # a file, or a spreadsheet row
            paths = [str(output_path(s.out_dir, stem)) for stem in s.renderer.stems(s.kind, loaded)]
            out.append((index, paths, loaded.where("matter", "id")))
        except Exception:  # noqa: BLE001 - rendering it reports the failure properly
            out.append((index, [], None))
    return out


def run_cases(s: Settings, cases: Iterable[tuple[int, str]]) -> Iterator[CaseOutcome]:
    """Run cases in order: render each in memory, then write its documents (each whole,
    its own fsync), so at most one case's documents are held."""
    for index, case in cases:
        yield _write_case(s, *_plan_case(s, index, case))


def _write_case(s: Settings, outcome: CaseOutcome, docs: list | None) -> CaseOutcome:
    from .output import write_atomic

    results: list = []
    for doc in docs or ():
        try:
            write_atomic(doc.path, doc.data, force=s.force)
            results.append(None)
        except DraftingError as exc:
            results.append(exc)
        except Exception as exc:  # noqa: BLE001 - a bug: this case fails, the batch goes on
            results.append(exc)
    return _finish_case(s, outcome, docs, results)


def _plan_case(s: Settings, index: int, case) -> tuple[CaseOutcome, list | None]:
    """Render one case in memory: its outcome so far and the documents to write. ``case``
    is a file's path or a spreadsheet row (``importer.TableRow``)."""
    row = case if hasattr(case, "load") else None
    outcome = CaseOutcome(index=index, case=row.label if row else case)
    if s.stop.is_set():
        return outcome, None
    path = Path(case) if row is None else row.path
    try:
        outcome.case_sha256 = _case_sha256(path) if row is None else row.sha256
    except Exception:  # noqa: BLE001 - loading the case reports it properly
        pass
    try:
        source = path if row is None else row.load()
        docs, existing = s.renderer.plan_case(s.kind, source, out_dir=s.out_dir, letter_date=s.letter_date,
                                              force=s.force, skip_existing=True, pdf=s.pdf)
    except SectionMissingError as exc:  # not a failure: this kind is not for this case
        outcome.status = NOT_APPLICABLE
        outcome.note = exc.message
        return outcome, None
    except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
        _record_failure(outcome, exc, case)
        return outcome, None
    outcome.status = SKIPPED
    outcome.skipped = [str(p) for p in existing]
    for p in existing:
        try:
            outcome.sha256[str(p)] = sha256_file(p)
        except OSError:
            pass
    return outcome, docs


def _finish_case(s: Settings, outcome: CaseOutcome, docs: list | None, errors: list) -> CaseOutcome:
    """Complete a case's outcome once its documents are written (``errors``: one per document)."""
    from .output import remove_stale_pdf

    if docs:
        failure = next((e for e in errors if e is not None), None)
        written = [d for d, e in zip(docs, errors, strict=False) if e is None]
        for d in written:
            outcome.written.append(str(d.path))
            outcome.sha256[str(d.path)] = hashlib.sha256(d.data).hexdigest()
            try:
                removed = remove_stale_pdf(d.path)  # made from the document just replaced
            except DraftingError as exc:
                failure = failure or exc
            else:
                if removed is not None:
                    outcome.removed.append(str(removed))
        if failure is not None:
            _record_failure(outcome, failure, outcome.case)
        else:
            outcome.status = WRITTEN
    if outcome.status != FAILED or outcome.skipped:
        try:
            outcome.firm, outcome.template = s.template_for(Path(outcome.case))  # a row: its sheet's folder
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
    elif isinstance(exc, DraftRequired):  # each gap where it lies in the rule data
        record["more"] = [{"file": str(g.file), "line": g.line, "col": None, "field": g.fact, "message": g.describe()}
                          for g in exc.gaps]
    return record


def _case_sha256(path: Path) -> str | None:
    """The case file's hash, if it is a regular file small enough to be a case (a 6 GB or
    endless file is refused by the loader, not read here)."""
    import stat

    from .yamlio import MAX_YAML_BYTES

    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_YAML_BYTES:
        return None
    return sha256_file(path)


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def died(index: int, case: str) -> CaseOutcome:
    return CaseOutcome(index=index, case=case, status=FAILED, internal=True,
                       error={"file": case, "line": None, "col": None, "field": None,
                              "message": "internal error: the worker process rendering this case died"})
