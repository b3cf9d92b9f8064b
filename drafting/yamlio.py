"""Read YAML safely and keep where every key and value came from.

PyYAML's composer (libyaml) gives a node tree with the line and column of each node and
constructs nothing; we turn it into plain dicts, lists and strings and keep a map from
each field's dotted path to its position, so a validation error can name
``file:line:col``. Explicit tags (``!!python/object`` and the like) are refused: case
data is never code.
"""

from __future__ import annotations

import functools
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

    def where_missing(self, loc: Path_) -> dict[str, Any]:
        """Where to point for a required field that is not there: its parent's key."""
        parent = tuple(loc)[:-1]
        return self.where(parent, key=True) if parent else {"col": 1, **self.whole()}

    def whole(self) -> dict[str, Any]:
        """Where to point for the case as a whole (a section it lacks)."""
        return {"file": self.path, "line": 1}

    def field_name(self, loc: Path_) -> str:
        """The field as the user wrote its path (``preservation[0].recipient.kind``)."""
        return dotted(loc)


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
        raw = read_limited(path, MAX_YAML_BYTES, what="a case file")
    except FileNotFoundError as exc:
        raise CaseFileError("file not found", file=path) from exc
    except IsADirectoryError as exc:
        raise CaseFileError("is a folder, not a YAML file", file=path) from exc
    except OSError as exc:
        raise CaseFileError(f"cannot read: {exc.strerror}", file=path) from exc
    return parse_yaml(raw, path)


