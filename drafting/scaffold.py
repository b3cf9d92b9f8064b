"""A new, commented case file (``drafting new``): the essentials filled in, everything else
shown as commented examples, and each field the case still needs marked ``FILL IN``.

A ``FILL IN`` placeholder is a value that fails validation (``""``, ``[]``), never
plausible text, so ``drafting check`` keeps refusing the file until each is replaced —
a placeholder can never reach a letter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import CaseFileError, OutputError
from .jurisdictions import NAMES
from .kinds import KINDS
from .kinds.base import FILL_IN, STAGE_LABELS, wrapped
from .naming import slug
from .output import make_private_dirs, write_atomic
from .rules import load_rules

STAGES = tuple(STAGE_LABELS)
_CONTROL = re.compile("[\x00-\x1f\x7f]")


# ---------------------------------------------------------------- the answers


def client_name(value: str) -> str:
    """The client's name as letters should print it."""
    return _text(value, "the client's name")


def matter_id(value: str) -> str:
    """The firm's matter number; it names the output files, so it needs letters or digits."""
    text = _text(value, "the matter id")
    try:
        slug(text, what="matter id")
    except CaseFileError as exc:
        raise ValueError(exc.message) from None
    return text


def jurisdiction(value: str) -> str:
    """A two-letter state code, or US for a federal matter."""
    code = value.strip().upper()
    if code not in NAMES:
        raise ValueError(f"unknown jurisdiction {value.strip()!r}; use a two-letter state code "
                         "(CA, NY, TX, FL …) or US for a federal matter")
    return code


def stage(value: str) -> str:
    """investigation, charged or convicted."""
    text = value.strip().lower()
    if text not in STAGES:
        raise ValueError(f"unknown stage {value.strip()!r}; use one of: {', '.join(STAGES)}")
    return text


def kinds(value: str) -> tuple[str, ...]:
    """Kinds wanted, separated by commas or spaces; returned in the usual order."""
    wanted = [k for k in re.split(r"[\s,]+", value.strip().lower()) if k]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown or not wanted:
        problem = f"unknown kind {unknown[0]!r}" if unknown else "name at least one kind"
        raise ValueError(f"{problem}; choose from: {', '.join(KINDS)}")
    return tuple(k for k in KINDS if k in wanted)


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError(f"{what} must not be empty")
    if _CONTROL.search(text):
        raise ValueError(f"{what} contains a control character")
    return text


# ---------------------------------------------------------------- the file


def case_skeleton(
    client_name: str | None,
    matter_id: str | None,
    jurisdiction: str | None,
    stage: str = "investigation",
    kinds: tuple[str, ...] | list[str] | None = None,
) -> str:
    """A commented YAML case file, with a section for each of ``kinds`` (default: every kind);
    ``None`` essentials become ``FILL IN`` placeholders."""
    kinds = tuple(KINDS) if kinds is None else kinds
    rules = load_rules()
    fill = f"  {FILL_IN}"
    lines = [
        "# A case file for `drafting` (docs: `drafting kinds`, docs/CONTEXT.md).",
        f"# Replace every value marked {FILL_IN[2:]} (they are left empty on purpose, so that",
        "# `drafting check` refuses the file until they are given), uncomment what applies,",
        "# then run `drafting check` on this file.",
        "",
        "# date: 2026-11-28               # optional letter date; default: --date, else today",
        "",
        "matter:",
        _field("id", matter_id, "the firm's matter number, e.g. 2026-0142", indent=2),
        _field("jurisdiction", jurisdiction, "two-letter state code (CA, NY, TX, FL …), or US for federal",
               indent=2, comment="two-letter state code, or US for a federal matter"),
        f"  stage: {stage}" + " " * max(1, 25 - len(stage)) + "# investigation | charged | convicted",
        "  # attorney: mharper             # optional; default: the firm's first attorney (ids: firm.yaml)",
        "  # court: Superior Court of California, County of Sacramento",
        "  # case_number: 26FE012345",
        "  # agency: Sacramento Valley ICAC Task Force",
        "",
        "client:",
        _field("name", client_name, "the client's full name", indent=2),
        "  # salutation: Mr. Ortiz          # optional; default: the full name, as in \"Dear …:\"",
        f"  address: []{fill}: postal address, one line per item, e.g. [\"1819 Alder Way\", \"Sacramento, CA 95818\"]",
        "  # email: client@example.com",
        "",
        "charges: []                       # zero or more; replace [] with entries like these:",
        "#  - offense: us-2252a-possession  # an id from the offense library:",
        *wrapped("#                                 ", ", ".join(rules.offenses)),
        "#    counts: 2                     # optional, default 1",
        "#  - statute: \"Cal. Penal Code § 311.11(a)\"   # or a charge the library does not know",
        "#    title: Possession of matter depicting a minor engaged in sexual conduct",
    ]
    for kind in KINDS.values():
        if kind.name in kinds and kind.skeleton is not None:
            lines += ["", *kind.skeleton(rules, jurisdiction)]
    return "\n".join(_align(line) for line in lines) + "\n"


def _align(line: str, column: int = 34) -> str:
    # Only placeholder lines: they hold no user text, so moving their comment is safe.
    head, sep, tail = line.partition(f"  {FILL_IN}")
    if not sep:
        return line
    return head + " " * max(2, column - len(head)) + FILL_IN + tail


def _field(key: str, value: str | None, hint: str, *, indent: int, comment: str = "") -> str:
    pad = " " * indent
    if value is None:
        return f'{pad}{key}: ""  {FILL_IN}: {hint}'
    line = f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}"
    return line + (" " * max(1, 34 - len(line)) + f"# {comment}" if comment else "")


def fill_in_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, key)`` of each value still marked ``FILL IN``."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(?:- )?([\w]+):", line)
        if FILL_IN in line and m and not line.lstrip().startswith("#"):
            out.append((number, m.group(1)))
    return out


def write_case_file(path: str | Path, text: str) -> Path:
    """Write a new case file whole, owner-only; an existing file is never replaced."""
    path = Path(path)
    try:
        make_private_dirs(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot create the folder ({exc.strerror})", file=path.parent) from exc
    write_atomic(path, text.encode("utf-8"), force=False)
    return path
