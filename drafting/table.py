"""Read a spreadsheet (``.csv`` or ``.xlsx``) into rows of text cells, each with its place
(``clients.xlsx:Sheet1!C7``), without trusting the file.

An ``.xlsx`` is a zip of XML: it is opened through the same zip-bomb and DOCTYPE checks
as a Word template before openpyxl sees it, read in read-only mode, and a formula is
refused rather than evaluated (or silently replaced by a value cached by whoever saved it
last). Values reach the case as the text a person typed: ``25000`` not ``25000.0``, a
date cell as ``2026-08-01``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CaseFileError, ValidationErrors

MAX_TABLE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
TABLE_SUFFIXES = (".csv", ".xlsx")


def column_letter(index: int) -> str:
    """1 -> ``A``, 27 -> ``AA``."""
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass
class Table:
    """A sheet: the header row and the data rows, every cell as text (``""`` when empty)."""

    path: Path
    sheet: str | None  # None for a CSV, which has no sheets
    header: list[str]
    header_row: int = 1
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)

    @property
    def prefix(self) -> str:
        """``clients.xlsx:Sheet1!`` or ``clients.csv:``: what a cell reference follows."""
        return f"{self.path}:{self.sheet}!" if self.sheet is not None else f"{self.path}:"

    def cell(self, column: int, row: int) -> str:
        """``clients.xlsx:Sheet1!C7`` (column counted from 1)."""
        return f"{self.prefix}{column_letter(column)}{row}"

    def row_label(self, row: int) -> str:
        """``clients.xlsx:Sheet1 row 7``: a whole row, where no one cell is to blame."""
        return f"{self.path}:{self.sheet} row {row}" if self.sheet is not None else f"{self.path} row {row}"


def is_table(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """The first sheet (or ``sheet``) of a ``.csv`` or ``.xlsx``; errors name the file and cell."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise CaseFileError("is not a spreadsheet drafting reads (.csv or .xlsx)", file=path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise CaseFileError("file not found", file=path) from exc
    except OSError as exc:
        raise CaseFileError(f"cannot read: {exc.strerror}", file=path) from exc
    if path.is_dir():
        raise CaseFileError("is a folder, not a spreadsheet", file=path)
    if size > MAX_TABLE_BYTES:
        raise CaseFileError(f"is larger than {MAX_TABLE_BYTES // (1024 * 1024)} MB; not a client list", file=path)
    if suffix == ".csv":
        if sheet is not None:
            raise CaseFileError("a CSV file has no sheets; --sheet is for .xlsx files", file=path)
        table = _read_csv(path)
    else:
        table = _read_xlsx(path, sheet)
    _check_sizes(table)
    return table


def _check_sizes(table: Table) -> None:
    errors = []
    for number, cells in [(1, table.header)] + table.rows:
        for col, value in enumerate(cells, 1):
            if len(value) > MAX_CELL_CHARS:
                errors.append(CaseFileError(f"holds more than {MAX_CELL_CHARS:,} characters",
                                            file=table.cell(col, number)))
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)


# ---------------------------------------------------------------- CSV


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(
            "is not UTF-8 text; in Excel save it as \"CSV UTF-8 (Comma delimited)\", "
            "or open it in a text editor and save it as UTF-8", file=path, line=line) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel where the decimal mark is a comma) or tab: the one the
    header line uses most, outside quotes."""
    first, quoted = [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            break
        elif not quoted:
            first.append(ch)
    line = "".join(first)
    return max(",;\t", key=line.count) if any(d in line for d in ",;\t") else ","


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    if b"\x00" in raw and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CaseFileError("is a binary file, not CSV text (an .xlsx renamed?)", file=path)
    text = _decode(raw, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if len(record) > MAX_COLUMNS:
                raise CaseFileError(f"has more than {MAX_COLUMNS} columns", file=f"{path}:{number}")
            if header is None:
                header = record
            elif any(cell.strip() for cell in record):
                rows.append((number, record))
            if number > MAX_ROWS:
                raise CaseFileError(f"has more than {MAX_ROWS:,} rows; split it", file=path)
    except csv.Error as exc:
        raise CaseFileError(f"is not valid CSV near row {number + 1} ({exc})", file=path,
                            line=reader.line_num or None) from None
    if header is None or not any(h.strip() for h in header):
        raise CaseFileError("has no header row (the first row names the fields: matter.id, client.name …)",
                            file=path, line=1)
    return Table(path=path, sheet=None, header=header, rows=rows)


# ---------------------------------------------------------------- XLSX


def _check_xlsx_zip(path: Path) -> None:
    """Zip-bomb limits and no DOCTYPE in any XML part, before openpyxl parses anything."""
    from . import ooxml
    from .errors import TemplateError

    try:
        with ooxml.open_docx_zip(path, what=path) as zf:
            for info in zf.infolist():
                if info.filename.lower().endswith((".xml", ".rels")):
                    data = ooxml.read_part(zf, info.filename, file=str(path))
                    text = data.decode("utf-16", "replace") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else None
                    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or (
                            text and ("<!DOCTYPE" in text or "<!ENTITY" in text)):
                        raise CaseFileError(f"part {info.filename} declares a DOCTYPE or entities; refused",
                                            file=path)
    except TemplateError as exc:  # "not a zip", a bomb: say it of the spreadsheet
        message = exc.message.replace("not a .docx (zip) file", "not an .xlsx file (an .xlsx is a zip)")
        raise CaseFileError(message.replace("the .docx", "the workbook"), file=path) from None


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    _check_xlsx_zip(path)
    import warnings
    import zipfile

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "workbook contains no default style" and the like
            book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CaseFileError(f"cannot be read as an Excel workbook ({type(exc).__name__})", file=path) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise CaseFileError(f"cannot be read as an Excel workbook ({type(exc).__name__})", file=path) from None
    try:
        if sheet is None:
            ws = book.worksheets[0] if book.worksheets else None
            if ws is None:
                raise CaseFileError("has no worksheet", file=path)
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise CaseFileError(f"has no sheet {sheet!r}; its sheets: {', '.join(book.sheetnames)}", file=path)
        name = ws.title
        table = Table(path=path, sheet=name, header=[])
        errors: list[CaseFileError] = []
        header_seen = False
        for cells in ws.iter_rows():
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is None:
                continue
            if number > MAX_ROWS + 1:
                raise CaseFileError(f"has more than {MAX_ROWS:,} rows; split it", file=f"{path}:{name}")
            values: list[str] = []
            for c in cells:
                col = getattr(c, "column", None)
                if col is None:
                    continue
                if col > MAX_COLUMNS:
                    if c.value is not None:
                        raise CaseFileError(f"has more than {MAX_COLUMNS} columns", file=table.cell(col, number))
                    continue
                while len(values) < col - 1:
                    values.append("")
                values.append(_cell_text(c, table, errors))
            if not header_seen:
                if not any(v.strip() for v in values):
                    continue  # blank rows above the header
                table.header = values
                table.header_row = number
                header_seen = True
            elif any(v.strip() for v in values):
                table.rows.append((number, values))
        if errors:
            raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
        if not header_seen:
            raise CaseFileError("has no header row (the first row names the fields: matter.id, client.name …)",
                                file=f"{path}:{name}")
        return table
    finally:
        book.close()


def _cell_text(cell, table: Table, errors: list) -> str:
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f" or (isinstance(value, str) and cell.data_type == "f"):
        errors.append(CaseFileError("holds a formula; drafting does not evaluate formulas: "
                                    "copy the cell and paste it as a value", file=table.cell(cell.column, cell.row)))
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")  # no zone: an observation time says so, with its cell
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)
