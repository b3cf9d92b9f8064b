"""The "Authorities relied on" list: every authority a letter cites, once, in legal order.

Citations in the rule data may hold several authorities ("34 U.S.C. §§ 20915, 20918;
28 C.F.R. § 72.7", "Tex. Code Crim. Proc. arts. 62.101(a), 62.058", "RCW 9A.44.130(1),
9A.44.140"); they are split into one authority per section, subsections folded into their
section. A section a fact's text names in passing ("as defined in 34 U.S.C. § 21503(f)")
is an authority too (``mentioned``). The list is sorted: constitution, U.S. Code (by title,
then section), C.F.R., federal rules, state codes (by state, then code, then section), state
regulations, then cases.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

# An authority: its code, the sign ("§", "§§", "art.", "arts.", or none: "RCW 9A.44.130",
# "720 ILCS 5/11-20.1", "N.J.S.A. 2C:7-2", "28 C.F.R. Part 72") and the sections after it.
_SIGNED = re.compile(r"^(?P<code>.*?)\s*(?P<sign>§§?|\barts?\.)\s*(?P<rest>[0-9].*)$")
_UNSIGNED = re.compile(r"^(?P<code>(?:\d+\s+)?[A-Z][A-Za-z.']*(?:\s+[A-Z][A-Za-z.']*)*)(?P<sign>)\s+(?P<rest>[0-9].*)$")
# a section number, with the fraction Massachusetts writes after some ("M.G.L. c. 6, § 178F 1/2")
_SECTION_NUMBER = re.compile(r"^\s*(?P<num>[0-9][0-9A-Za-z.\-:/]*(?:\s[13]/[24](?![0-9]))?)")
_USC = re.compile(r"^(\d+)\s+U\.S\.C\.$")
_CFR = re.compile(r"^(\d+)\s+C\.F\.R\.(?:\s+Part)?")
_CASE = re.compile(r"\bv\.\s|^In re\b|^Matter of\b|^People\b|^State\b")
_CONSTITUTION = re.compile(r"Const\.|Amendment", re.IGNORECASE)
_STATE_RULE = re.compile(r"Code Regs\.|Admin\. Code|Admin\. R\.|\bC\.C\.R\.|\bN\.A\.C\.|Regs\.|\bCMR\b",
                         re.IGNORECASE)
# A range of sections within one chapter (Tex. Penal Code §§ 12.32-12.34, MCL 28.733-28.736,
# M.G.L. c. 6, §§ 178C-178Q), told from a hyphenated section number (Va. Code § 18.2-374.1,
# N.D.C.C. § 12.1-27.2) by the chapter both ends share.
_RANGE = re.compile(r"(\d+)(?:\.\d+|[A-Z]+)-\1(?:\.\d+|[A-Z]+)")
# codes their own courts cite without a section sign
_UNSIGNED_CODES = r"RCW|N\.J\.S\.A\.|\d+\s+ILCS"
_CITED_UNSIGNED = re.compile(rf"^(?:{_UNSIGNED_CODES})$")
_TO_RANGE = re.compile(r"^\s*([0-9][0-9A-Za-z.\-:]*)(?:\([^)]*\))*\s+to\s+([0-9][0-9A-Za-z.\-:]*)(?:\([^)]*\))*\s*$")
_BARE_SECTION = re.compile(r"^[0-9][0-9A-Za-z.\-:/]*(?:\(|,|$)")  # "943.04354(3)", not "28 C.F.R. § 72.7"
_PLURAL = {"§": "§§", "art.": "arts.", "": ""}


def _plain_range(number: str) -> bool:
    """``5401-5416``: two section numbers of one length, ascending (``13-3821`` is one section)."""
    m = re.fullmatch(r"(\d+)-(\d+)", number)
    return m is not None and len(m.group(1)) == len(m.group(2)) and int(m.group(1)) < int(m.group(2))


def _parts(authority: str) -> re.Match | None:
    """The code, sign and sections of one authority (None: a case, or no section number)."""
    if _CASE.search(authority):
        return None
    return _SIGNED.match(authority) or _UNSIGNED.match(authority)


def _pieces(citation: str) -> list[str]:
    """``citation`` cut at each ";" outside brackets."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(citation):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            out.append(citation[start:i])
            start = i + 1
    out.append(citation[start:])
    return [p.strip() for p in out if p.strip()]


