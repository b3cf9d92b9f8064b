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
from .kinds.base import STAGE_LABELS
from .kinds.engagement import EXCLUSIONS
from .output import make_private_dirs, slug, write_atomic
from .rules import load_rules

STAGES = tuple(STAGE_LABELS)
FILL_IN = "# FILL IN"
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
    kinds: tuple[str, ...] | list[str] = tuple(KINDS),
) -> str:
    """A commented YAML case file; ``None`` essentials become ``FILL IN`` placeholders."""
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
        *_wrapped("#                                 ", ", ".join(rules.offenses)),
        "#    counts: 2                     # optional, default 1",
        "#  - statute: \"Cal. Penal Code § 311.11(a)\"   # or a charge the library does not know",
        "#    title: Possession of matter depicting a minor engaged in sexual conduct",
    ]
    if "engagement" in kinds:
        lines += [
            "",
            "engagement:",
            "  fee:",
            "    type: flat                    # flat | hourly",
            f"    amount: \"\"{fill}: the flat fee, e.g. 25000",
            "    # for an hourly fee: type: hourly, delete amount, and give",
            "    # rate: 450",
            "    # retainer: 10000",
            "  # costs_deposit: 5000           # optional: experts, forensic examination",
            "  # excluded: [appeal, forfeiture] # optional; default: all of",
            *_wrapped("  #                               ", ", ".join(EXCLUSIONS)),
        ]
    if "preservation" in kinds:
        lines += [
            "",
            "preservation:                     # one letter per recipient; copy the entry for more",
            "  - recipient:",
            f"      name: \"\"{fill}: who holds the records, e.g. Sierra Cable Communications, LLC",
            "      kind: isp                   # isp | agency | prosecutor | third-party",
            "      # attention: Legal Response Center",
            f"      address: []{fill}: postal address, one line per item",
            "      # email: legal@example.net",
            "    # account: \"8835-1120\"",
            "    period:",
            f"      from: \"\"{fill}: first day of the period, e.g. 2026-08-01",
            f"      to: \"\"{fill}: last day of the period, e.g. 2026-10-31",
            "    # observations:               # optional; IPv4 or IPv6; times in any zone",
            "    #   - {ip: 203.0.113.45, port: 51413, at: \"2026-09-14 03:22:10 -07:00\", software: BitTorrent}",
            "    #   - {ip: \"2001:db8::45\", port: 6881, at: \"2026-10-03T18:40:00Z\"}",
            "    # items: [ip-assignment-logs]  # optional; default: the catalogue's items for the kind:",
            *_wrapped("    #                               ", ", ".join(rules.preservation)),
            "    # respond_within_days: 10",
        ]
    if "advisory" in kinds:
        known = sorted(rules.registration)
        lines.append("")
        if jurisdiction is not None and jurisdiction not in rules.registration:
            lines += [
                "advisory:",
                f"  state: \"\"{fill}: the state whose registration rules apply ({', '.join(known)}); "
                f"there are none for {jurisdiction} yet",
            ]
        else:
            lines += [
                "# advisory:",
                f"#   state: CA                     # optional: where the client lives ({', '.join(known)}); "
                "default: matter.jurisdiction",
            ]
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


def _wrapped(prefix: str, text: str, width: int = 96) -> list[str]:
    out, line = [], ""
    for word in text.split(" "):
        if line and len(prefix) + len(line) + len(word) + 1 > width:
            out.append(prefix + line.rstrip())
            line = ""
        line += word + " "
    return out + [prefix + line.rstrip()] if line else out


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
