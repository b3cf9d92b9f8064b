"""The command line. Parses switches, calls the library, and turns a ``DraftingError``
into a red message on stderr and exit code 1. The only module that imports Typer/Rich;
library imports are deferred so ``drafting --help`` starts fast."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    name="drafting",
    help="Engagement letters, preservation requests and registration advisories from YAML case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Not the list of kinds: reading it would import every kind (~0.25 s) before `--help` can answer.
KindArg = typer.Argument(..., help="The document kind (`drafting kinds` lists them).")
CaseArg = typer.Argument(..., help="The case file (YAML).")
OutOpt = typer.Option(Path("out"), "--out", "-o", help="Folder for the documents.", file_okay=False)
DateOpt = typer.Option(None, "--date", help="Letter date (default: the case's date:, else today).")
FirmOpt = typer.Option(None, "--firm", help="Firm profile (default: firm.yaml next to the case or above it).")
TemplatesOpt = typer.Option(None, "--templates", help="Folder of templates that replace the bundled ones.")
ForceOpt = typer.Option(False, "--force", help="Overwrite documents that already exist.")
PdfOpt = typer.Option(False, "--pdf", help="Also write a PDF next to each .docx (needs LibreOffice).")
DraftOpt = typer.Option(False, "--draft", help="Render even where the rule data lacks a fact or holds it only "
                        "from a secondary source: every page is headed DRAFT \u2014 FOR ATTORNEY REVIEW and each "
                        "gap is marked.")


# What a terminal would act on rather than show: C0 controls but tab and newline, DEL,
# C1 controls (CSI, OSC …: colours, titles, hyperlinks) and the bidi overrides.
_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _inert(text: str) -> str:
    """Case text as it may reach a terminal: each active character as a ``\\uXXXX`` escape
    (valid inside JSON strings too). Rich markup is never parsed on user text."""
    return _ACTIVE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _err(text: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(_inert(text), style="bold red", markup=False)


def boundary(func):
    """The one error boundary: a user's mistake is a message and exit 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .errors import DraftingError

        try:
            return func(*args, **kwargs)
        except DraftingError as exc:
            for line in str(exc).splitlines():
                _err(f"error: {line}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted; nothing half-written was left behind")
            raise typer.Exit(130) from None

    return wrapper


def _say(text: str) -> None:
    typer.echo(_inert(text))


@app.command()
@boundary
def kinds(
    firm: Optional[Path] = typer.Option(None, "--firm", help="Firm profile, to show its template overrides."),
    templates: Optional[Path] = TemplatesOpt,
) -> None:
    """The document kinds, the templates in use, and the offense ids the library knows."""
    from .kinds import KINDS
    from .loading import load_firm
    from .render import Renderer, bundled_templates
    from .rules import load_rules

    loaded_firm = load_firm(firm) if firm else None
    renderer = Renderer(templates_dir=templates)
    bundled = bundled_templates()
    for kind in KINDS.values():
        path = renderer.template_path(kind, loaded_firm)
        origin = "bundled" if path.parent == bundled else "override"
        needs = ", ".join(("matter", "client", "charges") + kind.sections)
        _say(f"{kind.name:<13} {kind.summary}")
        _say(f"{'':<13} template: {path} ({origin})")
        _say(f"{'':<13} case sections: {needs}")
    from .advice import residence_gaps

    rules = load_rules(loaded_firm.folder(loaded_firm.firm.rules) if loaded_firm else None,
                       attorneys=tuple(a.id for a in loaded_firm.firm.attorneys) if loaded_firm else ())
    ready = [code for code in rules.registration if not residence_gaps(rules, code)]
    drafts = [code for code in rules.registration if code not in ready]
    _say("")
    _say("offense ids: " + ", ".join(rules.offenses))
    _say("registration rules: " + ", ".join(rules.registration))
    _say("advisories client-ready for residents of: " + (", ".join(ready) or "none yet"))
    _say("advisories drafts only (--draft; `drafting check --gaps` lists what to confirm): "
         + (", ".join(drafts) or "none"))
    _say("preservation items: " + ", ".join(rules.preservation))


