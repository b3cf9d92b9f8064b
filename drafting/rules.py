"""Rule data shipped with the package: offense library, registration rules, preservation catalogue.

The YAML files live in ``drafting/data``; a firm may add or replace records with a folder of
the same layout. Every record carries its ``citation`` and the date it was last ``verified``.
Any malformed record is a ``RuleDataError`` naming ``file:line:col`` and the field.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import ValidationInfo, field_validator, model_validator

from .errors import CaseFileError, RuleDataError, UnknownIdError
from .yamlio import Located, dotted, load_yaml

DATA_DIR = Path(__file__).parent / "data"
Kind = Literal["isp", "agency", "prosecutor", "third-party"]


_int_to_str = BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)
# no character a Word document cannot hold: it would otherwise be blamed on the template
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                        pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]*$")]
Id = Annotated[str, _int_to_str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")]
Code = Annotated[str, StringConstraints(pattern=r"^(US|[A-Z]{2})$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Penalty(_Model):
    """Statutory range; ``maximum_years`` None means life."""

    minimum_years: int = Field(ge=0)
    maximum_years: int | None = Field(ge=1)
    aggravated_maximum_years: int | None = None
    prior_minimum_years: int | None = None
    prior_maximum_years: int | None = None
    summary: Text
    citation: Text

    @field_validator("summary")
    @classmethod
    def _summary_agrees(cls, summary: str, info: ValidationInfo) -> str:
        """Every number in the structured fields must appear in the summary."""
        numbers = set(re.findall(r"\d+", summary))
        lower = summary.lower()
        for name, value in info.data.items():
            if name == "minimum_years" and value == 0:
                if "no mandatory minimum" not in lower:
                    raise ValueError("minimum_years is 0 but the summary does not say 'no mandatory minimum'")
            elif name == "maximum_years" and value is None:
                if "life" not in lower:
                    raise ValueError("maximum_years is null (life) but the summary does not say 'life'")
            elif isinstance(value, int) and str(value) not in numbers:
                raise ValueError(f"{name} is {value} but the summary does not mention {value}")
        return summary

    @model_validator(mode="after")
    def _ordered(self) -> Penalty:
        top = self.maximum_years
        if top is not None and top < self.minimum_years:
            raise ValueError("maximum_years is below minimum_years")
        if self.aggravated_maximum_years is not None and top is not None and self.aggravated_maximum_years <= top:
            raise ValueError("aggravated_maximum_years must exceed maximum_years")
        lo, hi = self.prior_minimum_years, self.prior_maximum_years
        if lo is not None and hi is not None and hi < lo:
            raise ValueError("prior_maximum_years is below prior_minimum_years")
        return self


class Offense(_Model):
    id: Id
    jurisdiction: Code
    statute: Text
    title: Text
    penalty: Penalty | None
    sorna_tier: Annotated[int, Field(ge=1, le=3)] | None
    state_tiers: dict[Code, Id] = {}
    citation: Text
    verified: date
    caveat: Text | None = None


class Level(_Model):
    """A tier or level; ``duration_years`` None means life."""

    id: Id
    label: Text
    duration_years: int | None = Field(ge=1)
    duration: Text
    verification: Text
    verification_months: int | None = Field(ge=1, le=120)
    citation: Text

    @model_validator(mode="after")
    def _duration_agrees(self) -> Level:
        expected = "life" if self.duration_years is None else str(self.duration_years)
        if expected not in re.findall(r"\d+|life", self.duration.lower()):
            raise ValueError(f"duration {self.duration!r} does not agree with duration_years ({expected})")
        return self


class Restriction(_Model):
    text: Text
    citation: Text


class Consequence(_Model):
    title: Text
    text: Text
    citation: Text


class Jurisdiction(_Model):
    """The registration record of one jurisdiction ("US" = the federal SORNA baseline)."""

    code: Code
    name: Text
    scheme: Literal["tier", "level", "single"]
    levels: list[Level] = Field(min_length=1)
    determined_by: Text  # completes "Determined by …" in the summary table
    decided_by: Text
    register_deadline: Text
    change_deadline: Text
    verification_summary: Text
    internet_identifiers: Text | None = None
    travel: Text | None = None
    public_registry: Text | None = None
    restrictions: list[Restriction] = []
    relief: Text | None = None
    failure_to_register: Text | None = None
    other_consequences: list[Consequence] = []
    citation: Text
    verified: date
    caveat: Text | None = None

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


class PreservationItem(_Model):
    id: Id
    text: Text
    kinds: list[Kind] = Field(min_length=1)
    default_for: list[Kind]
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


@dataclass(frozen=True)
class RuleRecord:
    """Where a record came from, for staleness checks."""

    file: Path
    line: int
    kind: Literal["offense", "registration", "preservation"]
    id: str
    verified: date


_FIELDS = sorted({f for m in (Penalty, Offense, Level, Restriction, Consequence, Jurisdiction, PreservationItem)
                  for f in m.model_fields})


class RuleBook:
    """All rule data, bundled plus a firm's additions. Treat as read-only (it is cached)."""

    def __init__(self) -> None:
        self.offenses: dict[str, Offense] = {}
        self.registration: dict[str, Jurisdiction] = {}
        self.preservation: dict[str, PreservationItem] = {}
        self._records: dict[tuple[str, str], RuleRecord] = {}
        self._origin: dict[str, tuple[Located, tuple]] = {}

    def records(self) -> list[RuleRecord]:
        return list(self._records.values())

    def stale(self, as_of: date, max_age_days: int = 365) -> list[RuleRecord]:
        return [r for r in self._records.values() if (as_of - r.verified).days > max_age_days]

    def offense(self, id: str, **where: Any) -> Offense:
        if id not in self.offenses:
            raise UnknownIdError(what="offense", value=id, known=list(self.offenses), **where)
        return self.offenses[id]

    def jurisdiction(self, code: str, **where: Any) -> Jurisdiction:
        found = self.registration.get(str(code).upper())
        if found is None:
            raise UnknownIdError(what="state", value=code, known=list(self.registration), **where)
        return found

    def item(self, id: str, **where: Any) -> PreservationItem:
        if id not in self.preservation:
            raise UnknownIdError(what="preservation item", value=id, known=list(self.preservation), **where)
        return self.preservation[id]

    def items_for(self, kind: str) -> list[PreservationItem]:
        if kind not in Kind.__args__:
            raise UnknownIdError(what="recipient kind", value=kind, known=list(Kind.__args__))
        return [i for i in self.preservation.values() if kind in i.default_for]

    def _add(self, kind: str, table: dict, record: Any, key: str, located: Located, loc: tuple) -> None:
        line = located.where(loc)["line"]
        table[key] = record
        self._records[(kind, key)] = RuleRecord(located.path, line, kind, key, record.verified)  # type: ignore[arg-type]
        if kind == "offense":
            self._origin[key] = (located, loc)

    def _load_dir(self, folder: Path, *, required: bool) -> None:
        offenses, preservation, reg_dir = folder / "offenses.yaml", folder / "preservation.yaml", folder / "registration"
        if required or offenses.exists():
            located = _read(offenses)
            for loc, rec in _records_in(located, "offenses", Offense):
                self._add("offense", self.offenses, rec, rec.id, located, loc)
        if required or preservation.exists():
            located = _read(preservation)
            for loc, rec in _records_in(located, "items", PreservationItem):
                self._add("preservation", self.preservation, rec, rec.id, located, loc)
        seen: dict[str, Path] = {}
        for path in sorted(reg_dir.glob("*.yaml"), key=lambda p: (p.stem.lower() != "us", p.name)):
            located = _read(path)
            rec = _validate(Jurisdiction, located.data, located, ())
            if rec.code in seen:
                raise RuleDataError(f"code {rec.code!r} is also defined in {seen[rec.code].name}",
                                    field="code", **located.where(("code",)))
            seen[rec.code] = path
            self._add("registration", self.registration, rec, rec.code, located, ())

    def _check_links(self) -> None:
        """Each offense's sorna_tier and state_tiers must name a known jurisdiction and level."""
        for oid, off in self.offenses.items():
            located, loc = self._origin[oid]
            links = [(("sorna_tier",), "US", off.sorna_tier)] if off.sorna_tier is not None else []
            links += [(("state_tiers", code), code, level) for code, level in off.state_tiers.items()]
            for sub, code, level in links:
                juris, at = self.registration.get(code), loc + sub
                if juris is None:
                    msg = f"no registration rules for {code!r}; known: " + ", ".join(sorted(self.registration))
                elif juris.level(level) is None:
                    msg = f"{code} has no level {level!r}; known: " + ", ".join(lv.id for lv in juris.levels)
                else:
                    continue
                raise RuleDataError(msg, field=dotted(at), **located.where(at))


