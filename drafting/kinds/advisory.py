"""The client advisory on registration consequences (wording: ``drafting.advice``)."""

from __future__ import annotations

import re

from ..advice import (
    FEDERAL_EXTRAS,
    FEDERAL_FACTS,
    STATE_FACTS,
    TRAVEL_EXTRAS,
    Advice,
    Charge,
    Composer,
    is_chapter_110,
    title_name,
)
from ..context_schema import boolean, enum, list_of, rec, text
from ..environment import record
from ..errors import DraftRequired
from ..jurisdictions import NAMES, name_of
from ..rule_models import FACT_TITLES
from ..statutes import matches, offenses_for
from .base import FILL_IN, Inputs, Kind, Letter, charge_schema, common_context, common_schema

_IF = {
    "investigation": "If you were charged and convicted of an offense that requires registration",
    "charged": "If you were convicted of an offense that requires registration",
    "convicted": "Because of your conviction",
}
# 18 U.S.C. §§ 2251, 2251A, 2252, 2252A: the offenses "relating to child pornography"
_PORNOGRAPHY = re.compile(r"^18 U\.S\.C\. § 225[12]A?\b")
# A conviction the case lists no charge for: whether it requires registration is not known here.
_IF_NO_CHARGES = "If your conviction is for an offense that requires registration"


def build(inputs: Inputs) -> list[Letter]:
    advice = compose(inputs)
    if advice.gaps and not inputs.draft:
        raise DraftRequired(gaps=advice.gaps, case_file=inputs.loaded.path)
    case = inputs.loaded.case
    state_code = _state_code(inputs)[0]
    context = common_context(inputs, "advisory")
    context["draft"] = bool(advice.gaps)  # only with --draft: otherwise a letter with gaps is refused
    context["charges"] = advice.rows
    context["sections"] = advice.sections
    context["advisory"] = record(
        "advisory", state=state_code, state_name=name_of(state_code), state_title=title_name(state_code),
        show_federal=advice.show_federal, show_state=advice.show_state,
        intro=_intro(case.matter.stage, state_code, case.matter.jurisdiction),
    )
    context["authorities"] = advice.authorities
    return [Letter(suffix="advisory", context=context, title="Advisory on registration consequences")]


def compose(inputs: Inputs) -> Advice:
    """Every section of the advisory for this case, and every gap it leaves."""
    case = inputs.loaded.case
    state_code, where = _state_code(inputs)
    inputs.rules.jurisdiction(state_code, **where)  # an unknown state: an error naming the known ones
    c = Composer(inputs.rules, stage=case.matter.stage, matter_code=case.matter.jurisdiction,
                 state_code=state_code, draft=inputs.draft, case_file=inputs.loaded.path)
    charges = _charges(inputs)
    c.advice.rows = [_row(c, ch) for ch in charges]
    sections = c.advice.sections
    if c.state is not None:
        sections.append(_state_section(c, c.state, charges))
    if c.matter_code == "US":
        sections.append(_federal_section(c))
    else:
        sections.append(_federal_travel_section(c))
    other = _other_consequences(c, charges)
    if other is not None:
        sections.append(other)
    sections.append(_what_to_do(c))
    return c.finish()


def _state_code(inputs: Inputs):
    case = inputs.loaded.case
    if case.advisory is not None and case.advisory.state is not None:
        return case.advisory.state, inputs.loaded.where("advisory", "state")
    return case.matter.jurisdiction, inputs.loaded.where("matter", "jurisdiction")


def _charges(inputs: Inputs) -> list[Charge]:
    out = []
    book, case = inputs.rules, inputs.loaded.case
    for i, ch in enumerate(case.charges):
        line = inputs.loaded.where("charges", i)["line"] or 1
        if ch.offense:
            off = book.offense(ch.offense, **inputs.loaded.where("charges", i, "offense"))
        else:
            code = case.matter.jurisdiction if case.matter.jurisdiction != "US" else None
            found = matches(ch.statute, code, offenses_for(book, ch.statute, code), title=ch.title or "")
            off = found[0] if found else None
        statute = off.statute if off and ch.offense else ch.statute
        title = off.title if off and ch.offense else ch.title
        out.append(Charge(i, statute, title, ch.counts, ch.grade, off, line))
    return out


