"""The engagement letter and fee agreement."""

from __future__ import annotations

import re

from ..context_schema import When, boolean, enum, integer, list_of, money, rec, text
from ..environment import record
from ..errors import CaseFileError, UnknownIdError
from ..jurisdictions import name_of
from .base import FILL_IN, Inputs, Kind, Letter, common_context, common_schema, wrapped

# Matters a defense engagement does not cover unless agreed in writing; ids are what a
# case file's `excluded:` lists, labels are how the letter says them.
# after a conviction no plea is ahead: the exclusion says only what it excludes
_AFTER_CONVICTION = {"immigration": "representation in immigration proceedings (we can refer you to an immigration "
                                    "lawyer)"}
EXCLUSIONS = {
    "appeal": "an appeal or writ proceeding",
    "post-conviction": "post-conviction relief, such as habeas corpus or a motion to vacate",
    "probation-violation": "probation, parole or supervised-release violation proceedings",
    "forfeiture": "civil or administrative forfeiture proceedings",
    "immigration": ("representation in immigration proceedings (before any plea we will still tell you whether "
                    "it risks deportation, as Padilla v. Kentucky, 559 U.S. 356 (2010), requires, and refer you to "
                    "an immigration lawyer)"),
    "registration-relief": "petitions to end or reduce sex-offender registration",
    "civil": "civil lawsuits, including claims by alleged victims",
}

# The state's own rules of professional conduct, cited beside the ABA Model Rules
# (LAW.md, "Corrections and additions"). A rule a state's set does not list is not cited.
STATE_RULES = {
    "CA": dict(fee="Cal. Rules of Prof. Conduct 1.5", trust="Cal. Rules of Prof. Conduct 1.15",
               termination="Cal. Rules of Prof. Conduct 1.16", payor="Cal. Rules of Prof. Conduct 1.8.6"),
    "NY": dict(fee="N.Y. Rules of Prof. Conduct 1.5", trust="N.Y. Rules of Prof. Conduct 1.15",
               termination="N.Y. Rules of Prof. Conduct 1.16", payor="N.Y. Rules of Prof. Conduct 1.8(f)"),
    "TX": dict(fee="Tex. Disciplinary R. Prof\u2019l Conduct 1.04(e)",
               trust="Tex. Disciplinary R. Prof\u2019l Conduct 1.14",
               termination="Tex. Disciplinary R. Prof\u2019l Conduct 1.15",
               payor="Tex. Disciplinary R. Prof\u2019l Conduct 1.08(e)"),
    "FL": dict(fee="R. Regulating Fla. Bar 4-1.5", trust="R. Regulating Fla. Bar 5-1.1",
               termination=None, payor="R. Regulating Fla. Bar 4-1.8(f)"),
}
# State crimes of destroying or hiding evidence, beside 18 U.S.C. § 1519 in a state matter.
# LAW.md marks them [verify]: Fla. Stat. § 918.13 was read on flsenate.gov (2024 text,
# Dec. 2026); the other three are cited by section only, without their penalties, pending
# the same reading. The Texas grievance notice (Tex. Gov't Code § 81.079) is [verify] too;
# its helpline number is the one texasbar.com gives.
TAMPERING = {
    "CA": "Cal. Penal Code \u00a7 135",
    "NY": "N.Y. Penal Law \u00a7 215.40",
    "TX": "Tex. Penal Code \u00a7 37.09",
    "FL": "Fla. Stat. \u00a7 918.13",
}
# When the fee is fully earned, by stage: the end of the work the letter describes.
EARNED_WHEN = {
    "investigation": "when the pre-charge work described above ends: when charges are filed, or when the "
                     "investigation is closed without charges",
    "charged": "when the trial court enters judgment or the case is dismissed",
    "convicted": "when the trial court enters judgment",
}
FEDERAL_APPEAL_DEADLINE = "14 days after the judgment is entered (Fed. R. App. P. 4(b)(1)(A))"