def read_limited(path: Path, limit: int, *, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. The size is checked before a
    byte is read (a 6 GB file is not read to find out), and a FIFO, device or socket is
    refused unopened (reading it could hang, or never end: ``/dev/zero``)."""
    import os
    import stat

    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise CaseFileError(f"is not a regular file (a pipe, device or socket); not {what}", file=path)
    if st.st_size > limit:
        raise CaseFileError(f"is larger than {limit // (1024 * 1024)} MB; not {what}", file=path, line=1)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the stat
            raise CaseFileError(f"is not a regular file; not {what}", file=path)
        raw = fh.read(limit + 1)
    if len(raw) > limit:  # grew since the stat
        raise CaseFileError(f"is larger than {limit // (1024 * 1024)} MB; not {what}", file=path, line=1)
    return raw


def parse_yaml(raw: bytes, path: str | Path) -> Located:
    path = Path(path)
    if len(raw) > MAX_YAML_BYTES:
        raise CaseFileError(f"is larger than {MAX_YAML_BYTES // (1024 * 1024)} MB; not a case file", file=path, line=1)
    encoding = _utf16_or_32(raw)
    if encoding is not None:  # YAML allows them; Notepad and Excel write them
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CaseFileError(f"is {encoding.upper()} text that cannot be decoded", file=path, line=1) from exc
    else:
        if b"\x00" in raw:
            if len(raw) >= 4 and (raw[1::2].count(0) > len(raw) // 3 or raw[0::2].count(0) > len(raw) // 3):
                raise CaseFileError("is UTF-16 text without a byte-order mark; save it as UTF-8", file=path, line=1)
            raise CaseFileError("is a binary file, not YAML text", file=path, line=1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise CaseFileError("is not UTF-8 text", file=path, line=line) from exc
    if "\x00" in text:
        raise CaseFileError("is a binary file, not YAML text", file=path, line=1)
    _refuse_hidden_line_breaks(text, path)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise CaseFileError("is empty", file=path, line=1)

    import yaml

    try:
        # libyaml's composer when present: ~45x faster than pure Python, same marks
        node = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise CaseFileError(
            f"YAML syntax error: {problem}",
            file=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow typed straight into the file. Its position is a
        # byte offset with libyaml and a character offset without; the first occurrence
        # of that character is the one the reader stopped at either way.
        raise _unreadable_character(exc, text, path) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(f"YAML error: {exc}", file=path, line=1) from None
    except RecursionError:
        raise CaseFileError("YAML nesting is too deep", file=path, line=1) from None
    if node is None:
        raise CaseFileError("is empty", file=path, line=1)
    located = Located(path=path, data=None)
    located.data = _Walker(located).plain(node, (), 0)
    return located


def _utf16_or_32(raw: bytes) -> str | None:
    """The codec a byte-order mark names, for the UTF-16 and UTF-32 ones."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


# YAML reads these as line breaks, editors and `grep -n` do not: every line number
# after one would be off. Written as an escape in a double-quoted string they are kept.
_HIDDEN_BREAKS = {"\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _refuse_hidden_line_breaks(text: str, path: Path) -> None:
    for ch, name in _HIDDEN_BREAKS.items():
        index = text.find(ch)
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            col = index - text.rfind("\n", 0, index)
            raise CaseFileError(
                f"contains U+{ord(ch):04X} ({name}), which YAML reads as a line break; write it as "
                f'"\\u{ord(ch):04X}" in a double-quoted string', file=path, line=line, col=col)


@functools.cache
def _loader():
    """libyaml's composer (PyYAML's pure-Python one where libyaml is missing) resolving only
    what the walker asks about — null (``~``, empty) and merge keys (``<<``). Other plain
    scalars stay text whatever they look like, so the int/float/bool/date patterns need
    not be tried on each of them."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    keep = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
    resolvers = {first: [(tag, rx) for tag, rx in pairs if tag in keep]
                 for first, pairs in base.yaml_implicit_resolvers.items()}
    return type("_Composer", (base,), {"yaml_implicit_resolvers": {k: v for k, v in resolvers.items() if v}})


def _unreadable_character(exc, text: str, path: Path) -> CaseFileError:
    char = chr(exc.character) if isinstance(exc.character, int) else None
    index = text.find(char) if char else -1
    if index < 0:
        return CaseFileError(f"YAML error: {exc.reason}", file=path, line=1)
    line = text.count("\n", 0, index) + 1
    col = index - text.rfind("\n", 0, index)
    what = "control character" if exc.character < 0x20 or 0x7F <= exc.character <= 0x9F else "character"
    return CaseFileError(
        f"contains the {what} U+{exc.character:04X}, which a YAML file cannot hold; remove it",
        file=path, line=line, col=col,
    )


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
MAX_NODES = 200_000  # aliases can make a small file expand enormously ("billion laughs")
MAX_DEPTH = 64


class _Walker:
    """Turns composed YAML nodes into plain data, keeping every scalar as the text typed.

    Numbers, booleans and dates stay strings so nothing is lost (``0123`` stays ``0123``;
    an impossible date is reported by the model with its line, not by the parser); the
    typed models convert them. Explicit tags other than plain-data ones are refused.
    """

    def __init__(self, located: Located) -> None:
        self.located = located
        self.count = 0
        self.chars = 0

    def fail(self, message: str, node, loc: Path_) -> CaseFileError:
        mark = node.start_mark
        return CaseFileError(message, file=self.located.path, line=mark.line + 1, col=mark.column + 1,
                             field=dotted(loc) or None)

    def plain(self, node, loc: Path_, depth: int) -> Any:
        import yaml

        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(f"expands to more than {MAX_NODES:,} values (aliases?); not a case file", node, loc[:1])
        if depth > MAX_DEPTH:
            raise self.fail("YAML nesting is too deep", node, loc[:1])
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.fail(f"YAML tag {tag} is not allowed; case files hold plain data", node, loc)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail("YAML merge keys (<<) are not supported; write the keys out", key_node, loc)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail("keys must be plain words", key_node, loc)
                if key_node.tag not in _PLAIN_TAGS:  # "!!python/object:x key: …" too
                    tag = key_node.tag.replace("tag:yaml.org,2002:", "!!")
                    raise self.fail(f"YAML tag {tag} is not allowed; case files hold plain data", key_node, loc)
                key = key_node.value
                child = loc + (key,)
                if key in out:
                    line = self.located.key_positions[child][0]
                    raise self.fail(f"duplicate key {key!r} (first given on line {line})", key_node, child)
                self.located.key_positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                self.located.positions[child] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
                out[key] = self.plain(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                child = loc + (i,)
                self.located.positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.plain(item, child, depth + 1))
            return items
        if node.tag == "tag:yaml.org,2002:null" and not node.style:
            return None
        # Without aliases the text of all values is shorter than the file; with them a
        # small file can repeat one long value until it fills memory.
        self.chars += len(node.value)
        if self.chars > MAX_YAML_BYTES:
            raise self.fail(
                f"expands to more than {MAX_YAML_BYTES // (1024 * 1024)} MB of text (aliases?); not a case file",
                node, loc,
            )
        return node.value
