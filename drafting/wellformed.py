"""Proving, once per template part, that every letter it renders is well-formed XML.

A part that is proven skips the per-letter XML parse (only the characters printed into it
are checked); any other part is parsed after every rendering, so Word never receives a
document it cannot open.
"""

from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

import jinja2
import jinja2.nodes

from .environment import FILTERS


def _check_well_formed(data: bytes, *, name: str, file: Path) -> None:
    """The case data is escaped, so only the template itself could break the XML; refuse
    to write a document Word would not open. expat only checks (no tree is built); when it
    objects, ``parse_part`` gives the verdict and the usual message."""
    if b"<!DOCTYPE" not in data and b"<!ENTITY" not in data:
        try:
            expat.ParserCreate(namespace_separator=" ").Parse(data, True)
            return
        except expat.ExpatError:
            pass
    from .ooxml import parse_part  # lxml: only to word the error

    parse_part(data, name=name, file=file)


# XML 1.0 cannot hold these C0 controls (tab, LF and CR it can), nor U+FFFE/U+FFFF.
_C0 = bytes(b for b in range(32) if b not in (9, 10, 13))
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _legal_characters(data: bytes) -> bool:
    """No character XML cannot hold (the models refuse them in case data; this is the
    backstop for a proven part, whose structure needs no parse). ~20 µs for a letter."""
    return (len(data.translate(None, _C0)) == len(data)
            and _NONCHARACTERS[0] not in data and _NONCHARACTERS[1] not in data)


# Filters whose result is plain text (escaped by autoescape) or text already escaped:
# none of them can put markup into a letter. ``urlize`` and ``xmlattr`` make markup.
_TEXT_FILTERS = frozenset({
    "abs", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "filesizeformat",
    "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last",
    "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse",
    "round", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "tojson",
    "trim", "truncate", "unique", "upper", "urlencode", "wordcount", "wordwrap",
})
_PI = "drafting-tag"


def proven_well_formed(env: jinja2.Environment, source: str, tree: jinja2.nodes.Template) -> bool:
    """True if every rendering of this patched part is well-formed XML, whatever the data.

    Printed values are escaped text (line breaks become ``</w:t><w:br/><w:t>``), so a
    rendering can only break the XML through the template's own structure. Each Jinja
    tag is replaced by a processing instruction and the result parsed once: that succeeds
    only if no tag sits inside an element's tag or attribute. Then, if every ``if``/``for``
    block opens, branches and closes with the same elements open, every choice of branches
    and every number of repetitions is balanced; and if every print sits directly in a
    ``<w:t>``, its text (and its line breaks) stay inside it. Anything else — macros,
    blocks that capture output, calls, filters that make markup — is not proven and keeps
    the per-letter check.
    """
    for node in tree.find_all((jinja2.nodes.Call, jinja2.nodes.Filter)):
        if isinstance(node, jinja2.nodes.Call) or node.name not in _TEXT_FILTERS | set(FILTERS):
            return False
    pieces: list[str] = []
    tags: list[str] = []
    tokens = env.lex(source)
    for _, kind, value in tokens:
        if kind == "data":
            pieces.append(value)
            continue
        end = {"variable_begin": "variable_end", "block_begin": "block_end", "comment_begin": "comment_end"}.get(kind)
        if end is None:
            return False  # raw blocks, line statements: not proven
        inner = []
        for _, inner_kind, inner_value in tokens:
            if inner_kind == end:
                break
            inner.append((inner_kind, inner_value))
        if kind == "comment_begin":
            continue
        if kind == "variable_begin":
            tag = "print"
        else:
            names = [v for k, v in inner if k == "name"]
            tag = names[0] if names else ""
            if tag == "set" and ("operator", "=") in inner:
                continue  # prints nothing
            if tag not in ("if", "elif", "else", "endif", "for", "endfor"):
                return False
        pieces.append(f"<?{_PI} {len(tags)}?>")
        tags.append(tag)
    stack: list[str] = []
    seen: dict[int, tuple[str, ...]] = {}

    def at_tag(target: str, data: str) -> None:
        if target == _PI:
            seen[int(data)] = tuple(stack)

    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: stack.append(name)
    parser.EndElementHandler = lambda name: stack.pop()
    parser.ProcessingInstructionHandler = at_tag
    try:
        parser.Parse("".join(pieces).encode("utf-8"), True)
    except (expat.ExpatError, ValueError):
        return False
    if len(seen) != len(tags):
        return False
    blocks: list[tuple[str, tuple[str, ...]]] = []
    for i, tag in enumerate(tags):
        at = seen[i]
        if tag == "print":
            if not at or at[-1] != "w:t":
                return False
        elif tag in ("if", "for"):
            blocks.append((tag, at))
        elif tag in ("elif", "else"):
            if not blocks or blocks[-1][1] != at or (tag == "elif" and blocks[-1][0] != "if"):
                return False
        else:  # endif, endfor
            if not blocks or blocks[-1] != (tag[3:], at):
                return False
            blocks.pop()
    return not blocks
