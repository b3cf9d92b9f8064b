"""One path from a pydantic error to the file, line and field the user fixes.

pydantic reports each problem with a ``loc`` path; it is walked back to the line and
column the YAML loader recorded, and a typo in a key gets the nearest known key. Case
files, firm profiles and rule data all report their errors through ``located_errors``.
"""

from __future__ import annotations

import difflib
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import CaseFileError, DraftingError, shown
from .yamlio import Located


def located_errors(exc: ValidationError, model: type[BaseModel], source: Located, *, prefix: tuple = (),
                   error: type[DraftingError] = CaseFileError, skip: frozenset = frozenset()) -> list:
    """Every problem of ``exc`` as an ``error`` naming file, line, column and field, in file
    order. ``prefix`` is where ``model`` sits in the file; ``skip`` are loc parts that are not
    keys (the tags of a discriminated union)."""
    out = [_locate(err, model, source, prefix, error, skip) for err in exc.errors(include_url=False)]
    out.sort(key=lambda e: (e.line or 0, e.col or 0))
    return out


def _not_a_key(part: object) -> bool:
    """pydantic's own steps in a loc: validator functions, ``list[str]``-style types, and the
    tags of our discriminated unions (``<flat>``, ``<fact>``)."""
    return isinstance(part, str) and (part.startswith(("function-", "<")) or "[" in part)


def _locate(err: dict, model: type[BaseModel], source: Located, prefix: tuple, error, skip) -> DraftingError:
    inner = tuple(p for p in err["loc"] if p not in skip and not _not_a_key(p))
    loc = prefix + inner
    kind = err["type"]
    field = source.field_name(loc) or None
    if kind == "extra_forbidden":
        known = _known_keys(model, inner[:-1])
        message = f"unknown key {shown(loc[-1])}"
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif known:
            message += f"; known keys here: {', '.join(known)}"
        return error(message, field=field, **source.where(loc, key=True))
    if kind == "missing":
        return error("required field is missing", field=field, **source.where_missing(loc))
    message = _message(err)
    return error(message, field=field, **source.where(loc))


def _message(err: dict) -> str:
    kind, msg = err["type"], err["msg"]
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "literal_error":
        return f"{msg[0].lower()}{msg[1:]}, got {shown(err.get('input'))}"
    if kind in ("model_type", "model_attributes_type", "dict_type", "union_tag_not_found"):
        return "expected a mapping of keys"
    if kind == "list_type":
        return "expected a list (one item per line starting with -)"
    if kind in ("string_type",):
        return "expected text"
    if kind.startswith("int_"):
        if kind == "int_parsing":
            return f"expected a whole number, got {shown(err.get('input'))}"
        return msg[0].lower() + msg[1:]
    if kind == "too_short":
        return "must have at least one entry"
    return msg[0].lower() + msg[1:]


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` (a path inside ``model``)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = _field_by_key(current, part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: str):
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None if get_origin(annotation) is None else None