def _read(path: Path) -> Located:
    try:
        return load_yaml(path)
    except CaseFileError as exc:
        raise RuleDataError(exc.message, file=exc.file, line=exc.line, col=exc.col, field=exc.field) from exc


def _records_in(located: Located, key: str, model: type[_Model]) -> list[tuple[tuple, Any]]:
    """Validate ``{key: [record, ...]}``; ids must be unique within the file."""
    data = located.data
    if not isinstance(data, dict) or set(data) != {key} or not isinstance(data[key], list):
        raise RuleDataError(f"must be a mapping with one key, '{key}', holding a list of records",
                            **located.where(()))
    out, seen = [], set()
    for i, raw in enumerate(data[key]):
        loc = (key, i)
        rec = _validate(model, raw, located, loc)
        if rec.id in seen:
            raise RuleDataError(f"id {rec.id!r} appears more than once", field=dotted(loc + ("id",)),
                                **located.where(loc + ("id",)))
        seen.add(rec.id)
        out.append((loc, rec))
    return out


def _validate(model: type[_Model], raw: Any, located: Located, prefix: tuple) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        err = errors[0]
        loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        if err["type"] == "extra_forbidden":
            name = str(loc[-1])
            near = difflib.get_close_matches(name, _FIELDS, n=1)
            msg = f"unknown key {name!r}" + (f"; did you mean {near[0]!r}?" if near else "")
            where = located.where(loc, key=True)
        else:
            msg = err["msg"].removeprefix("Value error, ")
            where = located.where(loc)
        if len(errors) > 1:
            msg += f" (and {len(errors) - 1} more problem(s) in this record)"
        raise RuleDataError(msg, field=dotted(loc) or None, **where) from None


def _fingerprint(folder: Path) -> tuple:
    files = [folder / "offenses.yaml", folder / "preservation.yaml", *sorted((folder / "registration").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


def load_rules(extra_dir: Path | str | None = None) -> RuleBook:
    """The bundled rule data, plus a firm's records from ``extra_dir`` (which win on equal ids)."""
    if extra_dir is None:
        return _load(None, ())
    folder = Path(extra_dir).expanduser().resolve()
    if not folder.is_dir():
        raise RuleDataError("rule data folder not found", file=folder)
    return _load(folder, _fingerprint(folder))


@functools.lru_cache(maxsize=16)
def _load(extra_dir: Path | None, _stamp: tuple) -> RuleBook:
    book = RuleBook()
    book._load_dir(DATA_DIR, required=True)
    if extra_dir is not None:
        book._load_dir(extra_dir, required=False)
    book._check_links()
    return book
