"""What every kind shares: the declaration (``Kind``), the inputs, the letter it produces,
and the common context with its model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel

from ..context_schema import Node, When, boolean, date, enum, integer, list_of, rec, text
from ..environment import Missing, Record, record
from ..errors import SectionMissingError
from ..jurisdictions import NAMES, name_of
from ..loading import LoadedCase, LoadedFirm
from ..models import Attorney
from ..rules import RuleBook

# A `drafting new` value still to give: it fails validation (``""``, ``[]``), so a placeholder
# can never reach a letter.
FILL_IN = "# FILL IN"

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
    draft: bool = False  # --draft: gaps in the rule data are marked, not refused


@dataclass(frozen=True)
class Letter:
    """One document to write: its file-name suffix, its context and its title."""

    suffix: str  # "engagement", "preservation-comcast-cable"
    context: dict[str, Any]
    title: str
    index: int | None = None  # which entry of a list section it came from (preservation)


@dataclass(frozen=True)
class PerEntry:
    """A kind that writes one letter per entry of a list section of the case: entry ``i`` of
    ``section`` is ``name`` in its letter's context, so an error about ``request.period``
    points at ``preservation[i].period``."""

    section: str  # "preservation"
    name: str  # "request"


@dataclass(frozen=True)
class Kind:
    """A document kind, declared once in its module under ``drafting.kinds``; the CLI,
    ``check``, the template linter, ``drafting new`` and docs/CONTEXT.md read it from here."""

    name: str
    title: str  # the document's subject in its properties
    summary: str  # one line for `drafting kinds`
    sections: tuple[str, ...]  # case sections the kind cannot do without
    build: Callable[[Inputs], list[Letter]]
    schema: Node  # every name its template sees (docs/CONTEXT.md is generated from it)
    skeleton: Callable[[Any, str | None], list[str]] | None = None  # `drafting new`: (rules, jurisdiction) -> lines
    per_entry: PerEntry | None = None
    template: str = ""  # the template's file name; default ``<name>.docx``
    # The file-name suffixes of a case's letters, without building them (a batch names
    # every document before it writes any); None: build the letters to learn them.
    suffixes: Callable[[LoadedCase], list[str]] | None = None

    @property
    def template_name(self) -> str:
        return self.template or f"{self.name}.docx"

    def require_sections(self, loaded: LoadedCase) -> None:
        for section in self.sections:
            if getattr(loaded.case, section) is None:
                raise SectionMissingError(
                    f"this case has no {section}: section, which the {self.name} kind needs "
                    f"(see `drafting new` for a commented example)",
                    **loaded.source.whole(),
                    field=section,
                )

    def case_path(self, letter: Letter, parts: tuple) -> tuple:
        """Where in the case file a context path of ``letter`` comes from."""
        if self.per_entry and parts and parts[0] == self.per_entry.name and letter.index is not None:
            return (self.per_entry.section, letter.index) + parts[1:]
        return parts


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
    if matter.court and matter.stage != "investigation":
        return matter.court
    # No number yet: the stage says what the letter concerns ("Case number to be confirmed"
    # was a note to the office, printed to the client)
    return STAGE_LABELS[matter.stage]


def matter_in_prose(matter) -> str:
    """The matter as a sentence names it after "in": ``the 351st District Court, Case No. X``."""
    court = matter.court
    if court and not court.lower().startswith("the "):
        court = f"the {court}"
    if court and matter.case_number:
        return f"{court}, Case No. {matter.case_number}"
    if matter.case_number:
        return f"Case No. {matter.case_number}"
    if court:
        return court
    return "the pending investigation" if matter.stage == "investigation" else "a pending criminal case"


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
        "draft": False,  # a kind whose letter has gaps (the advisory) sets it
        "letter_date": inputs.letter_date,
        "firm": record("firm", name=firm.name, address=list(firm.address), phone=firm.phone,
                       email=firm.email, website=firm.website),
        "attorney": to_record("attorney", inputs.attorney),
        "matter": record(
            "matter", id=m.id, jurisdiction=m.jurisdiction, jurisdiction_name=name_of(m.jurisdiction),
            is_federal=m.jurisdiction == "US", stage=m.stage, stage_label=STAGE_LABELS[m.stage],
            court=m.court, case_number=m.case_number, agency=m.agency, reference=matter_reference(m),
            reference_prose=matter_in_prose(m),
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


# ---------------------------------------------------------------- the common context's model

JURISDICTION = enum(*NAMES, samples=("CA", "NY", "TX", "FL", "US", "WA"),
                    doc='"CA", "NY", "TX", "FL", … or "US" (federal)')


def charge_schema(**extra: Node) -> Node:
    """One entry of ``charges``; a kind may add fields (the advisory's penalty, registration)."""
    known = When("known", (True,))
    return rec(
        statute=text("18 U.S.C. § 2252A(a)(5)(B)", doc='"18 U.S.C. § 2252A(a)(5)(B)"'),
        title=text("Possession of child pornography"),
        counts=integer(2, doc="(default 1)"),
        offense_id=text("us-2252a-possession", when=known, doc="(Missing for a free-form charge)"),
        known=boolean(doc="(True when it came from the offense library)"),
        **extra,
    )


def common_schema(kind: str, charge: Node | None = None) -> dict[str, Node]:
    """The names every template sees (``common_context``), as the fields of a kind's model."""
    return dict(
        kind=enum(kind),
        draft=boolean(doc="(render --draft: every page's header says DRAFT — FOR ATTORNEY REVIEW)"),
        letter_date=date(),
        firm=rec(name=text("Harper & Vale LLP"), address=list_of(text(), min_items=1), phone=text("(916) 555-0142"),
                 email=text("office@example.com"), website=text("www.example.com", optional=True)),
        attorney=rec(id=text("mharper"), name=text("Mara Harper"), title=text("Partner"), bar=text(),
                     email=text("mharper@example.com"), phone=text("(916) 555-0143", optional=True)),
        matter=rec(
            id=text("2026-0142"), jurisdiction=JURISDICTION,
            jurisdiction_name=text("California", doc='"California", … or "the United States"'),
            is_federal=boolean(), stage=enum(*STAGE_LABELS), stage_label=enum(*STAGE_LABELS.values()),
            court=text(optional=True), case_number=text("26FE012345", optional=True), agency=text(optional=True),
            reference=text(doc='e.g. "Superior Court of California, County of Sacramento, Case No. 26FE012345" '
                               'or "Pre-charge investigation" (no case number)'),
            reference_prose=text("the Superior Court of California, Case No. 26FE012345",
                                 doc='the matter as a sentence names it after "in": "the 351st District Court, '
                                     'Case No. D-1-DC-26-300412" (a "the" before the court where it has none)'),
        ),
        client=rec(name=text("Daniel R. Ortiz"),
                   salutation=text("Mr. Ortiz", doc="(the case's `salutation`, else the full name), used as "
                                                    '"Dear {{ client.salutation }}:"'),
                   address=list_of(text(), min_items=1),
                   email=text("client@example.com", optional=True)),
        charges=list_of(charge or charge_schema(), each="charge"),
        charges_heading=enum("Potential charges", "Charges", doc="(Potential charges: stage investigation)"),
    )


def wrapped(prefix: str, text: str, width: int = 96) -> list[str]:
    """``text`` as comment lines of at most ``width`` characters, each starting with ``prefix``."""
    out, line = [], ""
    for word in text.split(" "):
        if line and len(prefix) + len(line) + len(word) + 1 > width:
            out.append(prefix + line.rstrip())
            line = ""
        line += word + " "
    return out + [prefix + line.rstrip()] if line else out
