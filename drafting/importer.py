"""Cases from a spreadsheet: one case per row, a header row of case-file paths
(``matter.id``, ``client.address``, ``charges.0.offense`` …).

Each row becomes the same plain data a YAML case file gives (text values, nested maps
and lists) with, instead of line numbers, the cell each value came from, so the models
validate it exactly as they validate a file and every error names the sheet, the cell
and the field: ``clients.xlsx:Sheet1!C7 client.name: must not be empty``. An empty cell
is an absent field; a list of lines (``client.address``) is one line per line of the cell.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .columns import _ID_LISTS, _MAX_INDEX, Loc, _keys, _shape, _suggest, known_columns, parse_header  # noqa: F401
from .errors import CaseFileError, ValidationErrors
from .import_checks import _each, _RuleChecker  # noqa: F401
from .models import Case
from .table import Table, column_letter, read_table
from .yamlio import Located

# ---------------------------------------------------------------- a row


class RowSource(Located):
    """A row's plain data; ``where`` names the cell a value came from."""

    def __init__(self, path: Path, data: Any, *, prefix: str, row: int, label: str,
                 cells: dict[Loc, str], columns: dict[Loc, str], renumbered: dict[Loc, int]) -> None:
        super().__init__(path=path, data=data)
        self.prefix = prefix
        self.row = row
        self.label = label
        self.cells = cells  # original loc -> column letter of a value given
        self.columns = columns  # original loc -> column letter of every header
        self.renumbered = renumbered  # data loc of a list entry -> its number in the sheet

    def original(self, loc: Loc) -> Loc:
        """A path in the data -> the path as the sheet's header wrote it (entries keep their
        numbers from the sheet: ``charges.2.offense`` stays 2 when 0 and 1 are empty)."""
        out: list = []
        data_prefix: tuple = ()
        for part in loc:
            data_prefix += (part,)
            out.append(self.renumbered.get(data_prefix, part) if isinstance(part, int) else part)
        return tuple(out)

    def where(self, loc, *, key: bool = False) -> dict[str, Any]:
        orig = self.original(tuple(loc))
        while orig:
            col = self.cells.get(orig) or self.columns.get(orig) or self._first_inside(orig)
            if col:
                return {"file": f"{self.prefix}{col}{self.row}", "line": None, "col": None}
            orig = orig[:-1]
        return self.whole()

    def where_missing(self, loc) -> dict[str, Any]:
        col = self.columns.get(self.original(tuple(loc)))  # the column is there, the cell empty
        if col:
            return {"file": f"{self.prefix}{col}{self.row}", "line": None, "col": None}
        return super().where_missing(loc)

    def _first_inside(self, loc: Loc) -> str | None:
        """The leftmost cell given for a part of ``loc`` (an entry as a whole: ``charges.1``)."""
        inside = [col for path, col in self.cells.items() if path[: len(loc)] == loc]
        return min(inside, key=lambda c: (len(c), c)) if inside else None

    def whole(self) -> dict[str, Any]:
        return {"file": self.label, "line": None, "col": None}

    def field_name(self, loc) -> str:
        return ".".join(str(p) for p in self.original(tuple(loc)))


@dataclass
class TableRow:
    """One case of a spreadsheet: small and picklable, so ``batch`` can hand it to a worker."""

    path: Path
    number: int
    label: str
    prefix: str
    data: dict
    cells: dict[Loc, str]
    columns: dict[Loc, str]
    renumbered: dict[Loc, int]
    sha256: str = ""

    def source(self) -> RowSource:
        return RowSource(self.path, self.data, prefix=self.prefix, row=self.number, label=self.label,
                         cells=self.cells, columns=self.columns, renumbered=self.renumbered)

    def load(self):
        """The validated case (``LoadedCase``); a ``CaseFileError`` names the cell and field."""
        from .loading import validate_case

        return validate_case(self.source())


@dataclass
class Sheet:
    table: Table
    columns: list[tuple[int, Loc]] = field(default_factory=list)  # (column number, path)
    errors: list[CaseFileError] = field(default_factory=list)
    suggested: set[Loc] = field(default_factory=set)  # paths a bad header probably meant
    _plan: _Plan | None = None

    def plan(self) -> _Plan:
        if self._plan is None:
            columns = tuple(
                (col - 1, loc, column_letter(col),
                 (loc[-1] in _ID_LISTS) if _leaf_shape(loc)[0] == "list" else None)
                for col, loc in self.columns)
            self._plan = _Plan(columns, {loc: letter for _, loc, letter, _ in columns},
                               _required_parents(tuple(loc for _, loc in self.columns)),
                               any(isinstance(p, int) for _, loc in self.columns for p in loc))
        return self._plan


