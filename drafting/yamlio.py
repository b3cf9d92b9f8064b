"""Read YAML safely and keep where every key and value came from.

ruamel.yaml's round-trip loader records the line and column of each node; we turn its
result into plain dicts, lists and scalars and keep a map from each field's dotted path
to its position, so a validation error can name ``file:line:col``. Explicit tags
(``!!python/object`` and the like) are refused: case data is never code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CaseFileError

Path_ = tuple[str | int, ...]

MAX_YAML_BYTES = 5 * 1024 * 1024


@dataclass
class Located:
    """Plain data loaded from a YAML file, with a position for every path in it."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Path_, *, key: bool = False) -> dict[str, Any]:
        """``file``/``line``/``col`` for a path, falling back to the nearest parent we know.

        With ``key`` the position of the key is preferred (for a field that is missing or
        unknown, the key line is where the user looks); otherwise the value's.
        """
        loc = tuple(loc)
        first, second = (self.key_positions, self.positions) if key else (self.positions, self.key_positions)
        while True:
            for table in (first, second):
                if loc in table:
                    line, col = table[loc]
                    return {"file": self.path, "line": line, "col": col}
            if not loc:
                return {"file": self.path, "line": 1, "col": 1}
            loc = loc[:-1]


def dotted(loc: Path_) -> str:
    """``("preservation", 0, "recipient", "kind")`` -> ``preservation[0].recipient.kind``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_yaml(path: str | Path) -> Located:
    """Load ``path`` as YAML with positions; every failure is a ``CaseFileError``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CaseFileError("file not found", file=path) from exc
    except IsADirectoryError as exc:
        raise CaseFileError("is a folder, not a YAML file", file=path) from exc
    except OSError as exc:
        raise CaseFileError(f"cannot read: {exc.strerror}", file=path) from exc
    return parse_yaml(raw, path)


def parse_yaml(raw: bytes, path: str | Path) -> Located:
    path = Path(path)
    if len(raw) > MAX_YAML_BYTES:
        raise CaseFileError(f"is larger than {MAX_YAML_BYTES // (1024 * 1024)} MB; not a case file", file=path, line=1)
    if b"\x00" in raw:
        raise CaseFileError("is a binary file, not YAML text", file=path, line=1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError("is not UTF-8 text", file=path, line=line) from exc
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise CaseFileError("is empty", file=path, line=1)

    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml()
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise CaseFileError(
            f"YAML syntax error: {problem}",
            file=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from exc
    except YAMLError as exc:
        raise CaseFileError(f"YAML error: {exc}", file=path) from exc
    except RecursionError as exc:
        raise CaseFileError("YAML nesting is too deep", file=path) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # ruamel bugs on odd scalars
        raise CaseFileError(f"YAML error: {exc}", file=path) from exc
    located = Located(path=path, data=None)
    located.data = _plain(node, (), located)
    return located


def _yaml():
    """A round-trip loader that keeps every scalar as the text the user typed.

    Numbers, booleans and dates are left as strings so nothing is lost (``0123`` stays
    ``0123``; an impossible date is reported by the model with its line, not by the YAML
    parser); the typed models convert them.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextConstructor(RoundTripConstructor):
        pass

    def as_text(self, node):
        return str(self.construct_scalar(node))

    for tag in ("int", "float", "bool", "timestamp"):
        TextConstructor.add_constructor(f"tag:yaml.org,2002:{tag}", as_text)
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = TextConstructor
    yaml.allow_duplicate_keys = False
    return yaml


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


def _tag_of(node: Any) -> str | None:
    """The explicit tag on a node, if it is anything but a plain-data tag."""
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    if isinstance(value, str) and value not in _PLAIN_TAGS:
        return value.replace("tag:yaml.org,2002:", "!!")
    return None


def _plain(node: Any, loc: Path_, located: Located) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    tag = _tag_of(node)
    if tag is not None or isinstance(node, TaggedScalar):
        where = located.where(loc)
        raise CaseFileError(
            f"YAML tag {tag or '(explicit)'} is not allowed; case files hold plain data",
            field=dotted(loc) or None,
            **where,
        )
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key in node:
            if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
                line, col = node.lc.line + 1, node.lc.col + 1
                raise CaseFileError(
                    "keys must be plain words", file=located.path, line=line, col=col, field=dotted(loc) or None
                )
            skey = str(key)
            child = loc + (skey,)
            try:
                kline, kcol, vline, vcol = node.lc.data[key]
                located.key_positions[child] = (kline + 1, kcol + 1)
                located.positions[child] = (vline + 1, vcol + 1)
            except (KeyError, TypeError, ValueError):
                pass
            out[skey] = _plain(node[key], child, located)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            child = loc + (i,)
            try:
                line, col = node.lc.data[i]
                located.positions[child] = (line + 1, col + 1)
            except (KeyError, TypeError, ValueError, IndexError):
                pass
            items.append(_plain(item, child, located))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime.fromisoformat(node.isoformat()) if not hasattr(node, "_yaml") else node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    where = located.where(loc)
    raise CaseFileError(f"unsupported YAML value of type {type(node).__name__}", field=dotted(loc) or None, **where)
