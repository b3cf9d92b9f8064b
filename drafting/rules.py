"""Rule data shipped with the package: registration rules and offenses per jurisdiction,
and the preservation catalogue (docs/RULES.md).

The YAML files live in ``drafting/data``; a firm may add records, or confirm facts for
its own letters, with a folder of the same layout. Every malformed record is a
``RuleDataError`` naming ``file:line:col`` and the field; every problem of a file is
reported, not only the first.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from .errors import RuleDataError, RuleDataErrors, UnknownIdError
from .rule_models import (
    REQUIRED_FACTS,
    Absent,
    Fact,
    FactOrAbsent,
    Jurisdiction,
    JurisdictionPatch,
    Offense,
    PreservationItem,
)
from .rule_reading import OnDemand, errors_of, read, records_in, validate
from .vocabulary import RECIPIENT_KINDS
from .yamlio import Located, dotted

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class RuleRecord:
    """Where a record came from, for staleness checks."""

    file: Path
    line: int
    kind: Literal["offense", "registration", "preservation"]
    id: str
    verified: date


@dataclass(frozen=True)
class Gap:
    """A fact a client-ready letter needs that the rule data lacks or holds only from a summary."""

    jurisdiction: str
    fact: str  # "facts.relief", "levels[2]", "offenses[0].level"
    reason: Literal["missing", "secondary"]
    file: Path
    line: int
    note: str = ""

    def describe(self) -> str:
        what = "is missing from the rule data" if self.reason == "missing" else "rests only on a secondary source"
        return f"{self.jurisdiction} {self.fact} {what}" + (f" ({self.note})" if self.note else "")


class RuleBook:
    """All rule data, bundled plus a firm's additions. Treat as read-only (it is cached).
    A bundled jurisdiction's file is read when the book is first asked about it."""

    def __init__(self) -> None:
        self._offenses: dict[str, Offense] = {}
        self._registration: dict[str, Jurisdiction] = {}
        self._codes: list[str] = []  # every jurisdiction, read or not: US first, then by file name
        self._unread: dict[str, Path] = {}  # code -> bundled file not yet read
        self.offenses: Mapping[str, Offense] = OnDemand(self._offenses, lambda oid: oid.split("-", 1)[0].upper(),
                                                        self._read, self.read_all)
        self.registration: Mapping[str, Jurisdiction] = OnDemand(self._registration, str.upper,
                                                                 self._read, self.read_all, self._codes)
        self.preservation: dict[str, PreservationItem] = {}
        self._records: dict[tuple[str, str], RuleRecord] = {}
        self._where: dict[tuple[str, tuple], tuple[Path, int]] = {}  # (code, path in file) -> file, line
        self._gaps: dict[tuple, Gap | None] = {}

    def records(self) -> list[RuleRecord]:
        self.read_all()
        return list(self._records.values())

    def offenses_of(self, *codes: str) -> dict[str, Offense]:
        """The offenses of these jurisdictions only (each read if it was not yet)."""
        for code in codes:
            self._read(code)
        return {k: o for k, o in self._offenses.items() if o.jurisdiction in codes}

    def stale(self, as_of: date, max_age_days: int = 365) -> list[RuleRecord]:
        return [r for r in self.records() if (as_of - r.verified).days > max_age_days]

    def offense(self, id: str, **where: Any) -> Offense:
        if id not in self.offenses:
            # the whole library is long: name the ids of that jurisdiction, or the nearest ones
            prefix = id.split("-", 1)[0].lower() + "-"
            known = [o for o in self.offenses if o.startswith(prefix)] or \
                difflib.get_close_matches(id, list(self.offenses), n=8, cutoff=0.4)
            raise UnknownIdError(what="offense", value=id, known=known or list(self.offenses)[:8], **where)
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
        if kind not in RECIPIENT_KINDS:
            raise UnknownIdError(what="recipient kind", value=kind, known=list(RECIPIENT_KINDS))
        return [i for i in self.preservation.values() if kind in i.default_for]

    def where(self, code: str, *path: str | int) -> tuple[Path, int]:
        """The file and line of a path inside a jurisdiction's record (nearest known parent)."""
        self._read(code)
        loc = tuple(path)
        while loc and (code, loc) not in self._where:
            loc = loc[:-1]
        return self._where.get((code, loc), (DATA_DIR / "registration" / f"{code.lower()}.yaml", 1))

    def gap(self, code: str, value: Any, *path: str | int, note: str = "") -> Gap | None:
        """The gap a value leaves in a client-ready letter, or None when it is statute law
        (remembered: the book is read-only, and every letter asks about the same facts)."""
        key = (code, path, note, type(value), getattr(value, "basis", None))
        if key not in self._gaps:
            self._gaps[key] = self._find_gap(code, value, *path, note=note)
        return self._gaps[key]

    def _find_gap(self, code: str, value: Any, *path: str | int, note: str = "") -> Gap | None:
        if isinstance(value, Absent) or value is None:
            reason, note = "missing", note or (value.missing if isinstance(value, Absent) else "")
        elif getattr(value, "basis", "statute") == "secondary":
            reason = "secondary"
        else:
            return None
        file, line = self.where(code, *path)
        return Gap(code, dotted(path), reason, file, line, note)  # type: ignore[arg-type]

    def gaps(self, code: str, facts: tuple[str, ...] = REQUIRED_FACTS, extras: tuple[str, ...] = (),
             levels: bool = True) -> list[Gap]:
        """The facts of a jurisdiction (and its levels) that would keep a letter a draft."""
        j = self.jurisdiction(code)
        found = [self.gap(code, getattr(j.facts, name), "facts", name) for name in facts]
        for name in extras:
            i = next((n for n, f in enumerate(j.facts.extra) if f.id == name), None)
            found.append(self.gap(code, None if i is None else j.facts.extra[i], "facts", "extra",
                                  *(() if i is None else (i,)), note=name))
        if levels:
            found += [self.gap(code, lv, "levels", i) for i, lv in enumerate(j.levels)]
        return [g for g in found if g is not None]

    # -- loading --------------------------------------------------------------------
    def _remember(self, code: str, located: Located) -> None:
        """Where each path of a jurisdiction's file is; a key's own line where it has one."""
        for table in (located.positions, located.key_positions):
            for loc, (line, _col) in table.items():
                self._where[(code, tuple(loc))] = (located.path, line)
        self._where[(code, ())] = (located.path, 1)

    def _add_jurisdiction(self, rec: Jurisdiction, located: Located) -> None:
        offenses = [o.model_copy(update={"jurisdiction": rec.code}) for o in rec.offenses]
        rec = rec.model_copy(update={"offenses": offenses})
        self._registration[rec.code] = rec
        self._remember(rec.code, located)
        self._records[("registration", rec.code)] = RuleRecord(located.path, 1, "registration", rec.code,
                                                               _newest(rec))
        for i, off in enumerate(offenses):
            self._add_offense(off, located, ("offenses", i))

    def _add_offense(self, off: Offense, located: Located, loc: tuple) -> None:
        known = self.offenses.get(off.id)  # a firm's id may belong to a file not read yet
        if known is not None and known.jurisdiction != off.jurisdiction:
            raise RuleDataError(f"offense id {off.id!r} is also defined for {known.jurisdiction}",
                                field=dotted(loc + ("id",)), **located.where(loc + ("id",)))
        self._offenses[off.id] = off
        line = located.where(loc)["line"]
        self._records[("offense", off.id)] = RuleRecord(located.path, line, "offense", off.id, off.verified)

    def _patch(self, patch: JurisdictionPatch, located: Located, attorneys: frozenset[str]) -> None:
        """A firm's partial record over a bundled jurisdiction: facts by name, the rest by id."""
        base = self.registration[patch.code]
        errors: list[RuleDataError] = []
        facts = {k: getattr(base.facts, k) for k in type(base.facts).model_fields}
        for name, raw in patch.facts.items():
            loc = ("facts", name)
            if name not in facts or name == "extra":
                near = difflib.get_close_matches(name, list(facts), n=1)
                errors.append(RuleDataError(f"unknown fact {name!r}" + (f"; did you mean {near[0]!r}?" if near else ""),
                                            field=dotted(loc), **located.where(loc, key=True)))
                continue
            try:
                fact = _FACT.validate_python(raw)
            except ValidationError as exc:
                errors.extend(errors_of(exc, located, loc, Fact))
                continue
            if isinstance(fact, Fact) and fact.basis == "statute" and fact.verified_by not in attorneys:
                errors.append(RuleDataError(
                    "a firm's statute fact needs verified_by: the id of the firm attorney who read the statute"
                    + (f" (known: {', '.join(sorted(attorneys))})" if attorneys else ""),
                    field=dotted(loc + ("verified_by",)), **located.where(loc, key=True)))
                continue
            facts[name] = fact
            for sub, (line, _c) in located.positions.items():
                if sub[:2] == loc:
                    self._where[(patch.code, sub)] = (located.path, line)
            self._where[(patch.code, loc)] = (located.path, located.where(loc)["line"])
        if errors:
            raise RuleDataErrors(errors)
        levels = {lv.id: lv for lv in base.levels} | {lv.id: lv for lv in patch.levels}
        offenses = {o.id: o for o in base.offenses} | {o.id: o for o in patch.offenses}
        equivalents = {e.offense: e for e in base.equivalents} | {e.offense: e for e in patch.equivalents}
        merged = base.model_copy(update={
            "name": patch.name or base.name, "scheme": patch.scheme or base.scheme,
            "levels": list(levels.values()), "facts": base.facts.model_copy(update=facts),
            "offenses": [o.model_copy(update={"jurisdiction": base.code}) for o in offenses.values()],
            "equivalents": list(equivalents.values()),
        })
        self._registration[patch.code] = merged
        for i, off in enumerate(patch.offenses):
            self._add_offense(off.model_copy(update={"jurisdiction": base.code}), located, ("offenses", i))

    def _load_dir(self, folder: Path, *, bundled: bool, attorneys: frozenset[str] = frozenset()) -> None:
        preservation, offenses = folder / "preservation.yaml", folder / "offenses.yaml"
        reg_dir = folder / "registration"
        if bundled or preservation.exists():
            located = read(preservation)
            for loc, rec in records_in(located, "items", PreservationItem):
                self.preservation[rec.id] = rec
                line = located.where(loc)["line"]
                self._records[("preservation", rec.id)] = RuleRecord(located.path, line, "preservation", rec.id,
                                                                     rec.verified)
        paths = sorted(reg_dir.glob("*.yaml"), key=lambda p: (p.stem.lower() != "us", p.name))
        if bundled:  # read when first asked for (_read): the file's name is its code
            for path in paths:
                self._codes.append(path.stem.upper())
                self._unread[path.stem.upper()] = path
            return
        seen: dict[str, Path] = {}
        for path in paths:
            located = read(path)
            code = located.data.get("code") if isinstance(located.data, dict) else None
            if isinstance(code, str) and code in self.registration:
                self._read(code)
                self._patch(validate(JurisdictionPatch, located.data, located, ()), located, attorneys)
                self._check_jurisdiction(code)
                continue
            rec = validate(Jurisdiction, located.data, located, ())
            if rec.code in seen:
                raise RuleDataError(f"code {rec.code!r} is also defined in {seen[rec.code].name}",
                                    field="code", **located.where(("code",)))
            seen[rec.code] = path
            self._codes.append(rec.code)
            self._add_jurisdiction(rec, located)
            self._check_jurisdiction(rec.code)
        if offenses.exists():
            located = read(offenses)
            for loc, off in records_in(located, "offenses", Offense):
                if off.jurisdiction is None:
                    raise RuleDataError("a firm's offense needs its jurisdiction (a two-letter code or US)",
                                        field=dotted(loc + ("jurisdiction",)), **located.where(loc, key=True))
                self._add_offense(off, located, loc)
                self._check_firm_offense(off)

    def _read(self, code: str) -> None:
        """Read a bundled jurisdiction's file, if it is one not read yet, and check its links."""
        path = self._unread.pop(code, None)
        if path is None:
            return
        try:
            located = read(path)
            rec = validate(Jurisdiction, located.data, located, ())
            if rec.code != code:
                raise RuleDataError(f"code {rec.code!r} is not the file's name: {code.lower()}.yaml holds {code}",
                                    field="code", **located.where(("code",)))
            for i, off in enumerate(rec.offenses):
                if not off.id.startswith(code.lower() + "-"):
                    raise RuleDataError(f"an offense id of {code} begins {code.lower()}-", field=f"offenses[{i}].id",
                                        **located.where(("offenses", i, "id")))
            self._add_jurisdiction(rec, located)
            self._check_jurisdiction(code)
        except Exception:
            self._unread[code] = path  # asked again, it fails again rather than seeming unknown
            self._registration.pop(code, None)
            raise

    def read_all(self) -> None:
        """Read every jurisdiction's file now (a batch does, once, before forking its workers,
        which then share it; a single letter reads only the files it needs)."""
        for code in list(self._unread):
            self._read(code)

    def _check_firm_offense(self, off: Offense) -> None:
        """A firm's offense must name a known jurisdiction and one of its levels."""
        rec = self._records[("offense", off.id)]
        juris = self.registration.get(off.jurisdiction or "")
        if juris is None:
            raise RuleDataError(f"offense {off.id}: no registration rules for {off.jurisdiction!r}",
                                file=rec.file, line=rec.line, field="jurisdiction")
        self._check_level(juris, off.level, ("level",), rec.file, line=rec.line)

    def _check_jurisdiction(self, code: str) -> None:
        """Each offense's level and each equivalent must name a known offense and level."""
        juris = self._registration[code]
        file = self._where.get((code, ()), (Path(code), 1))[0]
        for i, off in enumerate(juris.offenses):
            self._check_level(juris, off.level, ("offenses", i, "level"), file)
        for i, eq in enumerate(juris.equivalents):
            if eq.offense not in self.offenses:  # reads the other jurisdiction's file
                self._link_error(code, ("equivalents", i, "offense"), f"unknown offense {eq.offense!r}", file)
            self._check_level(juris, eq.level, ("equivalents", i, "level"), file)

    def _check_level(self, juris: Jurisdiction, ref: Any, loc: tuple, file: Path, line: int | None = None) -> None:
        ids = ([ref] if isinstance(ref, str) else list(ref.values()) if isinstance(ref, dict)
               else [case.level for case in ref] if isinstance(ref, list) else [])
        for level_id in ids:
            if level_id != "none" and juris.level(level_id) is None:
                known = ", ".join(lv.id for lv in juris.levels)
                message = f"{juris.code} has no level {level_id!r}; known: {known}"
                if line is not None:
                    raise RuleDataError(message, file=file, line=line, field=dotted(loc))
                self._link_error(juris.code, loc, message, file)

    def _link_error(self, code: str, loc: tuple, message: str, file: Path) -> None:
        file, line = self.where(code, *loc)
        raise RuleDataError(message, file=file, line=line, field=dotted(loc))