@app.command()
@boundary
def render(
    kind: str = KindArg,
    case: Path = CaseArg,
    out: Path = OutOpt,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    force: bool = ForceOpt,
    pdf: bool = PdfOpt,
    draft: bool = DraftOpt,
) -> None:
    """Render one case into its document(s)."""
    from .render import Renderer

    renderer = Renderer(templates_dir=templates, firm_path=firm, draft=draft)
    result = renderer.render_case(kind, case, out_dir=out, letter_date=date, force=force, pdf=pdf)
    for path in result.written:
        _say(f"wrote {path}")
    for path in result.removed if not pdf else ():
        _say(f"removed {path}: it was made from the document just replaced (use --pdf for a new one)")
    if pdf and result.written:
        from .pdf import convert_to_pdf

        for path in convert_to_pdf(result.written, out, force=force):
            _say(f"wrote {path}")
            for warning in _glyph_warnings(path, case):
                _err(f"warning: {warning}")


def _glyph_warnings(pdf_path: Path, case: Path) -> list[str]:
    """A PDF that would show a character as an empty box says so, naming the field."""
    from .docxtext import read_document, to_lines
    from .pdf import missing_glyphs
    from .yamlio import dotted, load_yaml

    text = "\n".join(to_lines(read_document(pdf_path.with_suffix(".docx").read_bytes())))
    missing = missing_glyphs(text)
    if not missing:
        return []
    from .errors import DraftingError

    try:
        source = load_yaml(case) if case.suffix.lower() in (".yaml", ".yml") else None
    except DraftingError:  # a spreadsheet row, or a file gone since: name the character only
        source = None
    out = []
    for char in missing:
        where = _first_field_with(source.data, char, ()) if source is not None else None
        place = "in the letter"
        if where is not None:
            line, col = source.positions.get(where, (1, 1))
            place = f"from {case}:{line}:{col} {dotted(where)}"
        out.append(f"{pdf_path}: no installed font has the character {char} (U+{ord(char):04X}) {place}; "
                   "it prints as an empty box. Install a font that has it (Chinese, Japanese, Korean: "
                   "Debian's fonts-noto-cjk) and convert again.")
    return out


def _first_field_with(data, char: str, loc: tuple):
    if isinstance(data, str):
        return loc if char in data else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _first_field_with(value, char, loc + (key,))
        if found is not None:
            return found
    return None


@app.command()
@boundary
def context(
    kind: str = KindArg,
    case: Path = CaseArg,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    draft: bool = DraftOpt,
) -> None:
    """The template context as JSON (one object per document), for template authors."""
    import json

    from .environment import to_plain
    from .render import Renderer

    _, letters = Renderer(firm_path=firm, draft=draft).letters(kind, case, letter_date=date)
    data = {stem: to_plain(letter.context) for stem, letter in letters}
    _say(json.dumps(data, indent=2, ensure_ascii=False))


# --- batch -------------------------------------------------------------------------
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
    from . import render  # noqa: F401 - the render stack, imported while the GC is off (see main)
    from .batch import BatchInterrupted, run_batch
    from .errors import DraftingError


    show = _BatchDisplay()
    try:
        report = run_batch(kind, cases, out_dir=out, jobs=jobs, letter_date=date, firm_path=firm,
                           templates_dir=templates, force=force, pdf=pdf, draft=draft,
                           on_progress=show.progress)
    except DraftingError as exc:
        done = getattr(exc, "batch_report", None)  # the documents were written; --pdf failed
        if done is not None:
            show.close()
            show.summary(done)
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
            if e.get("more"):
                message += f" (and {len(e['more'])} more in this file)"
            failures.append((where, e.get("field") or "", message))
        tables = [(title, counts, True)] + ([("failures", failures, False)] if report.failed else [])
        if _terminal():
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


def _terminal() -> bool:
    return sys.stdout.isatty()