def _row(c: Composer, ch: Charge):
    """One line of the summary: the charge, its penalty, what each registration law makes of it."""
    off = ch.offense
    values = dict(statute=ch.statute, title=ch.title, counts=ch.counts, grade=ch.grade,
                  offense_id=off.id if off else None, known=off is not None)
    if off is None:
        mark = c.charge_gap(ch, f"the charge under {ch.statute} is not in the offense library; add it to the "
                                "firm's rules (offenses.yaml) to state its penalty and registration consequences")
        return record(f"charges[{ch.index}]", **values, penalty=mark, registration=mark)
    # the offense record itself (its penalty, its level) must rest on the statute too
    juris = c.book.jurisdiction(off.jurisdiction)
    at = next((i for i, o in enumerate(juris.offenses) if o.id == off.id), None)
    record_mark = c.review(off.jurisdiction, off, *(("offenses", at) if at is not None else ("offenses",)),
                            note=off.id)
    c.cite(off.statute)  # the statute charged is an authority (in the library's form, not as typed)
    if off.penalty:
        c.cite(off.penalty_citation)
        penalty = off.penalty + (f" {record_mark}" if record_mark else "")
    else:
        penalty = c.charge_gap(ch, f"the rule data gives no penalty for {off.id}")
    lines = []
    if c.advice.show_federal:
        lines.append("Federal: " + (c.placement(c.federal, ch) if off.jurisdiction == "US" else
                                    "follows the state conviction"))
    if c.state is not None:
        lines.append(f"{title_name(c.state.code)}: " + c.placement(c.state, ch))
    return record(f"charges[{ch.index}]", **values, penalty=penalty, registration="\n".join(lines))


def _lead(c: Composer, law: str, placed_by: str | None = None) -> str:
    """``placed_by``: the state whose treatment of another jurisdiction's conviction decides."""
    verb = "will" if c.convicted else "would"
    condition = _IF_NO_CHARGES if c.convicted and not c.advice.rows else _IF[c.stage]
    if placed_by is not None:
        see = f"(see \u201c{FACT_TITLES['out_of_state']}\u201d below)"
        condition = (f"If {placed_by} treats your conviction as one that requires registration {see}"
                     if c.convicted else
                     f"{_IF[c.stage]}, and {placed_by} treated the conviction as one that requires registration {see}")
    return f"{condition}, {law} {verb} require you to register. These are its rules."


def _section(heading: str, lead: str | None, paragraphs, *, levels=None, level_heading: str = "Tier"):
    return record("section", heading=heading, lead=lead, levels=levels or [], level_heading=level_heading,
                  paragraphs=[p for p in paragraphs if p is not None])


def _level_heading(scheme: str) -> str:
    return {"tier": "Tier", "level": "Level", "offense": "Offense group", "single": "Registrants"}[scheme]


def _state_section(c: Composer, state, charges: list[Charge]):
    name = title_name(state.code)
    paragraphs = [c.fact(state, "classification", label=None)]
    paragraphs += [c.fact(state, fact) for fact in STATE_FACTS]
    if any(ch.offense is not None and ch.offense.jurisdiction != state.code for ch in charges):
        paragraphs.append(c.fact(state, "out_of_state"))
    paragraphs += [c.fact(state, extra.id) for extra in state.facts.extra]
    if state.scheme == "level":
        when = "If your level has not been decided yet, what" if c.convicted else \
            "Because the level is decided case by case, not by the offense alone, what"
        paragraphs.insert(1, c.plain(None, f"{when} is presented when it is decided matters. We will prepare for "
                                     "that step with you."))
    # a federal or another state's charge the state's statute does not itself place: conditional
    unplaced = any(ch.offense is not None and ch.offense.jurisdiction != state.code
                   and c.equivalent(state, ch.offense) is None for ch in charges)
    lead = _lead(c, f"{name} law", placed_by=name if unplaced else None)
    return _section(f"{name} registration", lead, paragraphs,
                    levels=c.level_rows(state), level_heading=_level_heading(state.scheme))


