"""``drafting batch``: many cases at once, with a progress bar and a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import common
from .common import (
    DateOpt,
    DraftOpt,
    FirmOpt,
    ForceOpt,
    KindArg,
    OutOpt,
    PdfOpt,
    TemplatesOpt,
    _aligned,
    _err,
    _failure_text,
    _glyph_warnings,
    _inert,
    _say,
    app,
    boundary,
)


@app.command()
@boundary
def batch(
    kind: str = KindArg,
    cases: List[Path] = typer.Argument(..., help="Case files (YAML), or folders of them."),
    out: Path = OutOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes (default: the number of CPUs)."),
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    force: bool = ForceOpt,
    pdf: bool = PdfOpt,
    draft: bool = DraftOpt,
) -> None:
    """Render many cases in parallel; write every good one, list the bad ones, keep a manifest."""
    from ..batch import BatchInterrupted, run_batch
    from ..errors import BatchPdfError


    show = _BatchDisplay()
    try:
        report = run_batch(kind, cases, out_dir=out, jobs=jobs, letter_date=date, firm_path=firm,
                           templates_dir=templates, force=force, pdf=pdf, draft=draft,
                           on_progress=show.progress)
    except BatchPdfError as exc:  # the documents were written; --pdf failed
        show.close()
        show.summary(exc.report)
        raise
    except BatchInterrupted as exc:
        show.close()
        show.summary(exc.report)
        _err("interrupted; nothing half-written was left behind; "
             f"the manifest lists what was done: {exc.report.manifest}")
        raise typer.Exit(130) from None
    finally:
        show.close()
    for path in report.pdfs:
        _say(f"wrote {path}")
    for outcome in report.outcomes:
        for path in outcome.pdfs:
            for warning in _glyph_warnings(Path(path), Path(outcome.case)):
                _err(f"warning: {warning}")
    show.summary(report)
    if report.failed:
        raise typer.Exit(1)


class _BatchDisplay:
    """A progress bar on a terminal, plain lines otherwise, and the summary table."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None
        self.tty = sys.stderr.isatty()

    def progress(self, event) -> None:
        if self.tty:
            self._bar(event)
        elif event.outcome is not None:
            self._line(event)

    def _bar(self, event) -> None:
        if self.bar is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                ProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.text import Text

            class Rate(ProgressColumn):
                def render(self, task) -> Text:
                    speed = task.finished_speed or task.speed
                    return Text(f"{speed:.0f} docs/s" if speed else "– docs/s")

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("documents"), Rate(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("rendering", total=event.documents_expected)
        self.bar.update(self.task, completed=event.documents_done, total=event.documents_expected)
        if event.outcome is not None and event.outcome.status == "failed":
            self.bar.console.print(_inert(f"failed: {_failure_text(event.outcome)}"), style="red",
                                   markup=False, highlight=False)

    def _line(self, event) -> None:
        o = event.outcome
        head = f"[{event.cases_done}/{event.cases_total}]"
        if o.status == "failed":
            typer.echo(_inert(f"{head} failed {_failure_text(o)}"), err=True)
            return
        if o.status == "not-applicable":
            typer.echo(_inert(f"{head} not applicable {o.case} — {o.note}"), err=True)
            return
        for path in o.written:
            typer.echo(_inert(f"{head} written {path}"), err=True)
        for path in o.skipped:
            typer.echo(_inert(f"{head} skipped {path} (exists)"), err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def summary(self, report) -> None:
        """The counts, then each failure: a Rich table on a terminal, plain aligned text
        otherwise (a log or a script reads it; Rich is not even imported then)."""
        title = f"drafting batch {report.kind}: {len(report.outcomes)} case(s)"
        counts = [("written", "skipped (already exist)", "failed", "not applicable", "not run"),
                  (str(len(report.written)), str(len(report.skipped)), str(len(report.failed)),
                   str(len(report.not_applicable)), str(len(report.not_run)))]
        failures = [("file:line", "field", "message")]
        for o in report.failed:
            e = o.error or {}
            where = e.get("file") or o.case
            if e.get("line"):
                where += f":{e['line']}"
            message = e.get("message", "")
            if e.get("more") and all(m.get("file") == e.get("file") for m in e["more"]):
                message += f" (and {len(e['more'])} more in this file)"
            elif e.get("more"):  # a draft's gaps lie in the rule files
                message += f" ({len(e['more'])} listed in the manifest)"
            failures.append((where, e.get("field") or "", message))
        tables = [(title, counts, True)] + ([("failures", failures, False)] if report.failed else [])
        if common._terminal():
            from rich.console import Console
            from rich.table import Table
            from rich.text import Text

            console = Console(highlight=False, soft_wrap=True)
            for name, (header, *rows), numbers in tables:
                table = Table(title=name, show_header=True)
                for column in header:
                    table.add_column(column, justify="right" if numbers else "left")
                for row in rows:  # Text, not str: a "[bold" in a case is text, not Rich markup
                    table.add_row(*(Text(_inert(cell)) for cell in row))
                console.print(table)
        else:
            for name, rows, numbers in tables:
                _say(name)
                for line in _aligned(rows, right=numbers):
                    _say("  " + line)
        bugs = [o for o in report.failed if o.internal]
        for o in bugs:
            if o.traceback:
                sys.stderr.write(o.traceback)
        if bugs:
            _err(f"{len(bugs)} case(s) hit an internal error: that is a bug in drafting, not in the case; "
                 "please report it with the traceback above")
        _say(f"manifest: {report.manifest}")
