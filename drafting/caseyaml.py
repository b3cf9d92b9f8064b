"""Write plain case data as a YAML case file a person would have written: sections in the
usual order, lists one entry per line, a comment where a value is a choice, and quotes
only where YAML would otherwise misread the text.

Every file is read back with the same loader ``drafting`` uses before it is written, and
must give exactly the data it came from: nothing typed in the sheet is lost or changed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .models import Case
from .vocabulary import RECIPIENT_KINDS, STAGES, choices

_HINTS = {
    ("matter", "jurisdiction"): "two-letter state code, or US for a federal matter",
    ("matter", "stage"): choices(STAGES),
    ("matter", "attorney"): "an attorney id from firm.yaml",
    ("charges", "#", "offense"): "an id from the offense library (`drafting kinds` lists them)",
    ("engagement", "fee", "type"): "flat | hourly",
    ("preservation", "#", "recipient", "kind"): choices(RECIPIENT_KINDS),
    ("preservation", "#", "respond_within_days"): "the letter asks for written confirmation within these days",
    ("advisory", "state"): "where the client lives; default matter.jurisdiction",
}
# Fields whose values are numbers or dates: written plain (``counts: 2``), as a person would.
_PLAIN_NUMBERS = {"counts", "amount", "rate", "retainer", "costs_deposit", "respond_within_days", "port",
                  "from", "to", "date"}
_SAFE = re.compile(r"[A-Za-z0-9(§$][^\n\t]*")
_RISKY = re.compile(r": |\s#|[\"'`\\]|:$|^[-?:,\[\]{}#&*!|>%@]")
_NOT_TEXT = re.compile(  # what YAML 1.1 (other tools) would read as a number, a boolean, null or a date
    r"[-+]?(\d[\d_,]*)?(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|~|null|Null|NULL|\d{4}-\d\d?-\d\d?([Tt ].*)?|\d+(:[0-5]?\d)+(\.\d*)?"
)
# Characters YAML cannot hold raw (or would read as a line break): written as escapes.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_COMMENT_COLUMN = 34


# Identifiers: quoted, as people write them (``id: "0142"`` stays text in every YAML reader).
_ALWAYS_QUOTED = {"id", "case_number", "account", "reference"}


def scalar(value: str, key: str | int | None = None) -> str:
    """``value`` as YAML: plain where that reads back as the same text, else double-quoted."""
    if key not in _ALWAYS_QUOTED and (
        _SAFE.fullmatch(value)
        and not _RISKY.search(value)
        and value == value.strip()
        and (key in _PLAIN_NUMBERS or not _NOT_TEXT.fullmatch(value))
        and not _ESCAPE.search(value)
    ):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def case_yaml(data: dict, *, heading: list[str]) -> str:
    """The case file's text: ``heading`` as comment lines, then the data in model order."""
    lines = [f"# {line}" if line else "#" for line in heading]
    lines.append("")
    model_order = list(Case.model_fields)
    for key in sorted(data, key=lambda k: model_order.index(k) if k in model_order else len(model_order)):
        _emit(lines, key, data[key], 0, (key,))
    missing = [f"{k}:" for k in ("engagement", "preservation") if k not in data]
    if missing:
        lines += ["", f"# The sheet had no {' or '.join(missing)} section for this case; add one to write",
                  "# that letter (`drafting new` writes a commented example of each)."]
    return "\n".join(lines) + "\n"


def _pattern(loc: tuple) -> tuple:
    return tuple("#" if isinstance(p, int) else p for p in loc)


def _with_hint(line: str, loc: tuple) -> str:
    hint = _HINTS.get(_pattern(loc))
    if hint is None:
        return line
    return line + " " * max(2, _COMMENT_COLUMN - len(line)) + f"# {hint}"


def _emit(lines: list[str], key: str, value: Any, indent: int, loc: tuple, *, lead: str = "") -> None:
    """``key: value`` at ``indent``; ``lead`` replaces the indent's last two spaces (``- ``)."""
    pad = " " * indent
    head = (pad[:-2] + lead if lead else pad) + f"{key}:"
    if isinstance(value, dict):
        lines.append(head)
        _emit_map(lines, value, indent + 2, loc)
    elif isinstance(value, list):
        lines.append(head)
        for i, item in enumerate(value):
            if isinstance(item, dict):
                _emit_map(lines, item, indent + 4, loc + (i,), lead="- ")
            else:
                lines.append(_with_hint(f"{pad}  - {scalar(item)}", loc + (i,)))
    else:
        lines.append(_with_hint(f"{head} {scalar(value, key)}", loc))


def _emit_map(lines: list[str], value: dict, indent: int, loc: tuple, *, lead: str = "") -> None:
    for n, (key, item) in enumerate(value.items()):
        _emit(lines, key, item, indent, loc + (key,), lead=lead if n == 0 else "")
