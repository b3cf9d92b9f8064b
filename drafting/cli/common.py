"""What every command shares: the Typer app, the options, the one error boundary, and
printing text inert (case text never acts on the terminal)."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Optional

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
        from ..errors import DraftingError

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


def _glyph_warnings(pdf_path: Path, case: Path) -> list[str]:
    """A PDF that would show a character as an empty box says so, naming the field."""
    from ..docxtext import read_document, to_lines
    from ..pdf import missing_glyphs
    from ..yamlio import dotted, load_yaml

    text = "\n".join(to_lines(read_document(pdf_path.with_suffix(".docx").read_bytes())))
    missing = missing_glyphs(text)
    if not missing:
        return []
    from ..errors import DraftingError

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