def build(inputs: Inputs) -> list[Letter]:
    case = inputs.loaded.case
    eng = case.engagement
    excluded = list(EXCLUSIONS) if eng.excluded is None else eng.excluded
    labels = []
    for i, ex in enumerate(excluded):
        if ex not in EXCLUSIONS:
            raise UnknownIdError(what="exclusion", value=ex, known=list(EXCLUSIONS),
                                 **inputs.loaded.where("engagement", "excluded", i))
        labels.append(_AFTER_CONVICTION.get(ex, EXCLUSIONS[ex]) if case.matter.stage == "convicted" else EXCLUSIONS[ex])
    fee = eng.fee
    matter = case.matter
    jurisdiction = matter.jurisdiction
    rules_state = _rules_state(matter, inputs.attorney.bar)
    rules = STATE_RULES.get(rules_state, {})
    # § 6148 binds a California lawyer in any forum: a California matter, or a federal one
    # signed by a member of the California bar (a state matter elsewhere needs that state's bar)
    california_lawyer = jurisdiction == "CA" or (jurisdiction == "US" and "California" in inputs.attorney.bar)
    nonrefundable = jurisdiction == "FL" and fee.type == "flat" and eng.nonrefundable
    if eng.nonrefundable and jurisdiction != "FL":
        raise CaseFileError(
            "nonrefundable applies to Florida matters only; elsewhere an advance fee stays in trust until earned",
            **inputs.loaded.where("engagement", "nonrefundable"))
    payor = eng.payor
    context = common_context(inputs, "engagement")
    context["engagement"] = record(
        "engagement",
        fee=record("engagement.fee", type=fee.type, amount=fee.amount, rate=fee.rate, retainer=fee.retainer),
        costs_deposit=eng.costs_deposit,
        excluded=labels,
        appeal_excluded="appeal" in excluded,
        appeal_deadline=FEDERAL_APPEAL_DEADLINE if jurisdiction == "US" else None,
        flat_fee_in_trust=not nonrefundable,
        nonrefundable=nonrefundable,
        earned_when=EARNED_WHEN[matter.stage],
        billing_increment_minutes=(eng.billing_increment_minutes or 6) if fee.type == "hourly" else None,
        rates=[record(f"engagement.rates[{i}]", role=r.role, rate=r.rate) for i, r in enumerate(eng.rates)],
        payor=None if payor is None else record(
            "engagement.payor", name=payor.name, relationship=payor.relationship,
            address=list(payor.address or []), email=payor.email),
        rules=record("engagement.rules", state_name=name_of(rules_state) if rules else None,
                     fee=rules.get("fee"), trust=rules.get("trust"), termination=rules.get("termination"),
                     payor=rules.get("payor"), payor_consent_in_writing=rules_state == "CA"),
        tampering=TAMPERING.get(jurisdiction),
        ca_6148=california_lawyer,
        ny_part137=rules_state == "NY",
        tx_grievance=rules_state == "TX",
    )
    return [Letter(suffix="engagement", context=context, title="Engagement letter")]


def _rules_state(matter, bar: str) -> str | None:
    """Whose rules of professional conduct the letter cites: the matter's state; in a
    federal matter, the state the court sits in (district courts follow its rules), else
    the state of the signing attorney's bar."""
    if matter.jurisdiction != "US":
        return matter.jurisdiction
    for place in (matter.court or "", bar):
        for code in STATE_RULES:
            if re.search(rf"\b{name_of(code)}\b", place):
                return code
    return None


def skeleton(rules, jurisdiction: str | None) -> list[str]:
    """The engagement: section of `drafting new`."""
    fill = f"  {FILL_IN}"
    return [
        "engagement:",
        "  fee:",
        "    type: flat                    # flat | hourly",
        f"    amount: \"\"{fill}: the flat fee, e.g. 25000",
        "    # for an hourly fee: type: hourly, delete amount, and give",
        "    # rate: 450",
        "    # retainer: 10000",
        "  # costs_deposit: 5000           # optional: experts, forensic examination",
        "  # excluded: [appeal, forfeiture] # optional; default: all of",
        *wrapped("  #                               ", ", ".join(EXCLUSIONS)),
        "  # payor:                        # optional: someone else pays (consent terms, payor page)",
        "  #   name: Rosa Ortiz",
        "  #   relationship: mother",
        "  # rates: [{role: Associate, rate: 300}]   # optional, hourly: other timekeepers",
        "  # billing_increment_minutes: 6  # optional, hourly; default 6",
        "  # nonrefundable: true           # optional, Florida flat fees only",
    ]


