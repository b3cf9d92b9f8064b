"""Recognise a free-form charge's statute as an offense of the library.

``"18 U.S.C. § 2252A(a)(5)(B)"`` is ``us-2252a-possession``; ``"Cal. Penal Code §
311.11(a)"`` is ``ca-pc-311.11-possession``. A statute matches an offense of the same
jurisdiction whose section is the same and whose subsection, if it names one, begins the
charge's. Where several offenses share the section (§ 2252A(a)(2) is receipt *or*
distribution), the charge's title decides, or it stays unrecognised.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from .rule_models import Offense

_NUMBER = r"(?P<num>[0-9][0-9A-Za-z.\-:/]*?)(?P<sub>(\([0-9A-Za-z]+(?:-[0-9]+)?\))*)\s*(?:$|[,;\s])"
_SECTION = re.compile(r"§§?\s*" + _NUMBER)
# The forms that cite without a section sign: "RCW 9.68A.070", "720 ILCS 5/11-20.1",
# "N.J.S.A. 2C:24-4(b)(5)(b)", "18 U.S.C. 2252A": the code's name ends in a letter, a point
# or a bracket, and the section number follows it.
_UNSIGNED = re.compile(r"^(?P<code>.*?[A-Za-z.)])\s+" + _NUMBER)


@functools.lru_cache(maxsize=4096)  # every offense's statute is parsed for every free-form charge
def parse(statute: str) -> tuple[str, str, str] | None:
    """``(code, section, subsections)``: ``("18 U.S.C.", "2252a", "(a)(5)(b)")``."""
    m = _SECTION.search(statute + " ")
    if m is not None:
        code = statute[: m.start()]
    else:
        m = _UNSIGNED.search(statute.strip() + " ")
        if m is None:
            return None
        code = m.group("code")
    return re.sub(r"\s+", " ", code).strip().lower(), m.group("num").rstrip(".").lower(), m.group("sub").lower()


@functools.lru_cache(maxsize=4096)
def sections(statute: str) -> tuple[tuple[str, str, str], ...]:
    """Every section a statute names, each as ``parse`` gives it: ``"Conn. Gen. Stat. §§
    53a-196d, 53a-196e"`` is two (an offense record may cover several sections)."""
    first = parse(statute)
    if first is None:
        return ()
    out = [first]
    m = re.search(r"§§\s*", statute)
    if m is not None:
        for piece in re.split(r",\s*|\s+and\s+|\s+or\s+", statute[m.end():])[1:]:
            more = re.match(_NUMBER, piece.strip() + " ")
            if more is not None and more.group("num")[0].isdigit():
                out.append((first[0], more.group("num").rstrip(".").lower(), more.group("sub").lower()))
    return tuple(out)


def _federal(code: str) -> bool:
    """A parsed code is the U.S. Code (``"18 u.s.c."``)."""
    return "u.s.c" in code


# Codes with two names in common use: the one their own courts use, and the Bluebook's.
_SAME_CODE = {"washrevcode": "rcw", "washrevcodeann": "rcw"}


def _family(code: str) -> str:
    """A code's identity, ignoring punctuation and the usual abbreviations' variants."""
    code = re.sub(r"[^a-z0-9]", "", code.lower())
    code = _SAME_CODE.get(code, code)
    return code.replace("annotated", "").replace("ann", "").replace("stat", "s")


def offenses_for(book, statute: str, jurisdiction: str | None) -> Mapping[str, Offense]:
    """The offenses of ``book`` (a ``RuleBook``) that ``statute`` could name, without reading
    jurisdictions it cannot: in a state matter that state's and the federal ones; a U.S.
    Code citation, the federal ones; a state's code cited in a federal matter, every one."""
    if jurisdiction is not None:
        return book.offenses_of("US", jurisdiction)
    given = parse(statute)
    return book.offenses_of("US") if given is not None and _federal(given[0]) else book.offenses


def matches(statute: str, jurisdiction: str | None, offenses: Mapping[str, Offense], *,
            title: str = "") -> list[Offense]:
    """Library offenses this statute names (best first); empty when none or several fit."""
    given = parse(statute)
    if given is None:
        return []
    code, section, sub = given
    federal = _federal(code)
    found = []
    for off in offenses.values():
        if (off.jurisdiction == "US") != federal or (not federal and jurisdiction and off.jurisdiction != jurisdiction):
            continue
        theirs = next((t for t in sections(off.statute) if t[1] == section), None)
        if theirs is None:
            continue
        if federal and theirs[0].split()[0] != code.split()[0]:
            continue  # another title of the U.S. Code
        if not federal and _family(theirs[0]) != _family(code) and jurisdiction is None:
            continue
        if sub and theirs[2] and not sub.startswith(theirs[2]):
            continue
        found.append(off)
    if len(found) > 1 and title:
        words = set(re.findall(r"[a-z]+", title.lower()))
        narrowed = [o for o in found if set(re.findall(r"[a-z]+", o.title.lower())) & words - _COMMON]
        if len(narrowed) == 1:
            return narrowed
    return found if len(found) == 1 else []


def candidates(statute: str, jurisdiction: str | None, offenses: Mapping[str, Offense]) -> list[Offense]:
    """Every offense sharing the statute's section (for a suggestion when none is certain)."""
    given = parse(statute)
    if given is None:
        return []
    return [o for o in offenses.values()
            if any(p[1] == given[1] for p in sections(o.statute)) and (o.jurisdiction == "US") == _federal(given[0])]


_COMMON = {"of", "a", "the", "minor", "child", "children", "pornography", "material", "matter", "involving",
           "sexual", "by", "or", "and", "to", "in", "for", "with"}
