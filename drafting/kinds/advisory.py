"""The client advisory on registration consequences."""

from __future__ import annotations

from ..environment import Missing, record
from ..jurisdictions import name_of
from .base import Inputs, Kind, Letter, charge_records, common_context, to_record


def build(inputs: Inputs) -> list[Letter]:
    case = inputs.loaded.case
    rules = inputs.rules
    if case.advisory is not None and case.advisory.state is not None:
        state_code, where = case.advisory.state, inputs.loaded.where("advisory", "state")
    else:
        state_code, where = case.matter.jurisdiction, inputs.loaded.where("matter", "jurisdiction")
    federal = rules.jurisdiction("US", **where)
    state = None if state_code == "US" else rules.jurisdiction(state_code, **where)

    authorities: set[str] = set()
    _cite_jurisdiction(federal, authorities)
    if state is not None:
        _cite_jurisdiction(state, authorities)

    charges = []
    for i, (offense, base) in enumerate(charge_records(inputs)):
        path = f"charges[{i}]"
        values = base.fields()
        if offense is None:
            values.update(penalty=Missing(f"{path}.penalty"), federal_tier=Missing(f"{path}.federal_tier"),
                          state_level=Missing(f"{path}.state_level"), citation=Missing(f"{path}.citation"),
                          caveat=Missing(f"{path}.caveat"))
        else:
            federal_level = federal.level(offense.sorna_tier) if offense.sorna_tier else None
            state_level = None
            if state is not None and state.code in offense.state_tiers:
                state_level = state.level(offense.state_tiers[state.code])
            values.update(
                penalty=to_record(f"{path}.penalty", offense.penalty),
                federal_tier=to_record(f"{path}.federal_tier", federal_level),
                state_level=to_record(f"{path}.state_level", state_level),
                citation=offense.citation,
                caveat=offense.caveat or Missing(f"{path}.caveat"),
            )
            authorities.add(offense.citation)
            if offense.penalty is not None:
                authorities.add(offense.penalty.citation)
        charges.append(record(path, **{k: v for k, v in values.items()}))

    context = common_context(inputs, "advisory")
    context["charges"] = charges
    context["registration"] = record(
        "registration",
        federal=_jurisdiction_record("registration.federal", federal),
        state=_jurisdiction_record("registration.state", state),
    )
    context["advisory"] = record("advisory", state=state_code, state_name=name_of(state_code))
    context["authorities"] = sorted(authorities)
    return [Letter(suffix="advisory", context=context, title="Advisory on registration consequences")]


# Registration records are the same for every client in a state; built once per process
# (records are read-only; the rule book holding the rule objects is itself cached).
_RECORDS: dict[tuple[int, str], tuple[object, object]] = {}


def _jurisdiction_record(path: str, jurisdiction):
    if jurisdiction is None:
        return to_record(path, None)
    key = (id(jurisdiction), path)
    hit = _RECORDS.get(key)
    if hit is None or hit[0] is not jurisdiction:
        hit = _RECORDS[key] = (jurisdiction, to_record(path, jurisdiction))
    return hit[1]


def _cite_jurisdiction(j, out: set[str]) -> None:
    out.add(j.citation)
    out.update(level.citation for level in j.levels)
    out.update(r.citation for r in j.restrictions)
    out.update(c.citation for c in j.other_consequences)


KIND = Kind(
    name="advisory",
    title="Registration advisory",
    summary="advisory to the client on sex-offender registration consequences",
    sections=(),
    build=build,
)