@functools.lru_cache(maxsize=4096)  # the rule data repeats its citations in every letter
def split(citation: str) -> tuple[str, ...]:
    """``"34 U.S.C. §§ 20915(a), 20918; 28 C.F.R. Part 72"`` -> one authority per section."""
    out: list[str] = []
    last, last_sign = "", "§"  # "Fla. Stat. § 775.21(2); § 943.0435(1)" or "...; 943.0435(1)": a part
    for part in _pieces(citation):  # without a code is in the code before it
        if last and _BARE_SECTION.match(part):
            part = f"{last} {last_sign} {part}"
        m = _parts(part)
        if m is None:
            out.append(part)
            continue
        code, sign = m.group("code").strip() or last, m.group("sign")
        sign = "art." if sign.startswith("art") else sign[:1]  # one section each: "§", "art." or none
        if sign == "§" and _CITED_UNSIGNED.search(code):
            sign = ""  # "N.J.S.A. § 2C:7-2" is "N.J.S.A. 2C:7-2", as New Jersey cites it
        last, last_sign = code, sign or ""
        pieces = re.split(r",\s*|\s+and\s+", m.group("rest"))
        for n, piece in enumerate(pieces):
            if n and _subdivision_of(pieces[0], piece):
                continue  # "§ 301.45(3)(b)1., 1m.": a subdivision, not a section 1m
            spanned = _TO_RANGE.match(piece)  # "§§ 54-250 to 54-261": a run of sections, one authority
            if spanned:
                out.append(f"{code} {_PLURAL[sign]} {_fold(spanned.group(1))} to {_fold(spanned.group(2))}".strip())
                continue
            num = _SECTION_NUMBER.match(piece)
            if num:
                number = _fold(num.group("num"))
                # 12.32-12.34 is three sections; so is "§§ 5401-5416" where the citation says so
                ranged = _RANGE.fullmatch(number) or (m.group("sign") == "§§" and len(pieces) == 1
                                                      and _plain_range(number))
                shown = _PLURAL[sign] if ranged else sign
                out.append(f"{code} {shown} {number}".replace("  ", " ").strip())
    return tuple(out)


# A section a sentence names in passing ("a sex offender as defined in 34 U.S.C. § 21503(f)",
# "a felony conviction under § 311.1"): the code written before the sign, else the code of the
# section named before it in the same sentence ("18 U.S.C. § 2251, § 2251A or § 2252"), else
# the code of the fact's own citation.
_NUM = r"[0-9](?:[0-9A-Za-z.\-:]*[0-9A-Za-z])?(?:\([0-9A-Za-z]+\))*"  # never the full stop after it
_MENTION = re.compile(r"(?:§§?|\barts?\.)\s*" + _NUM + r"(?:(?:,\s*|,?\s+(?:and|or)\s+)" + _NUM + r")*")
_CODE_BEFORE = re.compile(r"(?:\b\d+\s+U\.S\.C\.|\b\d+\s+C\.F\.R\.|O\.C\.G\.A\.|NMSA 1978,|"
                          r"\bM\.G\.L\.\s+c\.\s*\d+[A-Z]*,|"
                          r"\b(?:[A-Z][A-Za-z]*\.?\s+){0,3}(?:Code|Law|Stat\.(?:\s+Ann\.)?|Rev\.\s+Stat\.))\s*$")
_NEW_SENTENCE = re.compile(r"[.;:]\s+[A-Z(]")
# A code cited without a sign names itself ("RCW 36.28A.230", "730 ILCS 150/3", "N.J.S.A. 2C:7-2").
_UNSIGNED_MENTION = re.compile(rf"\b(?:{_UNSIGNED_CODES})\s+[0-9](?:[0-9A-Za-z.\-:/]*[0-9A-Za-z])?"
                               r"(?:\([0-9A-Za-z]+\))*")


# "Title 21, § 843.5", "chapter 276, § 100A": a title or chapter named before the sign, and the
# title or chapter part of a code ("Okla. Stat. tit. 57", "M.G.L. c. 6")
_PART_BEFORE = re.compile(r"\b(?:[Tt]itle|tit\.|[Cc]hapter|ch\.)\s+(\d+[A-Z]?),?\s*$")
_PART_OF_CODE = re.compile(r"\b(tit\.|c\.|ch\.)\s*\d+[A-Z]?")


def _first_items(mention: str) -> str:
    """A list of sections keeps only items shaped like its first: in "§ 301.45(3)(b)1., 1m." the
    "1m." is a subdivision, not a section 1m."""
    head, *rest = re.split(r"(,\s*|,?\s+(?:and|or)\s+)", mention)
    kept = [head]
    for sep, item in zip(rest[::2], rest[1::2], strict=True):
        if _subdivision_of(head, item):
            break
        kept += [sep, item]
    return "".join(kept)


# after a section numbered with a dot or hyphen, "1.", "1m.", "2t" are its subdivisions (Wisconsin)
_SUBDIVISION = re.compile(r"^\s*\d{1,2}[a-z]{0,2}\.?\s*$")


def _subdivision_of(first: str, item: str) -> bool:
    """Whether ``item``, listed after the section ``first``, is one of its subdivisions."""
    return bool(re.search(r"[0-9][.\-:][0-9]", first)) and _SUBDIVISION.match(item) is not None


def _in_part(code: str, part: re.Match) -> str:
    """``code`` with its title or chapter replaced by the one ``part`` names ("Okla. Stat. tit. 57"
    and "Title 21," -> "Okla. Stat. tit. 21"); empty when the code has no such part to replace."""
    marker = _PART_OF_CODE.search(code)
    if marker is None or not marker.group(1).startswith(part.group(0)[:1].lower()):
        return ""
    return code[:marker.start()] + f"{marker.group(1)} {part.group(1)}" + code[marker.end():]