SCHEMA = rec(
    **common_schema("engagement"),
    engagement=rec(
        fee=rec(type=enum("flat", "hourly"),
                amount=money(when=When("type", ("flat",))),
                rate=money(when=When("type", ("hourly",))),
                retainer=money(when=When("type", ("hourly",)))),
        costs_deposit=money(optional=True),
        excluded=list_of(enum(*EXCLUSIONS.values(), *_AFTER_CONVICTION.values(),
                              samples=tuple(EXCLUSIONS.values())[:1]),
                         doc='labels, e.g. "an appeal", "civil forfeiture proceedings" '
                             '(default: all standard exclusions)'),
        appeal_excluded=boolean(doc="`appeal` is among the exclusions (the letter says what the firm still "
                                    "does at judgment)"),
        appeal_deadline=text(FEDERAL_APPEAL_DEADLINE, optional=True,
                             doc=f'the federal deadline, "{FEDERAL_APPEAL_DEADLINE}"'),
        flat_fee_in_trust=boolean(doc="True unless the fee is a Florida nonrefundable flat fee (earned on receipt, "
                                      "operating account) — wording branches on it"),
        nonrefundable=boolean(doc="a Florida flat fee the case marks `nonrefundable: true`"),
        earned_when=text("when the trial court enters judgment or the case is dismissed",
                         doc='when the fee is fully earned, by stage: "when the trial court enters judgment …"'),
        billing_increment_minutes=integer(6, when=When("/engagement.fee.type", ("hourly",)), doc="(default 6)"),
        rates=list_of(rec(role=text("Associate"), rate=money()), each="rate", doc="other timekeepers (hourly)"),
        payor=rec(True, _doc="the third party who pays (Rule 1.8(f))",
                  name=text("Rosa Ortiz"), relationship=text("mother", optional=True, doc='"mother"'),
                  address=list_of(text()), email=text("r.ortiz@example.com", optional=True)),
        rules=rec(_doc="the state rules of professional conduct cited beside the Model Rules (the matter's state; "
                       "in a federal matter the state the court sits in, else the attorney's bar)",
                  state_name=text("California", optional=True),
                  fee=text("Cal. Rules of Prof. Conduct 1.5", optional=True, doc='"Cal. Rules of Prof. Conduct 1.5"'),
                  trust=text("Cal. Rules of Prof. Conduct 1.15", optional=True),
                  termination=text("Cal. Rules of Prof. Conduct 1.16", optional=True),
                  payor=text("Cal. Rules of Prof. Conduct 1.8.6", optional=True),
                  payor_consent_in_writing=boolean(doc="California: informed written consent to a payor "
                                                       "(rule 1.8.6)")),
        tampering=text("Cal. Penal Code § 135", optional=True,
                       doc="the state's evidence-tampering statute, beside 18 U.S.C. § 1519"),
        ca_6148=boolean(doc="a California matter, or a federal one signed by a California lawyer: § 6148"),
        ny_part137=boolean(doc="New York: Part 1215 / Part 137 arbitration notice"),
        tx_grievance=boolean(doc="Texas: the State Bar grievance notice (Tex. Gov't Code § 81.079)"),
    ),
)

KIND = Kind(
    name="engagement",
    title="Engagement letter",
    summary="engagement letter and fee agreement, for the client to sign",
    sections=("engagement",),
    build=build,
    schema=SCHEMA,
    skeleton=skeleton,
    suffixes=lambda loaded: ["engagement"],
)