def _federal_section(c: Composer):
    us = c.federal
    paragraphs = [c.fact(us, "classification", label=None)]
    paragraphs += [c.fact(us, fact) for fact in FEDERAL_FACTS]
    paragraphs += [c.fact(us, extra) for extra in FEDERAL_EXTRAS + TRAVEL_EXTRAS]
    paragraphs.insert(3, c.fact(us, "moving_and_visiting"))
    return _section("Federal registration (SORNA)",
                    _lead(c, "the federal Sex Offender Registration and Notification Act (SORNA)"),
                    paragraphs, levels=c.level_rows(us), level_heading="Tier")


def _federal_travel_section(c: Composer):
    us = c.federal
    lead = ("Federal law, the Sex Offender Registration and Notification Act (SORNA), sets duties of its own for "
            "people convicted of a sex offense as it defines one, and matters most when you travel or move.")
    paragraphs = [c.fact(us, "moving_and_visiting")] + [c.fact(us, extra) for extra in TRAVEL_EXTRAS]
    return _section("Federal law", lead, paragraphs)


def _other_consequences(c: Composer, charges: list[Charge]):
    us = c.federal
    paragraphs = []
    if c.matter_code == "US":
        paragraphs.append(c.fact(us, "supervised-release"))
        if any(is_chapter_110(ch.offense) for ch in charges):
            paragraphs += [c.fact(us, "restitution"), c.fact(us, "special-assessments")]
    if c.convicted:
        advice = ("If you are not a U.S. citizen, your conviction may already affect your right to stay in the "
                  "United States and to return after travel abroad. Please speak with an immigration lawyer now; "
                  "we can refer you to one.")
    else:
        advice = ("If you are not a U.S. citizen, a conviction could affect your right to stay in the United "
                  "States and to return after travel abroad. Before any plea, get advice from an immigration "
                  "lawyer; we can refer you to one.")
    paragraphs.append(c.plain("Immigration", advice))
    # the aggravated-felony clause it states is the child-pornography one: not for a client whose
    # charges are all federal offenses outside it (enticement, § 2425)
    if not charges or any(ch.offense is None or ch.offense.jurisdiction != "US"
                          or _PORNOGRAPHY.match(ch.offense.statute) for ch in charges):
        paragraphs.append(c.fact(us, "immigration", label=""))
    under = sum(1 for ch in charges if ch.offense is not None and ch.offense.statute.startswith("18 U.S.C. § 2252A"))
    if under:
        what = "conviction" if c.convicted else "charge"
        yours = (f"Your {what} is" if len(charges) == 1 else f"Your {what}s are" if under == len(charges)
                 else f"One of your {what}s is" if under == 1 else f"Some of your {what}s are")
        paragraphs.append(c.plain("", f"{yours} under 18 U.S.C. § 2252A, which the list does not name. It does "
                                      "name § 2252, which covers much of the same conduct, so ask the immigration "
                                      "lawyer whether a conviction under § 2252A counts.",
                                  "18 U.S.C. §§ 2252, 2252A"))
    paragraphs = [p for p in paragraphs if p is not None]
    if not paragraphs:
        return None
    lead = "A conviction affects more than registration:" if c.convicted else \
        "A conviction would affect more than registration:"
    return _section("Other consequences", lead, paragraphs)


def _what_to_do(c: Composer):
    if c.convicted:
        items = [
            c.plain("Register on time", "The deadlines to register and to report every change are set out above. "
                    "Missing one is a crime of its own, even if you simply forgot."),
            c.plain("Keep proof", "Keep a copy of every registration form and receipt you are given."),
        ]
    else:
        items = [
            c.plain("Do not discuss your case with anyone except us",
                    "That includes family, friends, co-workers, and anyone online. Those conversations are not "
                    "confidential."),
            c.plain("Do not delete anything", "Do not delete, wipe, reset, or throw away any phone, computer, "
                    "storage device, account, or file."),
        ]
    if c.convicted:
        items.append(c.plain("Ask us before you travel outside the United States",
                             "A registrant must report intended international travel in advance (see above)."))
    else:
        items.append(c.plain("Ask us before you travel outside the United States",
                             "Travel abroad can affect your case, and people who must register have to report "
                             "international travel in advance."))
    return _section("What you should do now", None, items)


