"""The "Authorities relied on" list: every authority a letter cites, once, in legal order.

Citations in the rule data may hold several authorities ("34 U.S.C. §§ 20915, 20918;
28 C.F.R. § 72.7"); they are split into one authority per section, subsections folded
into their section, and sorted: constitution, U.S. Code (by title, then section), C.F.R.,
federal rules, state codes (by state, then code, then section), state regulations, then
cases.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

_SECTIONS = re.compile(r"^(?P<code>.*?)\s*§§?\s*(?P<rest>.+)$")
_SECTION_NUMBER = re.compile(r"^\s*(?P<num>[0-9][0-9A-Za-z.\-:]*)")
_USC = re.compile(r"^(\d+)\s+U\.S\.C\.$")
_CFR = re.compile(r"^(\d+)\s+C\.F\.R\.(?:\s+Part)?")
_CASE = re.compile(r"\bv\.\s|^In re\b|^People\b|^State\b")
_CONSTITUTION = re.compile(r"Const\.|Amendment", re.IGNORECASE)
_STATE_RULE = re.compile(r"Code Regs\.|Admin\. Code|Admin\. R\.|\bC\.C\.R\.|\bN\.A\.C\.|Regs\.", re.IGNORECASE)
# A range of sections within one chapter (Tex. Penal Code §§ 12.32-12.34, MCL 28.733-28.736),
# told from a hyphenated section number (Va. Code § 18.2-374.1, N.D.C.C. § 12.1-27.2) by the
# chapter both ends share.
_RANGE = re.compile(r"(\d+)\.\d+-\1\.\d+")


@functools.lru_cache(maxsize=4096)  # the rule data repeats its citations in every letter
def split(citation: str) -> tuple[str, ...]:
    """``"34 U.S.C. §§ 20915(a), 20918; 28 C.F.R. Part 72"`` -> one authority per section."""
    out: list[str] = []
    for part in (p.strip() for p in citation.split(";")):
        if not part:
            continue
        m = _SECTIONS.match(part)
        if m is None or _CASE.search(part):
            out.append(part)
            continue
        code = m.group("code").strip()
        for piece in re.split(r",\s*|\s+and\s+", m.group("rest")):
            num = _SECTION_NUMBER.match(piece)
            if num:
                number = _fold(num.group("num"))
                sign = "§§" if _RANGE.fullmatch(number) else "§"  # 12.32-12.34 is three sections
                out.append(f"{code} {sign} {number}".strip())
    return tuple(out)



def _fold(number: str) -> str:
    """``2252A(b)(2)`` -> ``2252A``; ``290.012`` stays; ``13-3821`` stays."""
    return number.rstrip(".:-")


def _number_key(number: str) -> tuple:
    """Sections sort as numbers, digits after a dot as a decimal fraction (290.012 < 290.5)."""
    out = []
    for token in re.findall(r"\.\d+|\d+|[A-Za-z]+", number):
        if token[0] == ".":
            out.append((0, float("0" + token), ""))  # a decimal fraction: exact enough to order
        elif token.isdigit():
            out.append((0, float(token), ""))
        else:
            out.append((1, 0.0, token))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _key(authority: str) -> tuple:
    if _CONSTITUTION.search(authority) and "§" not in authority:
        return (0, authority)
    m = _SECTIONS.match(authority)
    code = m.group("code").strip() if m else authority
    num = _number_key(m.group("rest")) if m else ()
    usc = _USC.match(code)
    if usc:
        return (1, int(usc.group(1)), num)
    cfr = _CFR.match(authority)
    if cfr:
        return (2, int(cfr.group(1)), num, authority)
    if _CASE.search(authority):
        return (5, authority)
    if code.startswith(("Fed. R.", "Fed.R.")):
        return (3, code, num)
    return (4, bool(_STATE_RULE.search(code)), code, num)  # a state's statutes, then its regulations


def ordered(citations: Iterable[str]) -> list[str]:
    """Every authority in ``citations``, once, in legal order."""
    seen: dict[str, None] = {}
    for citation in citations:
        for authority in split(citation):
            seen.setdefault(authority, None)
    return sorted(seen, key=_key)
