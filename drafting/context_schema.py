"""The template context as a model: every name docs/CONTEXT.md promises, with its type.

Each kind declares its own model (``Kind.schema``, in its module under ``drafting.kinds``);
this module is the language they are written in. The model is what ``drafting check``
lints templates against (a name a template uses must be
here, not merely in one sample case) and what it generates coverage contexts from.
A test builds the real contexts of the example cases and holds them to this model, so
the builders in ``drafting.kinds`` and this file cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterator

from .environment import Missing, Record

LEAF_TYPES = ("str", "int", "bool", "date", "money", "enum")


@dataclass(frozen=True)
class When:
    """A field present only when another field has one of ``values`` (or none of them, ``negate``).

    ``path`` is a sibling field name, or ``/a.b`` counted from the context root.
    """

    path: str
    values: tuple
    negate: bool = False

    def holds(self, value: Any) -> bool:
        return (value in self.values) != self.negate


@dataclass(frozen=True)
class Node:
    """One name in the context: a leaf (str, int, bool, date, money, enum), a list or a record."""

    type: str
    optional: bool = False  # may be Missing (false in {% if %}, an error when printed)
    when: When | None = None
    values: tuple = ()  # enum: every value it can take
    samples: tuple = ()  # enum: the values coverage tries (default: all of them)
    item: Node | None = None  # list: its elements
    min_items: int = 0
    fields: dict[str, Node] = field(default_factory=dict)  # record
    example: Any = None
    doc: str = ""  # what docs/CONTEXT.md says of the name, beside its type
    each: str = ""  # list: the name docs/CONTEXT.md gives an element (``charge``, ``obs``)

    @property
    def is_leaf(self) -> bool:
        return self.type in LEAF_TYPES

    def describe(self) -> str:
        if self.type == "enum":
            return "one of " + ", ".join(repr(v) for v in self.values[:8]) + (" …" if len(self.values) > 8 else "")
        if self.type == "list":
            return f"a list of {self.item.describe() if self.item.is_leaf else 'records'}"
        return {"str": "text", "int": "a whole number", "bool": "true or false", "date": "a date",
                "money": "an amount of money", "record": "a record"}[self.type]


# ---------------------------------------------------------------- building the model


def text(example: str | None = None, **kw) -> Node:
    return Node("str", example=example, **kw)


def integer(example: int = 2, **kw) -> Node:
    return Node("int", example=example, **kw)


def boolean(**kw) -> Node:
    return Node("bool", **kw)


def date(**kw) -> Node:
    return Node("date", **kw)


def money(**kw) -> Node:
    return Node("money", **kw)


def enum(*values, samples: tuple = (), **kw) -> Node:
    return Node("enum", values=tuple(values), samples=tuple(samples), **kw)


def list_of(item: Node, *, min_items: int = 0, **kw) -> Node:
    return Node("list", item=item, min_items=min_items, **kw)


def rec(_optional: bool = False, _when: When | None = None, _doc: str = "", **fields: Node) -> Node:
    return Node("record", optional=_optional, when=_when, doc=_doc, fields=fields)


def optional(node: Node) -> Node:
    return replace(node, optional=True)


def schema(kind: str) -> Node:
    """The context model of a kind (a record whose fields are the top-level names): the
    ``schema`` its ``Kind`` declares."""
    from .kinds import KINDS  # the kinds build on this module, so they are looked up late

    return KINDS[kind].schema


def schemas() -> dict[str, Node]:
    """Every kind's context model, by kind name."""
    from .kinds import KINDS

    return {name: k.schema for name, k in KINDS.items()}


# ---------------------------------------------------------------- checking a real context


def conformance(kind: str, context: dict[str, Any]) -> list[str]:
    """Where a real context departs from the model: unknown names, absent required names, wrong types."""
    problems: list[str] = []
    _check(schema(kind), Record(kind, dict(context)), "", context, problems)
    return problems


def _check(node: Node, value: Any, path: str, root: dict, out: list[str]) -> None:
    if isinstance(value, Missing):
        return
    kind = node.type
    if kind == "record":
        if not isinstance(value, Record):
            out.append(f"{path}: expected a record, got {type(value).__name__}")
            return
        values = value.fields()
        for name in values.keys() - node.fields.keys():
            out.append(f"{_join(path, name)}: in the context but not in the model")
        for name, child in node.fields.items():
            sub = _join(path, name)
            if name not in values:
                out.append(f"{sub}: in the model but not in the context")
                continue
            present = not isinstance(values[name], Missing)
            allowed = child.when is None or child.when.holds(_condition_value(child.when, values, root))
            if present and not allowed:
                out.append(f"{sub}: present, but the model says it is Missing unless "
                           f"{child.when.path} is {'not ' if child.when.negate else ''}{child.when.values}")
            elif not present and allowed and not child.optional:
                out.append(f"{sub}: Missing, but the model says it is required")
            _check(child, values[name], sub, root, out)
    elif kind == "list":
        if not isinstance(value, list):
            out.append(f"{path}: expected a list, got {type(value).__name__}")
            return
        if len(value) < node.min_items:
            out.append(f"{path}: has {len(value)} items, the model says at least {node.min_items}")
        for i, item in enumerate(value):
            _check(node.item, item, f"{path}[{i}]", root, out)
    else:
        ok = {
            "str": lambda v: isinstance(v, str),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
            "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
            "money": lambda v: isinstance(v, Decimal),
            "enum": lambda v: v in node.values,
        }[kind](value)
        if not ok:
            out.append(f"{path}: {value!r} is not {node.describe()}")