def read_header(table: Table) -> Sheet:
    """The header's paths; every bad header cell is an error naming the cell, with the
    nearest known path for a typo."""
    sheet = Sheet(table)
    seen: dict[Loc, int] = {}
    width = max([len(table.header)] + [len(cells) for _, cells in table.rows])
    for col in range(1, width + 1):
        text = table.header[col - 1] if col <= len(table.header) else ""
        where = table.cell(col, table.header_row)
        if not text.strip():
            if any(col <= len(cells) and cells[col - 1].strip() for _, cells in table.rows):
                sheet.errors.append(CaseFileError("this column has values but no header; name its field "
                                                  "(client.name, charges.0.offense …)", file=where))
            continue
        try:
            loc = parse_header(text)
        except ValueError as exc:
            message = f"{str(exc)}"
            close = _suggest(text) if str(exc) == "unknown field" else None
            if close:
                message = f"unknown field {text.strip()!r}; did you mean {close!r}?"
                try:
                    sheet.suggested.add(parse_header(close))
                except ValueError:
                    pass
            elif str(exc) == "unknown field":
                message = (f"unknown field {text.strip()!r}; fields are paths such as matter.id, client.name, "
                           "client.address, charges.0.offense (`drafting import --columns` lists them all)")
            sheet.errors.append(CaseFileError(message, file=where, field=text.strip()))
            continue
        if loc in seen:
            sheet.errors.append(CaseFileError(
                f"the same field as column {column_letter(seen[loc])}; give each field one column",
                file=where, field=text.strip()))
            continue
        seen[loc] = col
        sheet.columns.append((col, loc))
    for col, loc in sheet.columns:  # client.address and client.address.0 would fight
        for other_col, other in sheet.columns:
            if other != loc and other[: len(loc)] == loc:
                sheet.errors.append(CaseFileError(
                    f"column {column_letter(other_col)} ({'.'.join(map(str, other))}) is part of this field; "
                    "give the whole field or its parts, not both", file=table.cell(col, table.header_row),
                    field=".".join(map(str, loc))))
    return sheet


def _lines(text: str, *, ids: bool) -> list[str]:
    parts = re.split(r"[\n,;]" if ids else r"\n", text)
    return [p.strip() for p in parts if p.strip()]




def build_row(sheet: Sheet, number: int, cells: list[str]) -> TableRow:
    """A row as plain case data, its values placed by their columns' paths."""
    table = sheet.table
    plan = sheet.plan()
    tree: dict = {}
    given: dict[Loc, str] = {}
    width = len(cells)
    for index, loc, letter, kind in plan.columns:
        if index >= width:
            continue
        text = cells[index]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip()
        if not text:
            continue
        given[loc] = letter
        node = tree
        for part in loc[:-1]:
            node = node.setdefault(part, {})
        node[loc[-1]] = text if kind is None else _lines(text, ids=kind)
    for section in plan.required:
        node = tree
        for part in section:
            node = node.setdefault(part, {})
    renumbered: dict[Loc, int] = {}
    data = _as_lists(tree, (), renumbered) if plan.has_lists else tree
    digest = hashlib.sha256(repr((str(table.path), table.sheet, cells)).encode("utf-8", "surrogatepass")).hexdigest()
    return TableRow(path=table.path, number=number, label=table.row_label(number), prefix=table.prefix,
                    data=data, cells=given, columns=plan.letters, renumbered=renumbered, sha256=digest)


@dataclass(frozen=True)
class _Plan:
    """What every row of a sheet shares: per column its index, path, letter and whether it
    is a list of lines (``False``) or of ids (``True``) or a single value (``None``)."""

    columns: tuple[tuple[int, Loc, str, bool | None], ...]
    letters: dict[Loc, str]
    required: tuple[Loc, ...]
    has_lists: bool  # entry numbers in some path: maps keyed by numbers become lists


@functools.cache
def _required_parents(columns: tuple[Loc, ...]) -> tuple[Loc, ...]:
    """The required sections (``client``) the sheet has columns for. A row whose cells
    for one are all empty still has it, empty, so the row's error names the field it
    lacks (``client.name``), not the whole section."""
    out: dict[Loc, None] = {}
    for loc in columns:
        model, prefix = Case, ()
        for part in loc[:-1]:
            info = model.model_fields.get(part) if isinstance(part, str) else None
            shape = _shape(info.annotation) if info is not None else ("scalar",)
            if info is None or not info.is_required() or shape[0] != "model":
                break
            prefix += (part,)
            out[prefix] = None
            model = shape[1]
    return tuple(out)


@functools.cache
def _leaf_shape(loc: Loc) -> tuple:
    shape: tuple = ("model", Case)
    for part in loc:
        shape = _keys(shape[1])[part] if shape[0] == "model" else shape[1]
    return shape


def _as_lists(node: dict, loc: Loc, renumbered: dict[Loc, int]) -> Any:
    """Maps keyed by entry numbers become lists, in number order and without gaps; each
    entry remembers its number in the sheet for error messages."""
    if node and isinstance(next(iter(node)), int):
        out = []
        for new, old in enumerate(sorted(node)):
            if new != old:
                renumbered[loc + (new,)] = old
            value = node[old]
            out.append(_as_lists(value, loc + (new,), renumbered) if type(value) is dict else value)
        return out
    return {k: _as_lists(v, loc + (k,), renumbered) if type(v) is dict else v for k, v in node.items()}


