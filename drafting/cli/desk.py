"""The paralegal's desk: ``import`` (spreadsheets), ``verify`` (approved letters), ``calendar``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .common import DateOpt, DraftOpt, FirmOpt, KindArg, TemplatesOpt, _err, _say, app, boundary


@app.command("import")
@boundary
def import_(
    table: Optional[Path] = typer.Argument(None, help="The spreadsheet (.csv or .xlsx): one case per row."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the case files.", file_okay=False),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The sheet of an .xlsx to read (default: the first)."),
    firm: Optional[Path] = FirmOpt,
    force: bool = typer.Option(False, "--force", help="Replace case files that already exist."),
    columns: bool = typer.Option(False, "--columns", help="List the column headers a sheet may use, and stop."),
) -> None:
    """One commented case file per row of a spreadsheet; nothing is written if any row is bad."""
    if columns:
        from ..importer import known_columns

        _say("# one column per field; # is an entry number (0, 1, 2 …); an empty cell is an absent field")
        for path in known_columns():
            _say(path)
        return
    if table is None or out is None:
        from ..errors import UsageError

        raise UsageError("give the spreadsheet and --out DIR: drafting import clients.xlsx --out cases")
    from ..importer import import_table

    show = _Progress("importing")
    try:
        report = import_table(table, out, force=force, sheet=sheet, firm_path=firm, on_progress=show.update)
    finally:
        show.close()
    for path in report.written:
        _say(f"wrote {path}")
    _say(f"{len(report.written)} case file(s) from {report.rows} row(s) of {table}")
    if not report.firm_found:
        _say(f"no firm profile found: put firm.yaml in {out} or a parent folder (or pass --firm), "
             "then run: drafting check " + str(out))


@app.command()
@boundary
def verify(
    kind: str = KindArg,
    cases: List[Path] = typer.Argument(..., help="Case files (YAML), folders of them, or spreadsheets."),
    golden: Path = typer.Option(..., "--golden", help="Folder of the approved letters (same file names).",
                                file_okay=False),
    update: bool = typer.Option(False, "--update", help="Write the approved copies from what is rendered now."),
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    draft: bool = DraftOpt,
) -> None:
    """Render in memory and compare each letter with its approved copy; exit 0 same,
    1 with each difference, 2 when an approved copy is missing."""
    from ..verify import DIFFERENT, MISSING, WRITTEN, verify_cases

    report = verify_cases(kind, cases, golden, update=update, letter_date=date, firm_path=firm,
                          templates_dir=templates, draft=draft)
    for v in report.verdicts:
        if v.status == DIFFERENT:
            _say(f"different: {v.approved} ({v.case})")
            for line in v.diff:
                _say("  " + line)
        elif v.status == MISSING:
            _say(f"missing: {v.approved} has no approved copy ({v.case}); run with --update to write it")
        elif v.status == WRITTEN:
            _say(f"wrote {v.approved}")
    for exc in report.errors:
        for line in str(exc).splitlines():
            _err(f"error: {line}")
    same = sum(v.status == "same" for v in report.verdicts)
    written = sum(v.status == WRITTEN for v in report.verdicts)
    _say(f"{same} same, {len(report.different)} different, {len(report.missing)} missing"
         + (f", {written} approved cop{'y' if written == 1 else 'ies'} written" if update else "")
         + f", {len(report.errors)} case(s) that could not be rendered")
    if not update and report.exit_code:
        raise typer.Exit(report.exit_code)
    if update and report.errors:
        raise typer.Exit(1)


@app.command()
@boundary
def calendar(
    cases: List[Path] = typer.Argument(..., help="Case files (YAML), folders of them, or spreadsheets."),
    out: Path = typer.Option(..., "--out", "-o", help="The iCalendar file to write (FILE.ics).", dir_okay=False),
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    remind_days: int = typer.Option(3, "--remind-days", min=0, max=60,
                                    help="Days before the date for the reminder (0: none)."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
) -> None:
    """The respond-by date of every preservation request as calendar events (.ics)."""
    from ..calendar_ics import calendar_bytes, collect_deadlines, write_calendar
    from ..errors import NothingToDo, ValidationErrors

    report = collect_deadlines(cases, letter_date=date, firm_path=firm)
    if report.errors:  # nothing is written unless every case could be read
        errors = [e for exc in report.errors for e in (exc.errors if isinstance(exc, ValidationErrors) else [exc])]
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    if not report.deadlines:
        raise NothingToDo("no preservation requests in these cases; no calendar written",
                          file=", ".join(map(str, cases)))
    data = calendar_bytes(report.deadlines, remind_days=remind_days, calendar_name="Preservation deadlines")
    write_calendar(out, data, force=force)
    for d in report.deadlines:
        _say(f"{d.respond_by.isoformat()}  {d.matter_id} — {d.recipient}")
    _say(f"wrote {out}: {len(report.deadlines)} deadline(s)"
         + (f"; {len(report.without_requests)} case(s) without preservation requests"
            if report.without_requests else ""))


class _Progress:
    """A progress bar on a terminal for a long job; nothing otherwise."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.tty = sys.stderr.isatty()

    def update(self, phase: str, done: int, total: int) -> None:
        if not self.tty or total < 50:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(f"{self.title}: {phase}", total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


# --- authoring and QA: check, preview, diff, new -----------------------------------