def _intro(stage: str, state_code: str, matter_code: str) -> str:
    where = "federal law" if state_code == "US" else \
        (f"federal law and the law of {name_of(state_code)}" if matter_code == "US"
         else f"the law of {name_of(state_code)}, where you live, and the federal rules that apply there")
    if stage == "convicted":
        return (f"This letter explains the sex-offender registration rules that apply to you after your "
                f"conviction under {where}, and what they mean for your daily life.")
    if stage == "charged":
        return (f"This letter explains whether a conviction on the charges against you would require you to "
                f"register as a sex offender under {where}, and what that would mean for your daily life.")
    return (f"This letter explains whether a conviction, if charges were filed, could require you to register as "
            f"a sex offender under {where}, and what that would mean for your daily life.")


PARAGRAPH = rec(label=text("First registration", optional=True, doc='"First registration", "Reporting changes" …'),
                text=text(doc="the fact, as the client reads it"), citation=text(optional=True),
                review=text(optional=True, doc="a draft's mark on a fact that is missing or secondary"))
SECTION = rec(
    heading=text("California registration", doc='"California registration", "Federal registration (SORNA)", '
                                                '"Federal law", "Other consequences", "What you should do now"'),
    lead=text(optional=True, doc="the sentence that opens the section, fitted to the stage"),
    levels=list_of(rec(label=text("Tier 1"), duration=text("At least 10 years"),
                       verification=text("Once a year, in person")), each="level", doc="the tier or level table"),
    level_heading=enum("Tier", "Level", "Offense group", "Registrants"),
    paragraphs=list_of(PARAGRAPH, min_items=1, each="paragraph"),
)
SCHEMA = rec(
    _doc="The wording and the law are chosen in `drafting/advice.py` from the rule data (fitted to the "
         "matter's jurisdiction and stage); the template lays them out.",
    **common_schema("advisory", charge=charge_schema(
        grade=enum("felony", "misdemeanor", optional=True, doc="(from the case; decides some state tiers)"),
        penalty=text("No mandatory minimum; up to 10 years in prison.",
                     doc='plain English, e.g. "No mandatory minimum; up to 10 years …" (in a draft, a review mark '
                         'where the library gives none)'),
        registration=text("Federal: Tier I: registration for 15 years; verification once a year, in person",
                          doc='one line per registration law: "Federal: Tier I: registration for 15 years; '
                              'verification once a year, in person", "California: …"'),
    )),
    sections=list_of(SECTION, min_items=1, each="section"),
    advisory=rec(state=enum(*NAMES, samples=("CA", "US"), doc='"CA" …, or "US"'),
                 state_name=text("California", doc='"California", "the District of Columbia" …'),
                 state_title=text("California", doc='"California", "District of Columbia" … (for headings)'),
                 show_federal=boolean(doc="(a federal matter: the federal registration law is set out)"),
                 show_state=boolean(doc="(the client lives in a state: its law is set out)"),
                 intro=text(doc="the opening sentence, fitted to the stage and the jurisdictions")),
    authorities=list_of(text(), min_items=1, doc="every authority the letter cites, once, in legal order"),
)


def skeleton(rules, jurisdiction: str | None) -> list[str]:
    """The advisory: section of `drafting new` (commented out unless the matter's state has no rules)."""
    known = sorted(rules.registration)
    if jurisdiction is not None and jurisdiction not in rules.registration:
        return [
            "advisory:",
            f"  state: \"\"  {FILL_IN}: the state whose registration rules apply ({', '.join(known)}); "
            f"there are none for {jurisdiction} yet",
        ]
    return [
        "# advisory:",
        f"#   state: CA                     # optional: where the client lives ({', '.join(known)}); "
        "default: matter.jurisdiction",
    ]


KIND = Kind(
    name="advisory",
    title="Registration advisory",
    summary="advisory to the client on sex-offender registration consequences",
    sections=(),
    build=build,
    schema=SCHEMA,
    skeleton=skeleton,
    suffixes=lambda loaded: ["advisory"],
)

__all__ = ["KIND", "compose"]