def table_rows(path: str | Path, *, sheet: str | None = None) -> list[TableRow]:
    """Read a spreadsheet into rows ready to validate; a bad header is an error (every bad
    header cell named at once) since no row can be read right without it."""
    table = read_table(path, sheet=sheet)
    parsed = read_header(table)
    if parsed.errors:
        raise ValidationErrors(parsed.errors) if len(parsed.errors) > 1 else parsed.errors[0]
    if not table.rows:
        raise CaseFileError("has a header row but no cases under it", file=table.path)
    return [build_row(parsed, number, cells) for number, cells in table.rows]


def ordered(data: Any, shape: tuple = ("model", Case)) -> Any:
    """The same data with each map's keys in the order the case file documents them."""
    if shape[0] == "model" and isinstance(data, dict):
        keys = _keys(shape[1])
        order = list(keys)
        return {k: ordered(data[k], keys[k]) for k in sorted(data, key=order.index)}
    if shape[0] == "list" and isinstance(data, list):
        return [ordered(item, shape[1]) for item in data]
    return data


# ---------------------------------------------------------------- drafting import


@dataclass
class ImportReport:
    written: list[Path]
    rows: int
    firm_found: bool


def import_table(
    path: str | Path,
    out_dir: str | Path,
    *,
    force: bool = False,
    sheet: str | None = None,
    firm_path: str | Path | None = None,
    on_progress=None,
) -> ImportReport:
    """One case file per row of a spreadsheet, written to ``out_dir`` as ``<matter-id>.yaml``.

    Every row is validated first (and, when a firm profile is found, checked for every
    kind it has data for: offense ids, items, attorney ids); any error anywhere in the
    table means nothing is written, and all of them are raised together.
    """
    from .naming import slug
    from .output import prepare_out_dir, write_atomic

    out_dir = Path(out_dir)
    table = read_table(path, sheet=sheet)
    parsed = read_header(table)
    errors: list[CaseFileError] = list(parsed.errors)
    if not table.rows and not errors:
        raise CaseFileError("has a header row but no cases under it", file=table.path)
    checker = _RuleChecker(table, out_dir, firm_path)
    planned: list[tuple[Path, str, TableRow]] = []
    names: dict[Path, TableRow] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, 1):
        row = build_row(parsed, number, cells)
        try:
            loaded = row.load()
        except CaseFileError as exc:
            errors.extend(e for e in _each(exc) if not _explained(e, row, parsed))
            _progress(on_progress, "checking", done, total)
            continue
        row_errors = checker.check(loaded)
        if row_errors:
            errors.extend(row_errors)
        else:
            name = slug(loaded.case.matter.id, what="matter id", where=loaded.where("matter", "id"))
            target = out_dir / f"{name}.yaml"
            first = names.get(target)
            if first is not None:
                errors.append(CaseFileError(
                    f"the same matter id as {first.label} (both would be {target.name}); "
                    "give each case its own matter id", **loaded.where("matter", "id")))
            elif target.exists() and not force:
                errors.append(CaseFileError(
                    f"{target} already exists; not overwritten (use --force to replace it)",
                    **loaded.where("matter", "id")))
            else:
                names[target] = row
                planned.append((target, _file_text(row, table), row))
        _progress(on_progress, "checking", done, total)
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    prepare_out_dir(out_dir)
    written = []
    for done, (target, text, _row) in enumerate(planned, 1):
        write_atomic(target, text.encode("utf-8"), force=force)
        written.append(target)
        _progress(on_progress, "writing", done, len(planned))
    return ImportReport(written=written, rows=total, firm_found=checker.firm is not None)


def _progress(callback, phase: str, done: int, total: int) -> None:
    if callback is not None:
        callback(phase, done, total)




def _explained(error: CaseFileError, row: TableRow, parsed: Sheet) -> bool:
    """A "missing" field that a mistyped header probably meant: the header's error says it."""
    if error.message != "required field is missing" or not error.field:
        return False
    return any(error.field == ".".join(map(str, loc)) for loc in parsed.suggested)


def _file_text(row: TableRow, table: Table) -> str:
    from .caseyaml import case_yaml
    from .yamlio import parse_yaml

    data = ordered(row.data)
    where = f"sheet {table.sheet}, row {row.number}" if table.sheet is not None else f"row {row.number}"
    text = case_yaml(data, heading=[
        f"Imported by `drafting import` from {table.path.name} ({where}).",
        "This file is now the case: edit it here, not in the sheet. Check it with `drafting check`.",
    ])
    back = parse_yaml(text.encode("utf-8"), "(imported)").data
    if back != data:  # a bug in the writer, never the user's: refuse rather than lose text
        raise AssertionError(f"the case file written for {row.label} does not read back as the row")
    return text
