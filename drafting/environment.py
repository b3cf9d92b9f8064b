"""The Jinja environment every template runs in: sandboxed, autoescaping, strict.

Case data reaches the document only through ``finalize``, which escapes it for XML and
turns line breaks and tabs into Word's own elements; it is never parsed as a template.
A value the case does not give is a ``Missing`` sentinel: false in ``{% if %}``, an
error naming the field when printed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from jinja2 import StrictUndefined
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from .dates import long_date
from .errors import MissingFieldError
from .vocabulary import NOT_XML


class EmptyValue(Exception):
    """Raised inside rendering when a template prints ``None``: a value the template
    computed (case fields that are absent are ``Missing`` and name their field)."""


class IllegalCharacter(Exception):
    """Raised inside rendering when a printed value holds a character XML cannot hold.
    Case files are checked when loaded; this catches what comes from elsewhere (rule
    data, a firm profile, a value the template computed)."""

    def __init__(self, value: str, char: str) -> None:
        self.value = value
        self.char = char
        super().__init__(f"U+{ord(char):04X}")


class MissingValue(Exception):
    """Raised inside rendering when a template prints a ``Missing`` field."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(path)


class Missing:
    """An optional field the case does not give."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        raise MissingValue(self.path)

    __html__ = __str__

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return Missing(f"{self.path}.{name}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Missing)

    def __hash__(self) -> int:
        return hash(("Missing", self.path))

    def __repr__(self) -> str:
        return f"Missing({self.path!r})"


class Record:
    """A read-only bag of named values that knows where it sits in the context.

    Not a dict on purpose: ``request.items`` must be the preservation items, not
    ``dict.items``.
    """

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("context records are read-only")

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Record({self._path!r}, {sorted(self._values)})"

    def fields(self) -> dict[str, Any]:
        return dict(self._values)


def record(path: str, **values: Any) -> Record:
    """A ``Record`` at ``path`` whose ``None`` values become ``Missing``."""
    return Record(path, {k: (Missing(f"{path}.{k}") if v is None else v) for k, v in values.items()})


class ContextUndefined(StrictUndefined):
    """Names the whole dotted path (``matter.courtt``) when a template uses an unknown name."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj = self._undefined_obj
        name = self._undefined_name
        if isinstance(obj, Record):
            return f"{obj._path}.{name}"
        if obj is not None and not isinstance(obj, type(Ellipsis)) and name is not None:
            return f"{type(obj).__name__}.{name}"
        return str(name)


_BREAK = Markup('</w:t><w:br/><w:t xml:space="preserve">')
_TAB = Markup('</w:t><w:tab/><w:t xml:space="preserve">')


def _finalize(value: Any) -> Any:
    # Autoescape escapes what this returns: plain text goes back as it is (escaped once,
    # there); only text with line breaks or tabs is escaped here, to put Word's breaks in.
    if type(value) is not str:
        if isinstance(value, Missing):
            raise MissingValue(value.path)
        if value is None:
            raise EmptyValue()
        if isinstance(value, Markup):
            return value
        value = str(value)
    bad = NOT_XML.search(value)
    if bad:
        raise IllegalCharacter(value, bad.group())
    if "\n" in value or "\t" in value or "\r" in value:
        return _with_breaks(value)
    return value


def _with_breaks(text: str) -> Markup:
    text = escape(text)
    return Markup(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", _BREAK).replace("\t", _TAB))


def money(value: Any) -> str:
    """``$25,000.00``."""
    if isinstance(value, Missing):
        raise MissingValue(value.path)
    return f"${Decimal(value):,.2f}"


def join_and(values: Iterable[Any]) -> str:
    """``a, b, and c``; ``a and b``; ``a``."""
    items = [str(v) for v in values]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def ordinal_tier(value: Any) -> str:
    """``Tier I`` / ``Tier II`` / ``Tier III``."""
    return "Tier " + {1: "I", 2: "II", 3: "III"}[int(value)]


def _long_date(value: Any) -> str:
    if isinstance(value, Missing):
        raise MissingValue(value.path)
    return long_date(value)


FILTERS = {"long_date": _long_date, "money": money, "join_and": join_and, "ordinal_tier": ordinal_tier}


MAX_REPEAT = 1_000_000  # characters or items one `*` may make
MAX_POWER_BITS = 100_000  # bits of an integer one `**` may make


# ``loop.index`` and the like: plain values of Jinja's own loop object (not its methods).
_LOOP_VALUES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                          "depth0", "previtem", "nextitem"})


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with a fast path for ``Record`` fields.

    Immutable: a template cannot change a list or dict it is given (``charges.pop()``),
    because one letter's context shares values with the next letter's in a batch.
    ``*`` and ``**`` are bounded, so ``'a' * 10**10`` is a template error, not the
    machine's memory. A record's fields are case data we built (never methods or
    internals), so reading one needs none of the sandbox's attribute checks, and neither does
    a counter of Jinja's loop (``loop.index``); everything else goes through them. That is
    about a third of the time spent rendering a letter.
    """

    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                if len(left) + len(right) > MAX_REPEAT * 10:
                    raise SecurityError(f"'+' would make more than {MAX_REPEAT * 10:,} characters or items")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    if len(seq) * max(times, 0) > MAX_REPEAT:
                        raise SecurityError(f"'*' would make more than {MAX_REPEAT:,} characters or items")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right > 0 and right * abs(left).bit_length() > MAX_POWER_BITS:
                raise SecurityError("'**' would make a number too large to print")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is Record:
            return self._field(obj, attribute)
        if type(obj) is LoopContext and attribute in _LOOP_VALUES:
            return getattr(obj, attribute)  # Jinja's own counters: the sandbox would allow them anyway
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(obj) is Record:
            return self._field(obj, argument)
        return super().getitem(obj, argument)

    def _field(self, obj: Record, name: Any) -> Any:
        try:
            return obj._values[name]
        except (KeyError, TypeError):
            if isinstance(name, str) and name.startswith("_"):
                return self.unsafe_undefined(obj, name)
            return self.undefined(obj=obj, name=name)  # a record has fields only, no methods


def make_environment() -> SandboxedEnvironment:
    """A fresh sandboxed environment with our filters."""
    env = _Sandbox(
        autoescape=True,
        undefined=ContextUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=0,
    )
    env.filters.update(FILTERS)
    # Case text is always escaped: no filter marks it as markup.
    del env.filters["safe"]
    return env


def missing_field_error(exc: MissingValue, *, template: str, locate) -> MissingFieldError:
    """Turn a printed ``Missing`` into an error naming the case file and field."""
    where = locate(exc.path)
    return MissingFieldError(
        f"the template {template} prints this field, but the case does not give it", field=exc.path, **where
    )


def to_plain(value: Any) -> Any:
    """The context as JSON-ready data (for ``drafting context``)."""
    if isinstance(value, Record):
        return {k: to_plain(v) for k, v in value.fields().items()}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, Missing):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