def names_a_section(text: str) -> bool:
    """Whether ``text`` may name a section in passing (worth asking ``mentioned``)."""
    return "\u00a7" in text or "art." in text or _UNSIGNED_MENTION.search(text) is not None


@functools.lru_cache(maxsize=4096)
def code_of(authority: str) -> str:
    """``"Cal. Penal Code § 290"`` -> ``"Cal. Penal Code"`` (empty for a case)."""
    m = _parts(authority)
    return m.group("code").strip() if m is not None else ""


@functools.lru_cache(maxsize=4096)
def mentioned(text: str, citation: str = "", codes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The sections ``text`` names in passing, each as ``split`` gives it. A code the
    sentence shortens ("Penal Code") is the one of ``citation`` or ``codes`` (the
    jurisdiction's) it ends; a section named without a code is in ``citation``'s code."""
    known = [c for c in dict.fromkeys([code_of(a) for a in split(citation)] + list(codes)) if c]
    own = known[0] if known else ""
    out: list[str] = []
    code, end = "", 0
    for m in _MENTION.finditer(text):
        before = text[end:m.start()]
        named = _CODE_BEFORE.search(before)
        part = _PART_BEFORE.search(before) if named is None else None
        if part is not None:  # "Title 21, § 843.5": that title of the code, if it has titles
            code = _in_part(code or own, part)
        elif named is not None:
            code = named.group(0).strip()
            code = next((k for k in known if k.lower() == code.lower() or k.lower().endswith(" " + code.lower())),
                        code)
        elif not code or _NEW_SENTENCE.search(before):
            code = own
        end = m.end()
        if code:
            out.extend(split(f"{code} {_first_items(m.group(0))}"))
    for m in _UNSIGNED_MENTION.finditer(text):
        out.extend(split(m.group(0)))
    return tuple(out)


def _fold(number: str) -> str:
    """``2252A(b)(2)`` -> ``2252A``; ``290.012`` stays; ``13-3821`` stays."""
    return number.rstrip(".:-")


def _number_key(number: str, decimal: bool = True) -> tuple:
    """Sections sort as numbers; the digits after a dot as a decimal fraction (290.012 < 290.5)
    or, where the code counts on past 9 (``decimal`` False), as a whole number (311.2 < 311.10)."""
    out = []
    for token in re.findall(r"\.\d+|\d+|[A-Za-z]+", number):
        if token[0] == ".":
            out.append((0, float("0" + token) if decimal else float(token[1:]), ""))
        elif token.isdigit():
            out.append((0, float(token), ""))
        else:
            out.append((1, 0.0, token))
    return tuple(out)


@functools.lru_cache(maxsize=4096)  # asked twice for each authority a letter lists
def _group(authority: str) -> tuple[str, str, str] | None:
    """``(code, whole number, fraction)`` of a section numbered with a dot (290.012), else None."""
    m = _parts(authority)
    if m is None:
        return None
    found = re.match(r"\s*(?:art\.\s*)?([^.\s(]*)\.(\d+)", m.group("rest"))
    return (m.group("code").strip(), found.group(1), found.group(2)) if found else None


def _counted(authorities: Iterable[str]) -> set[tuple[str, str]]:
    """The (code, whole number) groups whose numbers after the dot count on past 9 rather than
    being decimal fractions: a fraction ending in 0 (Cal. Penal Code § 311.10, N.C. Gen. Stat.
    § 14-208.10) says so, unless one starting with 0 (290.012, 943.0435) says the opposite."""
    zero_end: set[tuple[str, str]] = set()
    zero_start: set[tuple[str, str]] = set()
    for authority in authorities:
        g = _group(authority)
        if g is not None:
            if g[2].endswith("0"):
                zero_end.add(g[:2])
            if g[2].startswith("0"):
                zero_start.add(g[:2])
    return zero_end - zero_start


@functools.lru_cache(maxsize=4096)
def _key(authority: str, counted: bool = False) -> tuple:
    if _CONSTITUTION.search(authority) and "§" not in authority:
        return (0, authority)
    m = _parts(authority)
    code = m.group("code").strip() if m else authority
    num = _number_key(m.group("rest"), decimal=not counted) if m else ()
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
    return (4, bool(_STATE_RULE.search(code)), _natural(code), num)  # a state's statutes, then its regulations


def _natural(code: str) -> tuple:
    """A code's name with its numbers as numbers: "M.G.L. c. 6" before "M.G.L. c. 123A" and "c. 272"."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", code) if t)


def ordered(citations: Iterable[str]) -> list[str]:
    """Every authority in ``citations``, once, in legal order."""
    seen: dict[str, None] = {}
    for citation in citations:
        for authority in split(citation):
            seen.setdefault(authority, None)
    counted = _counted(seen)
    return sorted(seen, key=lambda a: _key(a, (_group(a) or ("", "", ""))[:2] in counted))
