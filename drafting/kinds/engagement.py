"""The engagement letter and fee agreement."""

from __future__ import annotations

from ..environment import record
from ..errors import UnknownIdError
from .base import Inputs, Kind, Letter, common_context

# Matters a defense engagement does not cover unless agreed in writing; ids are what a
# case file's `excluded:` lists, labels are how the letter says them.
EXCLUSIONS = {
    "appeal": "an appeal or writ proceeding",
    "post-conviction": "post-conviction relief, such as habeas corpus or a motion to vacate",
    "probation-violation": "probation, parole or supervised-release violation proceedings",
    "forfeiture": "civil or administrative forfeiture proceedings",
    "immigration": "advice on immigration consequences or representation in immigration proceedings",
    "registration-relief": "petitions to end or reduce sex-offender registration",
    "civil": "civil lawsuits, including claims by alleged victims",
}

# Florida lets a nonrefundable flat fee be treated as earned on receipt (R. Regulating
# Fla. Bar 4-1.5); elsewhere advance fees, flat ones included, stay in trust until earned.
FLAT_FEE_EARNED_ON_RECEIPT = {"FL"}


def build(inputs: Inputs) -> list[Letter]:
    case = inputs.loaded.case
    eng = case.engagement
    excluded = list(EXCLUSIONS) if eng.excluded is None else eng.excluded
    labels = []
    for i, ex in enumerate(excluded):
        if ex not in EXCLUSIONS:
            raise UnknownIdError(what="exclusion", value=ex, known=list(EXCLUSIONS),
                                 **inputs.loaded.where("engagement", "excluded", i))
        labels.append(EXCLUSIONS[ex])
    fee = eng.fee
    jurisdiction = case.matter.jurisdiction
    context = common_context(inputs, "engagement")
    context["engagement"] = record(
        "engagement",
        fee=record("engagement.fee", type=fee.type, amount=fee.amount, rate=fee.rate, retainer=fee.retainer),
        costs_deposit=eng.costs_deposit,
        excluded=labels,
        flat_fee_in_trust=jurisdiction not in FLAT_FEE_EARNED_ON_RECEIPT,
        ca_6148=jurisdiction == "CA",
        ny_part137=jurisdiction == "NY",
    )
    return [Letter(suffix="engagement", context=context, title="Engagement letter")]


KIND = Kind(
    name="engagement",
    title="Engagement letter",
    summary="engagement letter and fee agreement, for the client to sign",
    sections=("engagement",),
    build=build,
)