def _aligned(rows: list[tuple[str, ...]], *, right: bool) -> list[str]:
    """Columns padded to their widest cell, two spaces apart (the last one not padded)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if right else cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _failure_text(o) -> str:
    e = o.error or {}
    where = e.get("file") or o.case
    if e.get("line"):
        where += f":{e['line']}"
    field = f" {e['field']}" if e.get("field") else ""
    return f"{where}{field} — {e.get('message', '')}"


# --- the paralegal's desk: import, verify, calendar ------------------------------
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
        from .importer import known_columns

        _say("# one column per field; # is an entry number (0, 1, 2 …); an empty cell is an absent field")
        for path in known_columns():
            _say(path)
        return
    if table is None or out is None:
        from .errors import UsageError

        raise UsageError("give the spreadsheet and --out DIR: drafting import clients.xlsx --out cases")
    from .importer import import_table

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
    from .verify import DIFFERENT, MISSING, WRITTEN, verify_cases

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
    from .calendar_ics import calendar_bytes, collect_deadlines, write_calendar
    from .errors import NothingToDo, ValidationErrors

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
@app.command()
@boundary
def check(
    cases: Optional[List[Path]] = typer.Argument(
        None, help="Case files (YAML) or folders of them; without any, lint the templates and rule data only."),
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    date: Optional[str] = DateOpt,
    gaps: bool = typer.Option(False, "--gaps", help="Also list, per jurisdiction, every fact of the rule data "
                              "that keeps its advisories drafts (missing, or from a secondary source only)."),
) -> None:
    """Validate cases, lint every template and flag stale rule data; writes nothing."""
    from .check import run_check


    report = run_check(cases or [], firm_path=firm, templates_dir=templates, letter_date=date, gaps=gaps)
    for finding in report.findings:
        _say(f"{finding.severity}: {finding}")
    summary = (f"checked {report.cases} case file(s), {len(report.templates)} template(s) and the rule data: "
               f"{report.errors} error(s), {report.warnings} warning(s)")
    if any(f.file in report.templates for f in report.findings):
        summary += " (a template's line number is its paragraph number)"
    _say(summary)
    if report.errors:
        raise typer.Exit(1)


@app.command()
@boundary
def preview(
    kind: str = KindArg,
    case: Path = CaseArg,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    draft: bool = DraftOpt,
) -> None:
    """The rendered document(s) as text in the terminal; writes nothing."""
    import shutil

    from .docxtext import read_document, to_text
    from .render import Renderer

    docs = Renderer(templates_dir=templates, firm_path=firm, draft=draft).documents(kind, case, out_dir=Path("out"),
                                                                      letter_date=date)
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    for i, doc in enumerate(docs):
        if i:
            _say("")
        _say(f"=== {doc.path.name} " + "=" * max(3, width - len(doc.path.name) - 5))
        _say(to_text(read_document(doc.data), width=width).rstrip("\n"))


@app.command()
@boundary
def diff(
    a: Path = typer.Argument(..., help="The first .docx."),
    b: Path = typer.Argument(..., help="The second .docx."),
) -> None:
    """What a reader would see differ between two documents; exit 0 if none, 1 if any."""
    from .docxdiff import diff_documents

    lines = diff_documents(a, b, a_label=str(a), b_label=str(b))
    if not lines:
        _say("same: the documents read the same")
        return
    for line in lines:
        _say(line)
    raise typer.Exit(1)


@app.command()
@boundary
def new(
    case: Path = typer.Argument(..., help="The case file to create (YAML)."),
    no_input: bool = typer.Option(False, "--no-input", help="Ask nothing; write the skeleton with placeholders."),
) -> None:
    """Scaffold a commented case file, asking for the essentials."""
    from . import scaffold
    from .errors import DraftingError, OutputExistsError
    from .kinds import KINDS
    from .loading import find_firm

    if case.exists():
        raise OutputExistsError(path=case, message="already exists; drafting new never replaces a file")
    if no_input:
        text = scaffold.case_skeleton(None, None, None)
    else:
        text = scaffold.case_skeleton(
            _ask("Client name", scaffold.client_name),
            _ask("Matter id", scaffold.matter_id),
            _ask("Jurisdiction (two-letter state code, or US for federal)", scaffold.jurisdiction),
            _ask("Stage (investigation, charged, convicted)", scaffold.stage, "investigation"),
            _ask(f"Kinds ({', '.join(KINDS)})", scaffold.kinds, ",".join(KINDS)),
        )
    scaffold.write_case_file(case, text)
    _say(f"wrote {case}")
    todo = scaffold.fill_in_lines(text)
    if todo:
        _say("fill in the values marked FILL IN: " + ", ".join(f"{key} (line {n})" for n, key in todo))
    try:
        find_firm(case)
    except DraftingError:
        _say("put firm.yaml next to it or in a parent folder (or pass --firm)")
    _say(f"then run: drafting check {case}")


def _ask(text: str, check, default: Optional[str] = None):
    """Prompt until ``check`` accepts the answer (it raises ValueError with the reason)."""

    def convert(value):
        if not isinstance(value, str):
            return value
        try:
            return check(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    return typer.prompt(text, default=default, value_proc=convert)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
