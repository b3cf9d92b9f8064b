"""What the registration advisory says: its sections, fitted to the matter.

The wording around the law lives here; the law itself comes from the rule data, fact by
fact. Each fact used is checked: one that is missing or rests only on a secondary source
is a ``Gap``. A client-ready letter has none (the advisory kind refuses it); a draft
prints the fact marked for the attorney's review.

Fitted to the matter: the jurisdiction decides which law is set out (supervised release
and federal money consequences only in federal matters), the stage decides the tense
("you would" before a conviction, "you will" after it), and the charges decide the
summary rows and whether money consequences apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .authorities import code_of, mentioned, names_a_section, ordered, split
from .environment import Record, record
from .jurisdictions import name_of
from .rule_models import FACT_TITLES, Absent, Fact, Jurisdiction, Level, Offense, Sourced
from .rules import Gap, RuleBook

STATE_FACTS = ("duration_rules", "initial_registration", "change_reporting", "verification",
               "moving_and_visiting", "restrictions", "public_registry", "relief", "failure_to_register")
FEDERAL_FACTS = ("initial_registration", "change_reporting", "verification", "relief",
                 "public_registry", "failure_to_register")
# Extra facts enrich a letter where the statute backs them (a draft also shows secondary ones,
# marked); the letter does not depend on them, so they never make it a draft by themselves.
FEDERAL_EXTRAS = ("custody-time", "internet-identifiers")
TRAVEL_EXTRAS = ("international-travel-reporting", "passport")
# Chapter 110 offenses (18 U.S.C. §§ 2251-2260A) carry the § 2259 / § 2259A / § 3014 money consequences.
_CHAPTER_110 = re.compile(r"^18 U\.S\.C\. § 22(5[1-9]|60)")


@dataclass(frozen=True)
class Charge:
    index: int
    statute: str
    title: str
    counts: int
    grade: str | None
    offense: Offense | None
    line: int  # where the charge is in the case file


@dataclass
class Advice:
    rows: list[Record] = field(default_factory=list)
    sections: list[Record] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    show_federal: bool = False
    show_state: bool = False


def residence_gaps(book: RuleBook, code: str) -> list[Gap]:
    """What keeps every advisory for a resident of ``code`` a draft, whatever the charges:
    the state's facts and levels (and how it treats a federal or another state's conviction,
    which a federal charge needs), and the federal facts every letter states."""
    if code == "US":
        found = book.gaps("US", ("classification", "moving_and_visiting") + FEDERAL_FACTS)
    else:
        found = book.gaps(code, ("classification", "out_of_state")
                          + tuple(f for f in STATE_FACTS if f != "duration_rules"))
        found += book.gaps("US", ("moving_and_visiting",), levels=False)
    return found


def statute_offenses(book: RuleBook, code: str) -> list[str]:
    """The offenses of ``code`` a client-ready letter can charge: each read in the statute, with
    its penalty and its level (a charge under any other keeps the letter a draft)."""
    return [off.id for off in book.jurisdiction(code).offenses
            if off.basis == "statute" and off.penalty and off.level is not None and not isinstance(off.level, Absent)]


def title_name(code: str) -> str:
    name = name_of(code)
    return name[4:] if name.startswith("the ") else name


class Composer:
    """Builds the advisory for one case; collects every citation and every gap."""

    def __init__(self, book: RuleBook, *, stage: str, matter_code: str, state_code: str, draft: bool,
                 case_file: Path) -> None:
        self.book, self.stage, self.draft, self.case_file = book, stage, draft, case_file
        self.matter_code = matter_code
        self.federal = book.jurisdiction("US")
        self.state = None if state_code == "US" else book.jurisdiction(state_code)
        self.convicted = stage == "convicted"
        self.advice = Advice(show_federal=matter_code == "US", show_state=self.state is not None)
        self.citations: list[str] = []
        self._home: dict[str, tuple[str, ...]] = {}

    # -- facts ------------------------------------------------------------------------
    def review(self, code: str, value: Any, *path: Any, note: str = "") -> str | None:
        """Records the value's citation and gap; the mark a draft prints (None: statute law)."""
        gap = self.book.gap(code, value, *path, note=note)
        if isinstance(value, Sourced):  # a fact, level, offense or equivalent
            self.citations.append(value.citation)
            # and the sections its words name ("as defined in 34 U.S.C. § 21503(f)")
            self.mentions(value.printed_words(), value.read_with(), code)
        if gap is None:
            return None
        if gap not in self.advice.gaps:
            self.advice.gaps.append(gap)
        why = "not in the rule data" if gap.reason == "missing" else "secondary source only"
        return f"[ATTORNEY REVIEW: {why} \u2014 {gap.file.name}:{gap.line}]"

    def fact(self, juris: Jurisdiction, name: str, *, label: str | None = None) -> Record | None:
        """A paragraph stating one fact of ``juris`` (a named fact, or an extra by id), with
        its citation."""
        extra = name not in type(juris.facts).model_fields
        if extra:
            value = juris.facts.extra_fact(name)
            path = ("facts", "extra", next((i for i, f in enumerate(juris.facts.extra) if f.id == name), 0))
        else:
            value, path = getattr(juris.facts, name), ("facts", name)
        if value is None and (extra or name in ("duration_rules", "out_of_state")):
            return None  # optional facts: nothing to say
        if extra and value.basis != "statute" and not self.draft:
            return None  # an extra the statute does not back stays out of a client-ready letter
        review = self.review(juris.code, value if value is not None else Absent(missing="not in the rule data"),
                              *path, note=name if extra else "")
        if label is None and isinstance(value, Fact) and value.title:
            label = value.title
        elif label is None:
            label = FACT_TITLES.get(name)
        if isinstance(value, Fact):
            return _paragraph(label, value.text, value.citation, review)
        return _paragraph(label, "", None, review)

    def plain(self, label: str | None, text: str, citation: str | None = None) -> Record:
        if citation:
            self.citations.append(citation)
        self.mentions(text, citation or "")
        return _paragraph(label, text, citation, None)

    def mentions(self, text: str, citation: str, code: str | None = None) -> None:
        """A section the text names in passing is an authority the letter cites too."""
        if names_a_section(text):
            self.citations.extend(mentioned(text, citation, self._codes(code) if code else ()))

    def _codes(self, code: str) -> tuple[str, ...]:
        """The codes ``code``'s offenses are cited in: "Penal Code" in a Texas fact is "Tex. Penal Code"."""
        if code not in self._home:
            self._home[code] = tuple(dict.fromkeys(
                c for o in self.book.jurisdiction(code).offenses for c in map(code_of, split(o.statute)) if c))
        return self._home[code]

    # -- tiers and levels ------------------------------------------------------------
    def level_cell(self, juris: Jurisdiction, level: Level) -> str:
        review = self.review(juris.code, level, "levels", juris.levels.index(level))
        cell = f"{level.label}: registration {_duration(level)}; verification {level.verification}"
        return cell + (f" {review}" if review else "")

    def level_rows(self, juris: Jurisdiction) -> list[Record]:
        rows = []
        for i, level in enumerate(juris.levels):
            review = self.review(juris.code, level, "levels", i)
            rows.append(record("level", label=level.label, duration=_capital(_duration(level)),
                               verification=_capital(level.verification) + (f" {review}" if review else "")))
        return rows

    def equivalent(self, juris: Jurisdiction, off: Offense):
        """How ``juris``'s own statute places another jurisdiction's offense, where the letter may
        say it (read in the statute, or a draft); None: by the out-of-state paragraph."""
        eq = next((e for e in juris.equivalents if e.offense == off.id), None)
        return eq if eq is not None and (eq.basis == "statute" or self.draft) else None

    def placement(self, juris: Jurisdiction, charge: Charge) -> str:
        """What ``juris`` does with this charge: its tier or level, in words."""
        off = charge.offense
        if off.jurisdiction == juris.code:
            at = next((i for i, o in enumerate(juris.offenses) if o.id == off.id), None)
            path = ("offenses", at, "level") if at is not None else ("offenses",)  # a firm's offenses.yaml
            return self._ref_words(juris, off.level, path, charge)
        eq = self.equivalent(juris, off)
        if eq is not None:
            at = ("equivalents", juris.equivalents.index(eq))
            review = self.review(juris.code, eq, *at)
            words = self._ref_words(juris, eq.level, at + ("level",), charge)
            return words + (f" {review}" if review else "")
        review = self.review(juris.code, juris.facts.out_of_state or Absent(missing="not in the rule data"),
                              "facts", "out_of_state")
        words = (f"Decided by how {name_of(juris.code)} treats a conviction from another jurisdiction "
                 f"(see \u201c{FACT_TITLES['out_of_state']}\u201d below)")
        return words + (f" {review}" if review else "")

    def _ref_words(self, juris: Jurisdiction, ref: Any, path: tuple, charge: Charge) -> str:
        if ref is None or isinstance(ref, Absent):
            return self.review(juris.code, ref or Absent(missing="the offense's level is not given"), *path) or ""
        if ref == "none":
            words = f"Not fixed by the offense (see \u201c{FACT_TITLES['classification']}\u201d below)"
            durations = {_duration(level) for level in juris.levels}
            # Georgia: every level is for life (a shared fixed period may still have lifetime
            # exceptions outside the levels, as Massachusetts's 20 years does: not said here)
            if len(juris.levels) > 1 and len(durations) == 1 and all(lv.duration_years is None for lv in juris.levels):
                marks = [m for i, level in enumerate(juris.levels)
                         if (m := self.review(juris.code, level, "levels", i))]
                words += f"; registration lasts {durations.pop()} at every level"
                words += f" {marks[0]}" if marks else ""
            return words
        if isinstance(ref, dict):
            if charge.grade in ref:
                return f"As a {charge.grade}: " + self.level_cell(juris, juris.level(ref[charge.grade]))
            return "\n".join(f"If the conviction is a {grade}: " + self.level_cell(juris, juris.level(lid))
                             for grade, lid in sorted(ref.items()))
        if isinstance(ref, list):  # a fact of the case decides: every outcome, in the data's order
            for case in ref:
                self.mentions(case.when, "", juris.code)  # "an earlier conviction listed in § 7-19-302(g)"
            return "\n".join(f"If {case.when}: " + self._ref_words(juris, case.level, path, charge) for case in ref)
        return self.level_cell(juris, juris.level(ref))

    def charge_gap(self, charge: Charge, why: str) -> str:
        gap = Gap(self.matter_code, f"charges[{charge.index}]", "missing", self.case_file, charge.line, why)
        self.advice.gaps.append(gap)
        return f"[ATTORNEY REVIEW: {why}]"

    def cite(self, citation: str | None) -> None:
        if citation:
            self.citations.append(citation)

    def finish(self) -> Advice:
        self.advice.authorities = ordered(self.citations)
        return self.advice


def _paragraph(label, text, citation, review) -> Record:
    return record("paragraph", label=label, text=text, citation=citation, review=review)


def _duration(level: Level) -> str:
    """``for 15 years``, ``at least 10 years``, ``for life``, ``for life unless a court ends it;
    a petition may be filed after 5 years``: the level's own words, never cut to ``life``."""
    text = level.duration.strip()
    return text if text.lower().startswith(("at least", "for", "until")) else f"for {text}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_chapter_110(offense: Offense | None) -> bool:
    return offense is not None and offense.jurisdiction == "US" and bool(_CHAPTER_110.match(offense.statute))
