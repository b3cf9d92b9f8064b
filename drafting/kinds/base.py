"""What every kind shares: the inputs, the letter it produces, the common context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel

from ..environment import Missing, Record, record
from ..errors import CaseFileError, SectionMissingError
from ..jurisdictions import name_of
from ..loading import LoadedCase, LoadedFirm
from ..models import Attorney
from ..rules import RuleBook

STAGE_LABELS = {
    "investigation": "Pre-charge investigation",
    "charged": "Charged case",
    "convicted": "Post-conviction",
}


@dataclass(frozen=True)
class Inputs:
    """Everything a kind needs to build its contexts."""

    loaded: LoadedCase
    firm: LoadedFirm
    attorney: Attorney
    rules: RuleBook
    letter_date: dt.date


@dataclass(frozen=True)
class Letter:
    """One document to write: its file-name suffix, its context and its title."""

    suffix: str  # "engagement", "preservation-comcast-cable"
    context: dict[str, Any]
    title: str
    index: int | None = None  # which entry of a list section it came from (preservation)


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    summary: str
    sections: tuple[str, ...]  # case sections the kind cannot do without
    build: Callable[[Inputs], list[Letter]]

    @property
    def template_name(self) -> str:
        return f"{self.name}.docx"

    def require_sections(self, loaded: LoadedCase) -> None:
        for section in self.sections:
            if getattr(loaded.case, section) is None:
                raise SectionMissingError(
                    f"this case has no {section}: section, which the {self.name} kind needs "
                    f"(see `drafting new` for a commented example)",
                    file=loaded.path,
                    line=1,
                    field=section,
                )


def to_record(path: str, value: Any) -> Any:
    """Models, dicts and lists as ``Record``s, with ``None`` as ``Missing``."""
    if value is None:
        return Missing(path)
    if isinstance(value, BaseModel):
        value = {name: getattr(value, name) for name in type(value).model_fields}
    if isinstance(value, dict):
        return Record(path, {k: to_record(f"{path}.{k}", v) for k, v in value.items()})
    if isinstance(value, list):
        return [to_record(f"{path}[{i}]", v) for i, v in enumerate(value)]
    return value


def matter_reference(matter) -> str:
    if matter.court and matter.case_number:
        return f"{matter.court}, Case No. {matter.case_number}"
    if matter.case_number:
        return f"Case No. {matter.case_number}"
    if matter.stage == "investigation":
        return STAGE_LABELS["investigation"]
    if matter.court:
        return f"{matter.court} (case number to be confirmed)"
    return "Case number to be confirmed"


def charge_records(inputs: Inputs) -> list[Record]:
    """The case's charges, library ids resolved (an unknown id is an error listing the known)."""
    out = []
    for i, charge in enumerate(inputs.loaded.case.charges):
        path = f"charges[{i}]"
        if charge.offense:
            offense = inputs.rules.offense(charge.offense, **inputs.loaded.where("charges", i, "offense"))
            out.append(
                (offense, record(path, statute=offense.statute, title=offense.title, counts=charge.counts,
                                 offense_id=offense.id, known=True))
            )
        else:
            out.append((None, record(path, statute=charge.statute, title=charge.title, counts=charge.counts,
                                     offense_id=None, known=False)))
    return out


def common_context(inputs: Inputs, kind: str) -> dict[str, Any]:
    """The names every template sees (docs/CONTEXT.md, "Every kind")."""
    case = inputs.loaded.case
    firm = inputs.firm.firm
    m = case.matter
    return {
        "kind": kind,
        "letter_date": inputs.letter_date,
        "firm": record("firm", name=firm.name, address=list(firm.address), phone=firm.phone,
                       email=firm.email, website=firm.website),
        "attorney": to_record("attorney", inputs.attorney),
        "matter": record(
            "matter", id=m.id, jurisdiction=m.jurisdiction, jurisdiction_name=name_of(m.jurisdiction),
            is_federal=m.jurisdiction == "US", stage=m.stage, stage_label=STAGE_LABELS[m.stage],
            court=m.court, case_number=m.case_number, agency=m.agency, reference=matter_reference(m),
        ),
        "client": record("client", name=case.client.name, salutation=case.client.salutation or case.client.name,
                         address=list(case.client.address), email=case.client.email),
        "charges": [rec for _, rec in charge_records(inputs)],
        "charges_heading": "Potential charges" if m.stage == "investigation" else "Charges",
    }


def field_for(path: str) -> tuple:
    """``charges[0].title`` -> ``("charges", 0, "title")``, for locating context paths in the case."""
    out: list = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)
