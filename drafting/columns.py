"""The columns a spreadsheet may have: case-file paths (``matter.id``, ``charges.0.offense``)
read off the case model, a header parsed into them, the nearest known path for a typo."""

from __future__ import annotations

import difflib
import functools
import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from .models import Case

Loc = tuple[str | int, ...]

# List fields whose entries are ids: a cell may separate them by commas as well as lines.
_ID_LISTS = {"excluded", "items"}
_MAX_INDEX = 999


# ---------------------------------------------------------------- the case schema


def _shape(annotation: Any) -> tuple:
    """``("model", M)``, ``("list", inner)`` or ``("scalar",)`` for a field's annotation."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        shapes = [_shape(a) for a in args]
        if len(shapes) > 1 and all(sh[0] == "model" for sh in shapes):
            return ("model", _Merged(tuple(sh[1] for sh in shapes)))  # a discriminated union (the fee)
        return shapes[0] if len(shapes) == 1 else ("scalar",)
    if origin is list:
        (inner,) = get_args(annotation) or (str,)
        return ("list", _shape(inner))
    if getattr(annotation, "__metadata__", None) is not None:  # Annotated[...] not unwrapped
        return _shape(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation)
    return ("scalar",)


class _Merged:
    """The models of a discriminated union, read as one: every key any of them takes
    (which keys go with which type is the model's to check)."""

    def __init__(self, models: tuple) -> None:
        self.models = models
        self.model_fields = {k: f for m in models for k, f in m.model_fields.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Merged) and other.models == self.models

    def __hash__(self) -> int:
        return hash(self.models)


@functools.cache
def _keys(model: type[BaseModel]) -> dict[str, tuple]:
    """The keys a case file uses for this model (aliases such as ``from``), with their shapes."""
    return {(f.alias or name): _shape(f.annotation) for name, f in model.model_fields.items()}


def known_columns() -> list[str]:
    """The column paths a sheet may use (``charges.#.offense``: ``#`` is 0, 1, 2 …)."""
    out: list[str] = []

    def walk(shape: tuple, prefix: str) -> None:
        if shape[0] == "model":
            for key, inner in _keys(shape[1]).items():
                walk(inner, f"{prefix}.{key}" if prefix else key)
        elif shape[0] == "list" and shape[1][0] == "model":
            walk(shape[1], f"{prefix}.#")
        else:
            out.append(prefix)

    walk(("model", Case), "")
    return out


def _suggest(header: str) -> str | None:
    """The known column nearest to a mistyped header, with the header's own entry numbers."""
    numbers = re.findall(r"\d+", header)
    normal = re.sub(r"(?<=\.)\d+(?=\.|$)", "#", header.strip().lower().replace(" ", "."))
    close = difflib.get_close_matches(normal, known_columns(), n=1, cutoff=0.6)
    if not close:
        return None
    out = close[0]
    for n in numbers:
        out = out.replace("#", n, 1)
    return out.replace("#", "0")


def parse_header(text: str) -> Loc:
    """``charges.0.offense`` -> ``("charges", 0, "offense")``; ``ValueError`` with the reason."""
    segments = [s.strip() for s in text.strip().split(".")]
    if not text.strip() or any(not s for s in segments):
        raise ValueError("is not a field path such as client.name or charges.0.offense")
    shape: tuple = ("model", Case)
    out: list[str | int] = []
    for seg in segments:
        if shape[0] == "model":
            keys = _keys(shape[1])
            key = seg if seg in keys else seg.lower()
            if key not in keys:
                raise ValueError("unknown field")
            out.append(key)
            shape = keys[key]
        elif shape[0] == "list":
            if not seg.isdigit():
                raise ValueError(f"{'.'.join(map(str, out))} is a list: give the entry number, "
                                 f"e.g. {'.'.join(map(str, out))}.0" + (".offense" if out == ["charges"] else ""))
            if int(seg) > _MAX_INDEX:
                raise ValueError(f"entry number {seg} is too large")
            out.append(int(seg))
            shape = shape[1]
        else:
            raise ValueError(f"{'.'.join(map(str, out))} is a single value; it has no {seg!r}")
    if shape[0] == "model":
        fields = ", ".join(f"{text.strip()}.{k}" for k in list(_keys(shape[1]))[:3])
        raise ValueError(f"names a section, not a field; use one column per field ({fields} …)")
    if shape[0] == "list" and shape[1][0] == "model":
        raise ValueError(f"is a list of entries; use one column per field, e.g. {text.strip()}.0.…")
    return tuple(out)
