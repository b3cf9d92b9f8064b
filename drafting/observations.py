"""Observations of file-sharing activity read from a CSV that the case names
(``observations_file: hits.csv``): forensic reports arrive as tables of dozens of hits.

Columns ``ip, port, at, software`` (``ip`` and ``at`` required; any order; a header row
first). Each row is validated as an observation written in the case would be, and an
error names the file, the row and the column: ``hits.csv:7:3 at: the time has no time zone``.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

from pydantic import ValidationError

from .errors import CaseFileError, ValidationErrors
from .models import Observation

COLUMNS = ("ip", "port", "at", "software")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


def resolve(case_folder: Path, name: str, where: dict) -> Path:
    """The file, relative to the case file's folder; it may not lie outside it."""
    relative = Path(name.strip())
    if relative.is_absolute() or ".." in relative.parts:
        raise CaseFileError("give the file's name relative to the case file's folder "
                            "(e.g. hits.csv or reports/hits.csv), inside that folder", **where)
    return case_folder / relative


def read_observations(path: Path, where: dict) -> list[tuple[Observation, int]]:
    """Every observation in the CSV with its row number; all errors at once, each at its
    row and column."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(f"observations file {path} not found", **where) from None
    except OSError as exc:
        raise CaseFileError(f"observations file {path} cannot be read ({exc.strerror})", **where) from None
    if len(raw) > MAX_BYTES:
        raise CaseFileError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError("is not UTF-8 text", file=path, line=raw[: exc.start].count(b"\n") + 1) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows, None)
    except csv.Error as exc:
        raise CaseFileError(f"is not valid CSV ({exc})", file=path, line=1) from None
    if not header:
        raise CaseFileError("is empty; the first row names the columns: ip, port, at, software", file=path, line=1)
    names = [h.strip().lower() for h in header]
    errors: list[CaseFileError] = []
    for col, name in enumerate(names, 1):
        if name and name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; the columns are {', '.join(COLUMNS)}"
            errors.append(CaseFileError(f"unknown column {header[col - 1].strip()!r}{hint}", file=path, line=1,
                                        col=col))
    for required in ("ip", "at"):
        if required not in names:
            errors.append(CaseFileError(f"has no {required} column (the columns are {', '.join(COLUMNS)})",
                                        file=path, line=1))
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    out: list[tuple[Observation, int]] = []
    number = 1
    try:
        for number, cells in enumerate(rows, 2):
            if number > MAX_ROWS + 1:
                raise CaseFileError(f"has more than {MAX_ROWS:,} rows", file=path)
            if not any(c.strip() for c in cells):
                continue
            data = {names[i]: c.strip() for i, c in enumerate(cells) if i < len(names) and names[i] and c.strip()}
            try:
                out.append((Observation.model_validate(data), number))
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    name = str(err["loc"][0]) if err["loc"] else ""
                    col = names.index(name) + 1 if name in names else None
                    message = err["msg"].removeprefix("Value error, ")
                    if err["type"] == "missing":
                        message = "is empty; every observation needs its ip and at"
                    elif err["type"].startswith("int_") or err["type"] in ("greater_than_equal", "less_than_equal"):
                        message = "expected a port number from 1 to 65535"
                    errors.append(CaseFileError(message, file=path, line=number, col=col, field=name or None))
    except csv.Error as exc:
        raise CaseFileError(f"is not valid CSV ({exc})", file=path, line=number + 1) from None
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    return out
