"""The shape of the rule data (docs/RULES.md): facts with their basis, levels, offenses.

Every fact that can reach a client letter says where it was read (``source``), when
(``verified``) and on what basis (``statute`` or ``secondary``); a fact nobody found is
an explicit ``Absent``. Only statute facts go into a client-ready letter.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from .vocabulary import NOT_XML, Grade, RecipientKind

_int_to_str = BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)
def _printable(text: str) -> str:
    """No character a Word document cannot hold (it would otherwise be blamed on the template)."""
    bad = NOT_XML.search(text)
    if bad is not None:
        raise ValueError(f"holds the control character U+{ord(bad.group()):04X}, which a Word document cannot hold")
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
                 AfterValidator(_printable)]
Id = Annotated[str, _int_to_str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.:\-]*$", max_length=80)]
# A grade nobody found reads as no grade (the offense's level then cannot depend on it).
_absent_is_none = BeforeValidator(lambda v: None if isinstance(v, dict) and set(v) == {"missing"} else v)
Code = Annotated[str, StringConstraints(pattern=r"^(US|[A-Z]{2})$")]
Basis = Literal["statute", "secondary"]

# Words written to counsel, not to a client: a fact's text that holds one is refused on load.
RESEARCH_NOTE = re.compile(
    r"\b(counsel (will|should|must) (confirm|verify|assess)|to be (assessed|confirmed)|not stated"
    r"|reportedly|\[verify|secondary source|we have not (yet )?analy[sz]ed"
    r"|last verified (?:on |in )?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))\b",
    re.IGNORECASE,
)


# The fields of a record whose words a letter prints (``Sourced.printed_words``).
PRINTED = ("title", "label", "text", "duration", "verification", "penalty")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Model):
    """Where a piece of law was read, when, and on what basis."""

    citation: Text
    source: Text
    verified: date
    basis: Basis
    verified_by: Id | None = None  # an attorney of the firm confirmed it (firm rules only)

    def printed_words(self) -> str:
        """The words of this record a letter prints, joined: a section they name in passing
        ("as defined in 34 U.S.C. § 21503(f)") is an authority the letter cites too."""
        fields = type(self).model_fields
        return ". ".join(w for f in PRINTED if f in fields and isinstance(w := getattr(self, f), str))

    def read_with(self) -> str:
        """The citation whose code a section named without one is in."""
        return self.citation

    @field_validator("verified")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError(f"verified {value.isoformat()} is a date still to come")
        return value


class Fact(Sourced):
    text: Text
    title: Text | None = None  # for the extra facts
    id: Id | None = None

    @field_validator("text")
    @classmethod
    def _client_ready_words(cls, text: str) -> str:
        found = RESEARCH_NOTE.search(text)
        if found:
            raise ValueError(f"text holds a note to counsel ({found.group(0)!r}); a fact's text goes to the client")
        return text


class Absent(_Model):
    """A fact nobody has found in the law yet: its letters stay drafts."""

    missing: Text


def _fact_tag(value: Any) -> str:
    if isinstance(value, dict):
        return "<absent>" if "missing" in value else "<fact>"
    return "<absent>" if isinstance(value, Absent) else "<fact>"


# The tags are dropped from error locations (see ``UNION_TAGS``).
FactOrAbsent = Annotated[Union[Annotated[Fact, Tag("<fact>")], Annotated[Absent, Tag("<absent>")]],
                         Discriminator(_fact_tag)]

REQUIRED_FACTS = (
    "classification", "initial_registration", "change_reporting", "verification", "moving_and_visiting",
    "restrictions", "public_registry", "relief", "failure_to_register",
)
FACT_TITLES = {
    "classification": "Classification",
    "duration_rules": "How the period is counted",
    "initial_registration": "First registration",
    "change_reporting": "Reporting changes",
    "verification": "Verification",
    "moving_and_visiting": "Moving and visiting",
    "restrictions": "Where you may live, work and go",
    "public_registry": "The public registry",
    "relief": "Ending registration",
    "failure_to_register": "Failing to register",
    "out_of_state": "Convictions from another jurisdiction",
}


class Facts(_Model):
    classification: FactOrAbsent
    duration_rules: FactOrAbsent | None = None
    initial_registration: FactOrAbsent
    change_reporting: FactOrAbsent
    verification: FactOrAbsent
    moving_and_visiting: FactOrAbsent
    restrictions: FactOrAbsent
    public_registry: FactOrAbsent
    relief: FactOrAbsent
    failure_to_register: FactOrAbsent
    out_of_state: FactOrAbsent | None = None
    extra: list[Fact] = []

    @field_validator("extra")
    @classmethod
    def _extra_titled(cls, extra: list[Fact]) -> list[Fact]:
        if any(not fact.title for fact in extra):
            raise ValueError("each extra fact needs a title")
        extra = [f if f.id else f.model_copy(update={"id": re.sub(r"[^a-z0-9]+", "-", f.title.lower()).strip("-")})
                 for f in extra]
        ids = [f.id for f in extra]
        if len(set(ids)) != len(ids):
            raise ValueError("extra fact ids must be unique")
        return extra

    def extra_fact(self, id: str) -> Fact | None:
        return next((f for f in self.extra if f.id == id), None)


class Level(Sourced):
    """A tier or level; ``duration_years`` None means life."""

    id: Id
    label: Text
    duration_years: int | None = Field(ge=1, le=100)
    duration: Text
    verification: Text
    verification_months: int | None = Field(default=None, ge=1, le=120)
    method: Literal["in-person", "mail", "online", "mixed"] | None = None

    @model_validator(mode="after")
    def _duration_agrees(self) -> Level:
        expected = "life" if self.duration_years is None else str(self.duration_years)
        if expected not in re.findall(r"\d+|life", self.duration.lower()):
            raise ValueError(f"duration {self.duration!r} does not agree with duration_years ({expected})")
        return self


class LevelCase(_Model):
    """One outcome where a fact of the case decides the level: the letter prints "If <when>: <the
    level>", one line per case, so the client reads every outcome (Haw. Rev. Stat. § 846E-10:
    electronic enticement is Tier 2 when the intended offense is a felony covered offense,
    Tier 1 otherwise)."""

    when: Text  # completes "If ...": "the intended offense is a felony covered offense"
    level: Id


def _level_tag(value: Any) -> str:
    if isinstance(value, list):
        return "<by-case>"
    if isinstance(value, dict) or isinstance(value, Absent):
        return "<absent>" if (isinstance(value, Absent) or "missing" in value) else "<by-grade>"
    return "<id>"


# "none" (the string) = the offense does not decide the level (set case by case)
LevelRef = Annotated[Union[Annotated[Id, Tag("<id>")], Annotated[dict[Grade, Id], Tag("<by-grade>")],
                           Annotated[list[LevelCase], Field(min_length=2), Tag("<by-case>")],
                           Annotated[Absent, Tag("<absent>")]], Discriminator(_level_tag)]
UNION_TAGS = frozenset({"<fact>", "<absent>", "<id>", "<by-grade>", "<by-case>"})


class Offense(Sourced):
    id: Id
    jurisdiction: Code | None = None  # taken from the file that holds it
    statute: Text
    title: Text
    grade: Annotated[Literal["felony", "misdemeanor", "felony-or-misdemeanor"] | None, _absent_is_none] = None
    grade_detail: Text | None = None
    penalty: Text | None = None
    penalty_citation: Text | None = None
    level: LevelRef | None = None
    sorna_tier: Annotated[int, Field(ge=1, le=3)] | None = None

    def read_with(self) -> str:
        return self.penalty_citation or self.citation

    @model_validator(mode="after")
    def _penalty_cited(self) -> Offense:
        if self.penalty and not self.penalty_citation:
            raise ValueError("a penalty needs its penalty_citation")
        return self


class Equivalent(Sourced):
    """How a jurisdiction places an offense of another one (Cal. Penal Code § 290.005)."""

    offense: Id
    level: LevelRef


class Jurisdiction(_Model):
    """The registration record of one jurisdiction ("US" = the federal SORNA baseline)."""

    code: Code
    name: Text
    scheme: Literal["tier", "level", "offense", "single"]
    levels: list[Level] = Field(min_length=1)
    facts: Facts
    offenses: list[Offense] = []
    equivalents: list[Equivalent] = []

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, levels: list[Level]) -> list[Level]:
        ids = [lv.id for lv in levels]
        for i in ids:
            if ids.count(i) > 1:
                raise ValueError(f"level id {i!r} appears more than once")
        return levels

    def level(self, id: str | int) -> Level | None:
        return next((lv for lv in self.levels if lv.id == str(id)), None)


class JurisdictionPatch(_Model):
    """A firm's additions to a jurisdiction: any facts, levels, offenses or equivalents."""

    code: Code
    name: Text | None = None
    scheme: Literal["tier", "level", "offense", "single"] | None = None
    levels: list[Level] = []
    facts: dict[str, Any] = {}
    offenses: list[Offense] = []
    equivalents: list[Equivalent] = []


class PreservationItem(_Model):
    id: Id
    text: Text
    kinds: list[RecipientKind] = Field(min_length=1)
    default_for: list[RecipientKind]
    citation: Text | None = None
    verified: date

    @model_validator(mode="before")
    @classmethod
    def _default_for(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_for" not in data and "kinds" in data:
            data = {**data, "default_for": data["kinds"]}
        return data

    @model_validator(mode="after")
    def _subset(self) -> PreservationItem:
        for k in self.default_for:
            if k not in self.kinds:
                raise ValueError(f"default_for names {k!r}, which is not in kinds")
        return self


FIELDS = sorted({f for m in (Fact, Absent, Facts, Level, Offense, Equivalent, Jurisdiction, PreservationItem)
                 for f in m.model_fields})