_FACT = TypeAdapter(FactOrAbsent)


def _newest(rec: Jurisdiction) -> date:
    """The oldest verification date in a record: a record is as fresh as its stalest fact."""
    dates = [lv.verified for lv in rec.levels]
    dates += [getattr(rec.facts, n).verified for n in REQUIRED_FACTS if isinstance(getattr(rec.facts, n), Fact)]
    return min(dates) if dates else date.min


def _fingerprint(folder: Path) -> tuple:
    files = [folder / "offenses.yaml", folder / "preservation.yaml", *sorted((folder / "registration").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


def load_rules(extra_dir: Path | str | None = None, *, attorneys: tuple[str, ...] = ()) -> RuleBook:
    """The bundled rule data, plus a firm's records from ``extra_dir`` (which win on equal ids).
    ``attorneys`` are the firm's attorney ids, who may confirm facts (``verified_by``)."""
    if extra_dir is None:
        return _load(None, (), frozenset())
    folder = Path(extra_dir).expanduser().resolve()
    if not folder.is_dir():
        raise RuleDataError("rule data folder not found", file=folder)
    return _load(folder, _fingerprint(folder), frozenset(attorneys))


@functools.lru_cache(maxsize=16)
def _load(extra_dir: Path | None, _stamp: tuple, attorneys: frozenset[str]) -> RuleBook:
    book = RuleBook()
    book._load_dir(DATA_DIR, bundled=True)
    if extra_dir is not None:
        book._load_dir(extra_dir, bundled=False, attorneys=attorneys)
    return book