def _condition_value(when: When, siblings: dict, root: dict) -> Any:
    if not when.path.startswith("/"):
        return siblings.get(when.path)
    value: Any = root
    for part in when.path[1:].split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# ---------------------------------------------------------------- generating contexts


@dataclass(frozen=True)
class Variant:
    """How one coverage context departs from the baseline (every field present, lists of 3)."""

    description: str
    all_missing: bool = False
    lengths: tuple[tuple[str, int], ...] = ()  # schema path ("charges", "charges[].x") -> list length
    choices: tuple[tuple[str, Any], ...] = ()  # schema path -> enum or bool value
    present: frozenset[str] = frozenset()  # schema paths given even where the variant would leave them out


BASELINE_ITEMS = 3


def sample_context(kind: str, variant: Variant = Variant("baseline")) -> dict[str, Any]:
    """A context built from the model alone, shaped by ``variant``."""
    gen = _Generator(variant)
    root = gen.value(schema(kind), "", "")  # path "" so that children read "matter.id"
    _apply_conditions(schema(kind), root, root._values, variant.present)
    return root.fields()


class _Generator:
    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.lengths = dict(variant.lengths)
        self.choices = dict(variant.choices)

    def value(self, node: Node, path: str, where: str) -> Any:
        """``path`` is the schema path (``charges[].title``); ``where`` the context path (``charges[1].title``)."""
        if node.optional and self.variant.all_missing and path not in self.variant.present:
            return Missing(where)
        kind = node.type
        if kind == "record":
            return Record(where, {name: self.value(child, _join(path, name), _join(where, name))
                                  for name, child in node.fields.items()})
        if kind == "list":
            n = self.lengths.get(path, max(BASELINE_ITEMS, node.min_items))
            return [self.value(node.item, f"{path}[]", f"{where}[{i}]") for i in range(n)]
        if path in self.choices:
            return self.choices[path]
        if kind == "enum":
            return (node.samples or node.values)[0]
        if kind == "bool":
            return True
        if kind == "int":
            return node.example if node.example is not None else 2
        if kind == "money":
            return Decimal("1234.50")
        if kind == "date":
            return dt.date(2026, 11, 28)
        return node.example if node.example is not None else f"[{where}]"


def _apply_conditions(node: Node, value: Any, root: dict, present: frozenset[str], path: str = "") -> None:
    """Turn into Missing every field whose ``When`` does not hold (e.g. fee.rate of a flat fee)."""
    if isinstance(value, Missing):
        return
    if node.type == "record":
        values = value._values  # built here, so filling it in place is safe
        for name, child in node.fields.items():
            sub = _join(path, name)
            if (child.when is not None and sub not in present
                    and not child.when.holds(_condition_value(child.when, values, root))):
                values[name] = Missing(_join(value._path, name))
            _apply_conditions(child, values[name], root, present, sub)
    elif node.type == "list":
        for item in value:
            _apply_conditions(node.item, item, root, present, f"{path}[]")


def walk(node: Node, path: str = "") -> Iterator[tuple[str, Node]]:
    """Every (schema path, node) below ``node``, lists' elements as ``path[]``."""
    for name, child in node.fields.items() if node.type == "record" else ():
        sub = _join(path, name)
        yield sub, child
        yield from walk(child, sub)
    if node.type == "list":
        yield f"{path}[]", node.item
        yield from walk(node.item, f"{path}[]")


def coverage_variants(kind: str) -> list[Variant]:
    """The baseline, then: every optional field Missing; each list empty and of one item;
    each enum value; each bool false. Bounded (a few dozen per kind)."""
    variants = [Variant("every field is given and every list has 3 items"),
                Variant("every optional field is Missing", all_missing=True)]
    nodes = list(walk(schema(kind)))
    for path, node in nodes:
        if node.type == "list":
            if node.min_items == 0:
                variants.append(Variant(f"{path} is empty", lengths=((path, 0),)))
            variants.append(Variant(f"{path} has one item", lengths=((path, 1),)))
    for path, node in nodes:
        if node.type == "enum":
            for value in (node.samples or node.values)[1:]:
                variants.append(Variant(f"{path} is {value!r}", choices=((path, value),)))
        elif node.type == "bool":
            variants.append(Variant(f"{path} is false", choices=((path, False),)))
    return variants


def display(path: str) -> str:
    """``charges[3].title`` -> ``charges[].title``: a context path as its schema path."""
    return re.sub(r"\[\d+\]", "[]", path)
