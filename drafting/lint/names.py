"""Names against the context model: every name a template uses, in the scope where it is used,
checked against what the kind's context gives (``context_schema``), with the nearest name
suggested for a typo; and what each print prints, for the coverage renders."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from jinja2 import nodes

from .. import context_schema as cs
from ..context_schema import Node
from .parts import Part


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


class Names:
    """Walks a Jinja AST; every Getattr/Getitem chain is resolved against the context model."""

    def __init__(self, kind: str, part: Part, say, globals_: set[str]) -> None:
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
            for target, value in zip(node.targets, node.values, strict=False):
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
    for model in cs.schemas().values():
        node = dict(cs.walk(model)).get(schema_path)
        if node is not None:
            values.update(node.values)
    return frozenset(values)
