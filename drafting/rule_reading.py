"""Reading rule files: a YAML file with the position of every field, validated against
its model with every problem reported (``file:line:col`` and the field), and the book's
tables whose jurisdictions are read on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import CaseFileError, RuleDataError, RuleDataErrors
from .rule_models import UNION_TAGS, Jurisdiction
from .validation import located_errors
from .yamlio import Located, dotted, load_yaml


class OnDemand(Mapping):
    """A table of the book whose entries are read from their jurisdiction's file the first
    time one is asked for: a letter needs the federal file and one state's, not 52 files.
    ``code_of`` names the jurisdiction a key belongs to (a code, or an offense id's prefix);
    ``read(code)`` reads it (once), ``read_all()`` every one not read yet; ``codes``, when
    given, are the table's keys, known without reading anything."""

    def __init__(self, table: dict, code_of: Callable[[str], str], read: Callable[[str], None],
                 read_all: Callable[[], None], codes: list[str] | None = None):
        self._table, self._code_of, self._read, self._read_all, self._codes = table, code_of, read, read_all, codes

    def __getitem__(self, key: str) -> Any:
        if key not in self._table and isinstance(key, str):
            self._read(self._code_of(key))
        return self._table[key]

    def __contains__(self, key: object) -> bool:
        if self._codes is not None:
            return key in self._codes  # every jurisdiction's code is known without reading it
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        if self._codes is not None:
            return iter(list(self._codes))
        self._read_all()
        return iter(self._table)

    def __len__(self) -> int:
        if self._codes is not None:
            return len(self._codes)
        self._read_all()
        return len(self._table)


def read(path: Path) -> Located:
    try:
        return load_yaml(path)
    except CaseFileError as exc:
        raise RuleDataError(exc.message, file=exc.file, line=exc.line, col=exc.col, field=exc.field) from exc


def records_in(located: Located, key: str, model: type[BaseModel]) -> list[tuple[tuple, Any]]:
    """Validate ``{key: [record, ...]}``; ids must be unique within the file."""
    data = located.data
    if not isinstance(data, dict) or set(data) != {key} or not isinstance(data[key], list):
        raise RuleDataError(f"must be a mapping with one key, '{key}', holding a list of records",
                            **located.where(()))
    out, seen, errors = [], set(), []
    for i, raw in enumerate(data[key]):
        loc = (key, i)
        try:
            rec = validate(model, raw, located, loc)
        except RuleDataErrors as exc:
            errors.extend(exc.errors)
            continue
        if rec.id in seen:
            errors.append(RuleDataError(f"id {rec.id!r} appears more than once", field=dotted(loc + ("id",)),
                                        **located.where(loc + ("id",))))
        seen.add(rec.id)
        out.append((loc, rec))
    if errors:
        raise RuleDataErrors(errors)
    return out


def validate(model: type[BaseModel], raw: Any, located: Located, prefix: tuple) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RuleDataErrors(errors_of(exc, located, prefix, model)) from None


def errors_of(exc: ValidationError, located: Located, prefix: tuple, model: type[BaseModel] | None = None) -> list:
    return located_errors(exc, model or Jurisdiction, located, prefix=prefix, error=RuleDataError, skip=UNION_TAGS)
