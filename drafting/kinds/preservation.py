"""Preservation-of-evidence requests: one letter per recipient."""

from __future__ import annotations

import datetime as dt

from ..dates import utc_text
from ..environment import record
from ..errors import CaseFileError, shown
from ..output import slug
from .base import Inputs, Kind, Letter, common_context, to_record

KIND_LABELS = {
    "isp": "Internet service provider",
    "agency": "Investigating agency",
    "prosecutor": "Prosecuting office",
    "third-party": "Network owner",
}
SALUTATIONS = {
    "isp": "To the Custodian of Records:",
    "agency": "To the Custodian of Records:",
    "prosecutor": "Dear Counsel:",
    "third-party": "To the Custodian of Records:",
}


def build(inputs: Inputs) -> list[Letter]:
    letters = []
    used: dict[str, int] = {}
    base = common_context(inputs, "preservation")
    for i, request in enumerate(inputs.loaded.case.preservation):
        path = "request"
        kind = request.recipient.kind
        items = _items(inputs, i, request)
        observations = sorted(request.observations, key=lambda o: (o.at.astimezone(dt.timezone.utc), o.ip))
        context = dict(base)
        context["request"] = record(
            path,
            recipient=record(f"{path}.recipient", name=request.recipient.name, kind=kind,
                             kind_label=KIND_LABELS[kind], attention=request.recipient.attention,
                             address=list(request.recipient.address), email=request.recipient.email),
            salutation=SALUTATIONS[kind],
            account=request.account,
            period=record(f"{path}.period", start=request.period.start, end=request.period.end),
            observations=[
                record(f"{path}.observations[{j}]", ip=o.ip, ip_version=6 if ":" in o.ip else 4, port=o.port,
                       at_utc=utc_text(o.at), software=o.software)
                for j, o in enumerate(observations)
            ],
            items=[to_record(f"{path}.items[{j}]", {"id": it.id, "text": it.text, "citation": it.citation})
                   for j, it in enumerate(items)],
            respond_within_days=request.respond_within_days,
            respond_by=inputs.letter_date + dt.timedelta(days=request.respond_within_days),
        )
        where = inputs.loaded.where("preservation", i, "recipient", "name")
        name = slug(request.recipient.name, what="recipient name", where=where)
        if name in used:
            # A numbered second file would take a third recipient's own name ("Acme ISP 2"):
            # two letters one name is refused, before anything is written.
            first = inputs.loaded.where("preservation", used[name], "recipient", "name")
            raise CaseFileError(
                f"gives the same file name (…-preservation-{name}.docx) as preservation[{used[name]}]"
                f".recipient.name on line {first['line']}; give each recipient a distinct name", **where)
        used[name] = i
        letters.append(Letter(suffix=f"preservation-{name}", context=context,
                              title=f"Preservation request ({KIND_LABELS[kind].lower()})",
                              index=i))
    return letters


def _items(inputs: Inputs, i: int, request):
    kind = request.recipient.kind
    rules = inputs.rules
    if request.items is None:
        return rules.items_for(kind)
    chosen = []
    for j, item_id in enumerate(request.items):
        where = inputs.loaded.where("preservation", i, "items", j)
        item = rules.item(item_id, **where)
        if kind not in item.kinds:
            suits = [it.id for it in rules.preservation.values() if kind in it.kinds]
            raise CaseFileError(
                f"item {shown(item_id)} does not suit a recipient of kind {kind}; items for {kind}: {', '.join(suits)}",
                **where,
            )
        chosen.append(item)
    order = list(rules.preservation)
    unique = {it.id: it for it in chosen}
    return sorted(unique.values(), key=lambda it: order.index(it.id))


KIND = Kind(
    name="preservation",
    title="Preservation request",
    summary="request to preserve file-sharing evidence, one letter per recipient",
    sections=("preservation",),
    build=build,
)
