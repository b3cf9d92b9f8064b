"""Read case files and firm profiles into models, with every error located.

pydantic reports each problem with a ``loc`` path; we walk it back to the line and
column the YAML loader recorded, and suggest the nearest known key for a typo.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import CaseFileError, UnknownIdError, ValidationErrors, shown
from .models import Case, Firm
from .yamlio import Located, dotted, load_yaml


@dataclass(frozen=True)
class LoadedCase:
    """A validated case and where its fields came from."""

    case: Case
    source: Located

    @property
    def path(self) -> Path:
        return self.source.path

    def where(self, *loc: str | int, key: bool = False) -> dict[str, Any]:
        """``file``, ``line``, ``col`` and ``field`` for a dotted location in this case."""
        return {**self.source.where(loc, key=key), "field": dotted(loc) or None}


@dataclass(frozen=True)
class LoadedFirm:
    firm: Firm
    source: Located

    @property
    def path(self) -> Path:
        return self.source.path

    def attorney(self, attorney_id: str | None, **where):
        """The attorney with this id, or the firm's first attorney when none is named."""
        if attorney_id is None:
            return self.firm.attorneys[0]
        for attorney in self.firm.attorneys:
            if attorney.id == attorney_id:
                return attorney
        raise UnknownIdError(
            what="attorney id",
            value=attorney_id,
            known=[a.id for a in self.firm.attorneys],
            **where,
        )

    def folder(self, value: str | None) -> Path | None:
        """A folder named in the profile, relative to the profile itself."""
        if value is None:
            return None
        return (self.path.parent / value).resolve()


def load_case(path: str | Path) -> LoadedCase:
    """Load and validate a case file; raises ``CaseFileError`` naming file, line and field."""
    source = load_yaml(path)
    case = _validate(Case, source, what="case file")
    loaded = LoadedCase(case=case, source=source)
    _check_observations_in_period(loaded)
    return loaded


def load_firm(path: str | Path) -> LoadedFirm:
    """Load and validate a firm profile."""
    source = load_yaml(path)
    firm = _validate(Firm, source, what="firm profile")
    return LoadedFirm(firm=firm, source=source)


def find_firm(case_path: Path, explicit: str | Path | None = None) -> Path:
    """``--firm`` if given, else ``firm.yaml`` next to the case or in a parent folder."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise CaseFileError("firm profile not found", file=path)
        _refuse_untrusted_firm(path, explicit=True)
        return path
    for folder in [case_path.resolve().parent, *case_path.resolve().parents]:
        candidate = folder / "firm.yaml"
        if candidate.is_file():
            # found, not chosen: one planted in a shared parent (/tmp/firm.yaml) by another
            # user would give every letter their letterhead, templates and signer
            _refuse_untrusted_firm(candidate, explicit=False)
            return candidate
    raise CaseFileError(
        "no firm profile: put firm.yaml next to the case file or in a parent folder, or pass --firm",
        file=case_path,
    )


def untrusted_reason(path: Path, *, explicit: bool) -> str | None:
    """Why a firm profile, template or folder cannot be trusted, or None: anyone can
    write it, anyone can replace it (its folder is writable by all and not sticky), or —
    when it was found rather than named — it belongs to another user."""
    import os
    import stat

    try:
        st = os.stat(path)
        parent = os.stat(os.path.dirname(os.path.abspath(path)) or ".")
    except OSError:
        return None  # the caller's own open words the error
    if st.st_mode & stat.S_IWOTH:
        return "is writable by every user"
    if parent.st_mode & stat.S_IWOTH and not parent.st_mode & stat.S_ISVTX:
        return "is in a folder every user can write to"
    if not explicit and st.st_uid not in (0, os.getuid()):
        return f"belongs to another user (uid {st.st_uid}); pass it with --firm if it is yours to use"
    return None


def _refuse_untrusted_firm(path: Path, *, explicit: bool) -> None:
    reason = untrusted_reason(path, explicit=explicit)
    if reason:
        raise CaseFileError(f"firm profile {reason}; drafting will not use it", file=path)


# ---------------------------------------------------------------- validation errors


def _validate(model: type[BaseModel], source: Located, *, what: str):
    if not isinstance(source.data, dict):
        raise CaseFileError(
            f"a {what} must be a mapping of keys (matter:, client: …), not a {_kind(source.data)}",
            file=source.path,
            line=1,
        )
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        errors = [_locate(err, model, source) for err in exc.errors(include_url=False)]
        errors.sort(key=lambda e: (e.line or 0, e.col or 0))
        if len(errors) == 1:
            raise errors[0] from None
        raise ValidationErrors(errors) from None


def _kind(value: object) -> str:
    return {list: "list", str: "single value"}.get(type(value), type(value).__name__)


def _locate(err: dict, model: type[BaseModel], source: Located) -> CaseFileError:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    field = dotted(loc) or None
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        message = f"unknown key {shown(loc[-1])}"
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif known:
            message += f"; known keys here: {', '.join(known)}"
        return CaseFileError(message, field=field, **source.where(loc, key=True))
    if kind == "missing":
        parent = loc[:-1]
        where = source.where(parent, key=True) if parent else {"file": source.path, "line": 1, "col": 1}
        return CaseFileError("required field is missing", field=field, **where)
    message = _message(err)
    return CaseFileError(message, field=field, **source.where(loc))


def _message(err: dict) -> str:
    kind, msg = err["type"], err["msg"]
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "literal_error":
        return f"{msg[0].lower()}{msg[1:]}, got {shown(err.get('input'))}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected a mapping of keys"
    if kind == "list_type":
        return "expected a list (one item per line starting with -)"
    if kind in ("string_type",):
        return "expected text"
    if kind.startswith("int_"):
        return f"expected a whole number, got {shown(err.get('input'))}" if kind == "int_parsing" else msg[0].lower() + msg[1:]
    if kind == "too_short":
        return "must have at least one entry"
    return msg[0].lower() + msg[1:]


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` (a path inside ``model``)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = _field_by_key(current, part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: str):
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None if get_origin(annotation) is None else None


# ---------------------------------------------------------------- cross-field checks


def _check_observations_in_period(loaded: LoadedCase) -> None:
    errors = []
    for i, request in enumerate(loaded.case.preservation or []):
        start, end = request.period.start, request.period.end
        for j, obs in enumerate(request.observations):
            local_day = obs.at.date()
            utc_day = obs.at.astimezone(dt.timezone.utc).date()
            if not (start <= local_day <= end or start <= utc_day <= end):
                errors.append(
                    CaseFileError(
                        f"observation falls outside the period ({start.isoformat()} to {end.isoformat()})",
                        **loaded.where("preservation", i, "observations", j, "at"),
                    )
                )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
