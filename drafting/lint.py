"""Lint .docx templates: Jinja syntax, names against the context model, docxtpl hazards,
and coverage — rendering with generated contexts that take every branch.

A .docx has no lines, so a finding's line is the paragraph number within its part
(body, header1 …), counted from 1 in document order, and the message says which part.
The library returns ``Finding``s and never prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html
import io
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from . import context_schema as cs
from .context_schema import Node
from .environment import make_environment
from .errors import DraftingError, MissingFieldError, TemplateError, ValidationErrors
from .ooxml import open_docx_zip, parse_part, read_part, w

# The parts docx_template.compile_template runs through Jinja.
_TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENER = re.compile(r"\{\{|\{%|\{#")
_LEVEL = re.compile(r"^\{([{%#])-?(p|tr|tc|r)\s")
_BLOCK = re.compile(r"^\{%-?(?:(p|tr|tc|r)\s+|\s*)(\w+)(.*?)-?%\}$", re.DOTALL)
_OPENERS = {"for", "if", "with", "macro", "call", "filter", "block", "autoescape", "set"}
_DOCXTPL_SPECIAL = {"vm", "hm", "colspan", "cellbg"}
_CURLY = "“”‘’"
_MARK = re.compile(r"<!--¶(\d+)-->")
_STARTS = re.compile(r"<w:(p|tr|tc)(?=[ >/])")
_IGNORED_RPR = {w("lang"), w("noProof"), w("rPrChange"), w("specVanish"), w("webHidden")}
_VISIBLE = {w("drawing"), w("pict"), w("object"), w("sym"), w("fldSimple"), w("instrText")}
LINT_DATE = dt.date(2026, 11, 28)
_MAX_RETRIES = 25


@dataclass(frozen=True)
class Finding:
    """One problem: ``file:line:col field: message`` (the line of a template is a paragraph number)."""

    file: str | None
    line: int | None
    severity: str  # "error" | "warning"
    message: str
    col: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        loc = ""
        if self.file is not None:
            loc = self.file + (f":{self.line}" if self.line is not None else "")
            if self.line is not None and self.col is not None:
                loc += f":{self.col}"
        parts = [loc] if loc else []
        if self.field:
            parts.append(self.field + ":")
        elif parts:
            parts[-1] += ":"
        return " ".join(parts + [self.message])

    @classmethod
    def from_error(cls, exc: DraftingError, severity: str = "error") -> list[Finding]:
        """A ``DraftingError`` as findings (one per problem for ``ValidationErrors``); a problem
        with a whole file is put on its line 1, so every finding reads ``file:line:``."""
        errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        return [cls(e.file, e.line if e.line is not None or e.file is None else 1, severity, e.message,
                    e.col, e.field) for e in errors]


# ---------------------------------------------------------------- reading a template


@dataclass
class _Paragraph:
    number: int
    element: etree._Element
    pieces: list[tuple[etree._Element, int, int]]  # (w:t, start, end) in .text
    text: str
    row: etree._Element | None
    cell: etree._Element | None

    def tags(self) -> list[re.Match]:
        return list(_TAG.finditer(self.text))


@dataclass
class _Part:
    name: str
    raw: str
    paragraphs: list[_Paragraph]
    source: str = ""  # patched Jinja source, each line opening with <!--¶N-->
    lines: list[int] = field(default_factory=list)  # Jinja line (1-based) -> paragraph number

    @property
    def label(self) -> str:
        stem = self.name.rsplit("/", 1)[-1].removesuffix(".xml")
        return "body" if stem == "document" else stem

    def para_of_line(self, lineno: int | None) -> int:
        if not lineno:
            return 1
        return self.lines[min(lineno, len(self.lines)) - 1] if self.lines else 1


def _read_parts(path: Path) -> list[_Part]:
    parts = []
    with open_docx_zip(path, what=path) as zf:
        names = {i.filename for i in zf.infolist()}
        if "word/document.xml" not in names:
            raise TemplateError("is not a Word document (no word/document.xml)", file=path)
        for name in sorted(names, key=lambda n: (n != "word/document.xml", n)):
            if not _TEMPLATED.match(name):
                continue
            data = read_part(zf, name, file=path)
            root = parse_part(data, name=name, file=path)
            parts.append(_Part(name, data.decode("utf-8"), _paragraphs(root)))
    return parts


def _paragraphs(root: etree._Element) -> list[_Paragraph]:
    paras = list(root.iter(w("p")))
    index = {id(p): i for i, p in enumerate(paras)}
    pieces: dict[int, list] = {i: [] for i in range(len(paras))}
    for t in root.iter(w("t")):
        owner = next(t.iterancestors(w("p")), None)
        if owner is not None:
            pieces[index[id(owner)]].append(t)
    out = []
    for i, p in enumerate(paras):
        spans, text, pos = [], "", 0
        for t in pieces[i]:
            s = t.text or ""
            spans.append((t, pos, pos + len(s)))
            text += s
            pos += len(s)
        out.append(_Paragraph(i + 1, p, spans, text, next(p.iterancestors(w("tr")), None),
                              next(p.iterancestors(w("tc")), None)))
    return out


def _marked(raw: str) -> str:
    """The raw XML on one line per paragraph, table row and cell, each opening with ``<!--¶N-->``.

    The marks survive docxtpl's patch (they sit outside the elements it replaces), so a
    Jinja line number leads back to a paragraph even after ``{%p``/``{%tr`` rows vanish.
    """
    flat = raw.replace("\r", " ").replace("\n", " ")  # Word writes none inside text
    out, pos, count = [], 0, 0
    for m in _STARTS.finditer(flat):
        out.append(flat[pos:m.start()])
        if m.group(1) == "p":
            count += 1
            out.append(f"\n<!--¶{count}-->")
        else:
            out.append(f"\n<!--¶{count + 1}-->")
        pos = m.start()
    out.append(flat[pos:])
    return "".join(out)


def _patch(raw: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, raw)


# ---------------------------------------------------------------- hazards in the raw XML


def _rpr_key(t: etree._Element) -> bytes:
    run = t.getparent()
    rpr = run.find(w("rPr")) if run is not None else None
    if rpr is None:
        return b""
    kept = [c for c in rpr if c.tag not in _IGNORED_RPR]
    return b"".join(etree.tostring(c, method="c14n") for c in kept)


def _hazards(part: _Part, say) -> None:
    for para in part.paragraphs:
        if "{" not in para.text:
            continue
        rest = _TAG.sub("", para.text)
        if _OPENER.search(rest):
            say(para.number, "error", "a tag opens here but does not close in this paragraph; "
                "a tag must begin and end in the same paragraph")
        for m in para.tags():
            tag = m.group()
            if any(q in tag for q in _CURLY):
                say(para.number, "warning", f"curly quotes inside the tag {_short(tag)}: docxtpl straightens "
                    "them, which can break a string; type straight quotes (turn off Word's AutoFormat)")
            runs = [t for t, s, e in para.pieces if s < m.end() and e > m.start()]
            if len({_rpr_key(t) for t in runs}) > 1:
                say(para.number, "warning", f"the tag {_short(tag)} is split across runs with different "
                    "formatting; docxtpl joins them with the first run's formatting — retype it in one go")
            level = _LEVEL.match(tag)
            if level and level.group(2) in ("p", "tr", "tc"):
                _alone(part, para, m, level.group(2), say)
    _blocks_across_rows(part, say)


def _alone(part: _Part, para: _Paragraph, m: re.Match, level: str, say) -> None:
    """``{%p``/``{%tr``/``{%tc`` replace their whole paragraph/row/cell: other text there is lost."""
    tag = m.group()
    if level == "p":
        other = para.text[: m.start()] + para.text[m.end():]
        where = "paragraph"
    else:
        box = para.row if level == "tr" else para.cell
        if box is None:
            say(para.number, "error", f"{_short(tag)} is not inside a table {'row' if level == 'tr' else 'cell'}")
            return
        other = "".join(p.text for p in part.paragraphs if p.element in set(box.iter(w("p"))))
        other = other.replace(tag, "", 1)
        where = "table row" if level == "tr" else "table cell"
    if other.strip():
        say(para.number, "error", f"{_short(tag)} shares its {where} with other text ({_short(other.strip())}); "
            f"docxtpl replaces the whole {where} with the tag, so that text would be lost — "
            f"give the tag a {where} of its own")


def _blocks_across_rows(part: _Part, say) -> None:
    """A block tag and its end must sit in the same table row (or use ``{%tr``)."""
    stack: list[tuple[str, str | None, _Paragraph, str]] = []
    for para in part.paragraphs:
        for m in para.tags():
            b = _BLOCK.match(m.group())
            if not b:
                continue
            level, word, rest = b.group(1), b.group(2), b.group(3)
            if word in _OPENERS and not (word == "set" and "=" in rest):
                stack.append((word, level, para, m.group()))
                continue
            if not word.startswith("end") or not any(s[0] == word[3:] for s in stack):
                continue
            while stack[-1][0] != word[3:]:
                stack.pop()
            opened, olevel, start, text = stack.pop()
            _pair(opened, olevel, start, para, text, say)


def _pair(word: str, level: str | None, start: _Paragraph, end: _Paragraph, text: str, say) -> None:
    if level == "tr":
        return
    row_hint = f"to repeat or hide table rows use {{%tr {word} … %}} … {{%tr end{word} %}}, each in a row of its own"
    if level == "tc":
        if start.row is not end.row:
            say(start.number, "error", f"{_short(text)} ends in another table row (paragraph {end.number}); "
                "a {%tc %} block must stay within one row")
        return
    if start.row is not end.row:
        if start.row is None or end.row is None:
            place = "starts outside a table and ends inside one" if start.row is None else \
                "starts inside a table and ends outside it"
        else:
            place = "ends in a different table row"
        say(start.number, "error", f"{_short(text)} {place} (paragraph {end.number}); {row_hint}")
    elif start.cell is not end.cell:
        say(start.number, "error", f"{_short(text)} ends in a different cell of its row (paragraph {end.number}); "
            "the cells between would be broken")
    elif level is None and start is not end:
        say(start.number, "warning", f"{_short(text)} ends in paragraph {end.number}: when it leaves text out, "
            f"the paragraphs around it join into one; use {{%p {word} … %}} and {{%p end{word} %}}, "
            "each in a paragraph of its own")


def _unmended(part: _Part, say) -> None:
    """Tags docxtpl's patch could not put back together (they still hold XML, or vanished)."""
    here: Counter = Counter()  # (paragraph, tag) found in the patched source
    anywhere: Counter = Counter()  # tag found anywhere in the part
    for m in re.finditer(r"\{\{(?:(?!\}\}).)*\}\}|\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\}", part.source, re.DOTALL):
        tag = m.group()
        para = part.para_of_line(part.source.count("\n", 0, m.start()) + 1)
        if re.search(r"</?w:|<!--", tag):
            say(para, "error", f"the tag {_short(re.sub(r'<[^>]*>', '', tag))} is split across "
                "runs in a way docxtpl cannot repair; delete it and type it again in one go")
        else:
            key = _tag_key(html.unescape(tag))
            here[(para, key)] += 1
            anywhere[key] += 1
    for para in part.paragraphs:
        for m in para.tags():
            tag = m.group()
            b = _BLOCK.match(tag)
            if "<" in tag or (b and b.group(2) in _DOCXTPL_SPECIAL):
                continue
            key = _tag_key(tag)
            # Paragraph, row and whitespace-control tags move when patched; others stay put.
            moves = bool(_LEVEL.match(tag)) or "{%-" in tag or "-%}" in tag
            if anywhere[key] > 0 and (moves or here[(para.number, key)] > 0):
                anywhere[key] -= 1
                here[(para.number, key)] -= 1
            else:
                say(para.number, "error", f"the tag {_short(tag)} does not reach Jinja intact (it is split "
                    "across runs in a way docxtpl cannot repair); delete it and type it again in one go")


def _tag_key(tag: str) -> str:
    for a, b in zip(_CURLY, "\"\"''"):
        tag = tag.replace(a, b)
    tag = _LEVEL.sub(lambda m: "{" + m.group(1) + " ", tag)
    return re.sub(r"\s+|-(?=[%#]\})|(?<=\{[%#])-", "", tag)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- names against the model


@dataclass(frozen=True)
class _Ty:
    """What an expression is: a model node (None: unknown, anything goes) and how it was written."""

    node: Node | None = None
    path: str = ""  # schema path, "charges[].title"
    shown: str = ""  # as the template wrote it, "charge.title"
    via: str = ""  # "charge is an element of charges"


_ANY = _Ty()
_LEAF_SAMPLES = {"str": "", "int": 0, "bool": True, "date": dt.date(2000, 1, 1), "money": Decimal(0)}
_SAME_LIST = {"list", "sort", "reverse", "unique", "select", "reject", "selectattr", "rejectattr"}
_ELEMENT = {"first", "last", "random", "min", "max"}
_ATTRIBUTE_ARG = {"selectattr", "rejectattr"}
_ATTRIBUTE_KW = {"map", "sort", "sum", "groupby", "unique", "min", "max"}


class _Scope:
    def __init__(self, names: dict[str, _Ty], parent: _Scope | None = None) -> None:
        self.names = names
        self.parent = parent

    def child(self, **names: _Ty) -> _Scope:
        return _Scope(dict(names), self)

    def lookup(self, name: str) -> _Ty | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


class _Names:
    """Walks a Jinja AST; every Getattr/Getitem chain is resolved against the context model."""

    def __init__(self, kind: str, part: _Part, say, globals_: set[str]) -> None:
        self.kind = kind
        self.part = part
        self.say = say
        self.globals = globals_
        self.printing = False
        self.printed: list[tuple[str, str, int]] = []  # (schema path, as written, paragraph)
        self.errors = 0
        model = cs.schema(kind)
        self.top = _Scope({name: _Ty(node, name, name) for name, node in model.fields.items()})

    def error(self, node: nodes.Node, message: str) -> None:
        self.errors += 1
        self.say(self.part.para_of_line(node.lineno), "error", message)

    # -- statements
    def block(self, body: list[nodes.Node], scope: _Scope) -> None:
        for node in body:
            self.stmt(node, scope)

    def stmt(self, node: nodes.Node, scope: _Scope) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.printing = True
                    try:
                        self.expr(child, scope)
                    finally:
                        self.printing = False
        elif isinstance(node, nodes.For):
            items = self.expr(node.iter, scope)
            inner = scope.child(loop=_ANY)
            self.bind(node.target, self.element(items), inner, items)
            if node.test is not None:
                self.expr(node.test, inner)
            self.block(node.body, inner)
            self.block(node.else_, scope)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.block(node.body, scope)
            for elif_ in node.elif_:
                self.stmt(elif_, scope)
            self.block(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.block(node.body, scope)
            self.bind(node.target, _ANY, scope)
        elif isinstance(node, nodes.With):
            inner = scope.child()
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expr(value, scope), inner)
            self.block(node.body, inner)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.Macro):
                scope.names[node.name] = _ANY
            else:
                self.expr(node.call, scope)
            for default in node.defaults:
                self.expr(default, scope)
            inner = scope.child(caller=_ANY, varargs=_ANY, kwargs=_ANY)
            for arg in node.args:
                self.bind(arg, _ANY, inner)
            self.block(node.body, inner)
        elif isinstance(node, (nodes.Import, nodes.FromImport)):
            for name in ([node.target] if isinstance(node, nodes.Import) else
                         [n if isinstance(n, str) else n[-1] for n in node.names]):
                scope.names[name] = _ANY
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope)
                else:
                    self.stmt(child, scope)

    def bind(self, target: nodes.Node, ty: _Ty, scope: _Scope, items: _Ty | None = None) -> None:
        if isinstance(target, nodes.Name):
            via = f"{target.name} is an element of {items.shown}" if items is not None and items.shown else ty.via
            scope.names[target.name] = _Ty(ty.node, ty.path, target.name, via) if ty.node else _ANY
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _ANY, scope)
        elif isinstance(target, nodes.NSRef):
            self.expr(nodes.Name(target.name, "load", lineno=target.lineno), scope)

    # -- expressions
    def expr(self, node: nodes.Node, scope: _Scope) -> _Ty:
        if isinstance(node, nodes.Name):
            if node.ctx != "load":
                return _ANY
            found = scope.lookup(node.name)
            if found is not None:
                return self.used(found, node)
            if node.name not in self.globals:
                near = self._near(node.name, self._visible(scope))
                self.error(node, f"uses {node.name}, which is not a name in the {self.kind} context"
                           + (f"; did you mean {near}?" if near else " (see docs/CONTEXT.md)"))
            return _ANY
        if isinstance(node, nodes.Getattr):
            return self.attr(self.expr(node.node, scope), node.attr, node)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attr(base, node.arg.value, node)
            self.expr(node.arg, scope)
            if base.node is not None and base.node.type == "list":
                if isinstance(node.arg, nodes.Slice):
                    return base
                item = self.element(base)
                if isinstance(node.arg, nodes.Const):
                    item = replace(item, shown=f"{base.shown}[{node.arg.value!r}]")
                return self.used(item, node)
            return _ANY
        if isinstance(node, nodes.Filter):
            return self.filter(node, scope)
        if isinstance(node, nodes.Compare):
            left = self.expr(node.expr, scope)
            left_node = node.expr
            for op in node.ops:
                right = self.expr(op.expr, scope)
                self.compare(left, left_node, op.op, right, op.expr, node)
                left, left_node = right, op.expr
            return _ANY
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return _ANY

    def used(self, ty: _Ty, node: nodes.Node) -> _Ty:
        if self.printing and ty.path:
            self.printed.append((ty.path, ty.shown, self.part.para_of_line(node.lineno)))
        return ty

    def element(self, ty: _Ty) -> _Ty:
        if ty.node is not None and ty.node.type == "list":
            return _Ty(ty.node.item, ty.path + "[]", ty.shown + "[]", ty.via)
        return _ANY

    def attr(self, base: _Ty, name: str, node: nodes.Node) -> _Ty:
        model = base.node
        if model is None:
            return _ANY
        shown = f"{base.shown}.{name}"
        if model.type == "record":
            child = model.fields.get(name)
            if child is not None:
                return self.used(_Ty(child, cs._join(base.path, name), shown, base.via), node)
            near = self._near(name, list(model.fields))
            self.error(node, f"uses {shown}, which is not a field of the {self.kind} context"
                       + (f" ({base.via})" if base.via else "")
                       + (f"; did you mean {base.shown}.{near}?" if near else ""))
            return _ANY
        sample: Any = [] if model.type == "list" else _LEAF_SAMPLES.get(model.type, model.values[:1] or "")
        if model.type == "enum":
            sample = model.values[0]
        if name.startswith("_") or not hasattr(sample, name):
            self.error(node, f"uses {shown}, but {base.shown} is {model.describe()}, which has no {name}"
                       + (" (loop over it with {% for %})" if model.type == "list" else ""))
        return _ANY

    def filter(self, node: nodes.Filter, scope: _Scope) -> _Ty:
        base = self.expr(node.node, scope) if node.node is not None else _ANY
        for arg in node.args + [kw.value for kw in node.kwargs]:
            self.expr(arg, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scope)
        if base.node is None or base.node.type != "list":
            return _Ty(None, base.path, base.shown)
        item = self.element(base)
        attribute = None
        if node.name in _ATTRIBUTE_ARG and node.args and isinstance(node.args[0], nodes.Const):
            attribute = node.args[0].value
        for kw in node.kwargs:
            if node.name in _ATTRIBUTE_KW and kw.key == "attribute" and isinstance(kw.value, nodes.Const):
                attribute = kw.value.value
        picked = item
        if isinstance(attribute, str):
            for part in attribute.split("."):
                picked = self.attr(picked, part, node) if not part.isdigit() else self.element(picked)
        if node.name == "map" and attribute is not None:
            return _Ty(cs.list_of(picked.node), picked.path, picked.shown) if picked.node else _ANY
        if node.name in _SAME_LIST:
            return base
        if node.name in _ELEMENT:
            return item
        return _Ty(None, base.path, base.shown)

    def compare(self, left: _Ty, lnode, op: str, right: _Ty, rnode, node: nodes.Node) -> None:
        """``matter.stage == "investgation"`` is a branch that is never taken: say so."""
        for ty, other in ((left, rnode), (right, lnode)):
            if ty.node is None or ty.node.type != "enum":
                continue
            if op in ("eq", "ne") and isinstance(other, nodes.Const):
                values = [other.value]
            elif op in ("in", "notin") and ty is left and isinstance(other, (nodes.List, nodes.Tuple)):
                values = [i.value for i in other.items if isinstance(i, nodes.Const)]
            else:
                continue
            for value in values:
                # A value another kind has (kind == "advisory") is a template shared between
                # kinds, not a typo.
                if value not in ty.node.values and value not in _values_in_any_kind(ty.path):
                    self.error(node, f"compares {ty.shown} with {value!r}, which it never is; "
                               f"it is {ty.node.describe()}")

    def _visible(self, scope: _Scope) -> list[str]:
        names: list[str] = []
        while scope is not None:
            names.extend(scope.names)
            scope = scope.parent
        return names

    @staticmethod
    def _near(name: str, options: list[str]) -> str | None:
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        return close[0] if close else None


@functools.lru_cache(maxsize=None)
def _values_in_any_kind(schema_path: str) -> frozenset:
    values: set = set()
    for kind in cs.SCHEMAS:
        node = dict(cs.walk(cs.schema(kind))).get(schema_path)
        if node is not None:
            values.update(node.values)
    return frozenset(values)


# ---------------------------------------------------------------- coverage


def _instrumented(path: Path, folder: Path) -> Path:
    """A copy of the template whose paragraphs carry ``drafting-p="N"``, to trace output back."""
    target = folder / path.name
    with open_docx_zip(path, what=path) as zf, zipfile.ZipFile(target, "w") as out:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if _TEMPLATED.match(info.filename):
                numbers = iter(range(1, 1 << 30))
                # Counted like lxml's iter(w:p), so N is the paragraph number lint reports.
                data = re.sub(r"<w:p(?=[ >/])", lambda m: f'<w:p drafting-p="{next(numbers)}"',
                              data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return target


def _empty_paragraphs(data: bytes, tagged: dict[str, set[int]]) -> list[tuple[str, int]]:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name, numbers in tagged.items():
            if not numbers or name not in zf.namelist():
                continue
            root = etree.fromstring(zf.read(name))
            for p in root.iter(w("p")):
                mark = p.get("drafting-p")
                if mark is None or int(mark) not in numbers:
                    continue
                text = "".join(t.text or "" for t in p.iter(w("t")))
                if text.strip() or any(el.tag in _VISIBLE for el in p.iter()):
                    continue
                if any(br.get(w("type")) == "page" for br in p.iter(w("br"))):
                    continue
                out.append((name, int(mark)))
    return out


def _coverage(path: Path, kind: str, parts: list[_Part], printed: list[tuple[str, str, str, int]],
              skip_undefined: bool, say_in) -> None:
    from .docx_template import Properties, compile_template

    tagged = {p.name: {q.number for q in p.paragraphs if _OPENER.search(q.text) and not _LEVEL.match(q.text.strip())}
              for p in parts}
    labels = {p.name: p for p in parts}
    failures: dict[tuple, list[str]] = {}
    empties: dict[tuple[str, int], str] = {}
    with tempfile.TemporaryDirectory(prefix="drafting-check-") as tmp:
        try:
            template = compile_template(_instrumented(path, Path(tmp)))
        except TemplateError as exc:
            say_in(parts[0], 1, "error", exc.message)
            return
        props = Properties(title="drafting check", subject=kind, author="drafting check", letter_date=LINT_DATE)
        for variant in cs.coverage_variants(kind):
            # Each render stops at the first Missing field it prints; give that field and
            # render again, so one variant reports every unguarded field, not just the first.
            for _attempt in range(_MAX_RETRIES):
                try:
                    data = template.render(cs.sample_context(kind, variant), props, locate=lambda _p: {})
                except MissingFieldError as exc:
                    failures.setdefault(("missing", exc.field), []).append(variant.description)
                    forced = _optional_prefixes(kind, cs.display(exc.field or ""))
                    if not forced or forced <= variant.present:
                        break
                    variant = replace(variant, present=variant.present | forced)
                    continue
                except TemplateError as exc:
                    if not (skip_undefined and exc.message.startswith("uses ")):
                        failures.setdefault(("template", exc.message), []).append(variant.description)
                    break
                for key in _empty_paragraphs(data, tagged):
                    empties.setdefault(key, variant.description)
                break
    for (what, detail), variants in failures.items():
        when = variants[0] + (f" (and in {len(variants) - 1} more generated context(s))" if len(variants) > 1 else "")
        if what == "missing":
            part, para, shown = _locate_print(detail, printed, parts)
            schema_path = cs.display(detail)
            node = _model_node(kind, schema_path)
            unless = ""
            if node is not None and node.when is not None:
                other = node.when.path[1:] if node.when.path.startswith("/") else \
                    cs._join(schema_path.rpartition(".")[0], node.when.path)
                unless = (f"; it is Missing unless {other} is "
                          f"{'not ' if node.when.negate else ''}{' or '.join(map(repr, node.when.values))}")
            say_in(part, para, "error", f"prints {shown}, which a case may leave out{unless} — it fails when "
                   f"{when}; print it only inside {{% if {shown} %}} … {{% endif %}}")
        else:
            say_in(parts[0], 1, "error", f"fails when {when}: {detail}")
    for (name, number), variant in sorted(empties.items()):
        say_in(labels[name], number, "warning", f"renders as an empty paragraph when {variant}: a blank line "
               "in the letter; put the condition in {%p if … %} … {%p endif %} paragraphs of their own")


def _optional_prefixes(kind: str, schema_path: str) -> frozenset[str]:
    """The optional or conditional fields on the way to ``schema_path`` (any may be the Missing one)."""
    nodes_ = dict(cs.walk(cs.schema(kind)))
    out = set()
    parts = schema_path.split(".")
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        node = nodes_.get(prefix)
        if node is not None and (node.optional or node.when is not None):
            out.add(prefix)
    return frozenset(out)


def _locate_print(field_path: str, printed, parts: list[_Part]) -> tuple[_Part, int, str]:
    target = cs.display(field_path)
    for candidate in [target] + [target.rsplit(".", k)[0] for k in range(1, target.count(".") + 1)]:
        for part_name, path, shown, para in printed:
            if path == candidate:
                part = next(p for p in parts if p.name == part_name)
                return part, para, shown + target[len(candidate):]
    return parts[0], 1, target


def _model_node(kind: str, schema_path: str) -> Node | None:
    for path, node in cs.walk(cs.schema(kind)):
        if path == schema_path:
            return node
    return None


# ---------------------------------------------------------------- the whole template


def lint_template(path: str | Path, kind: str, *, coverage: bool = True) -> list[Finding]:
    """Every finding for one template of ``kind``: syntax, names, hazards, coverage."""
    path = Path(path)
    findings: list[Finding] = []

    def say_in(part: _Part, para: int, severity: str, message: str) -> None:
        finding = Finding(str(path), para, severity, f"{part.label} ¶{para}: {message}")
        if finding not in findings:
            findings.append(finding)

    try:
        parts = _read_parts(path)
    except DraftingError as exc:
        return Finding.from_error(exc)
    env = make_environment()
    globals_ = set(env.globals)
    printed: list[tuple[str, str, str, int]] = []
    broken = False
    name_errors = 0
    for part in parts:
        def say(para: int, severity: str, message: str, part=part) -> None:
            say_in(part, para, severity, message)

        _hazards(part, say)
        tagged = [p for p in part.paragraphs if _OPENER.search(p.text)]
        if not re.search(r"\{[{%#]", part.raw):
            # compile_template leaves such a part alone: its tags would print as typed.
            for para in tagged:
                say(para.number, "error", "this tag is split across runs so that docxtpl does not see it "
                    "at all (it would print as typed); delete it and type it again in one go")
            continue
        part.source = _patch(_marked(part.raw))
        part.lines = _line_marks(part.source)
        _unmended(part, say)
        try:
            ast = env.parse(part.source)
        except jinja2.TemplateSyntaxError as exc:
            broken = True
            say(part.para_of_line(exc.lineno), "error", f"Jinja syntax error: {exc.message}")
            continue
        names = _Names(kind, part, say, globals_)
        names.block(ast.body, names.top.child())
        name_errors += names.errors
        printed.extend((part.name, p, s, n) for p, s, n in names.printed)
        try:
            env.from_string(part.source)  # unknown filters and tests show only when compiling
        except jinja2.TemplateSyntaxError as exc:
            broken = True
            say(part.para_of_line(exc.lineno), "error", f"Jinja error: {exc.message}")
    if coverage and not broken:
        _coverage(path, kind, parts, printed, name_errors > 0, say_in)
    order = {p.label: i for i, p in enumerate(parts)}
    return sorted(findings, key=lambda f: (order.get(f.message.split(" ", 1)[0], 0), f.line or 0))


def _line_marks(source: str) -> list[int]:
    out, current = [], 1
    for line in source.split("\n"):
        m = _MARK.match(line)
        if m:
            current = int(m.group(1))
        out.append(current)
    return out
