"""Read case files and firm profiles into models, with every error located.

pydantic reports each problem with a ``loc`` path; we walk it back to the line and
column the YAML loader recorded, and suggest the nearest known key for a typo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import CaseFileError, UnknownIdError, ValidationErrors
from .models import Case, Firm
from .validation import located_errors
from .yamlio import Located, load_yaml


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
        return {**self.source.where(loc, key=key), "field": self.source.field_name(loc) or None}


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
    return validate_case(load_yaml(path))


def validate_case(source: Located) -> LoadedCase:
    """Validate plain case data (from a YAML file or a spreadsheet row) into a case."""
    case = _validate(Case, source, what="case file")
    loaded = LoadedCase(case=case, source=source)
    _check_observations_in_period(loaded)
    return _with_observation_files(loaded)


def _with_observation_files(loaded: LoadedCase) -> LoadedCase:
    """Add the observations each request reads from its ``observations_file``."""
    requests = loaded.case.preservation or []
    if not any(r.observations_file for r in requests):
        return loaded
    from .observations import read_observations, resolve

    errors: list[CaseFileError] = []
    updated = []
    for i, request in enumerate(requests):
        if not request.observations_file:
            updated.append(request)
            continue
        where = loaded.where("preservation", i, "observations_file")
        try:
            path = resolve(loaded.path.parent, request.observations_file, where)
            found = read_observations(path, where)
        except CaseFileError as exc:
            errors.extend(exc.errors if isinstance(exc, ValidationErrors) else [exc])
            continue
        start, end = request.period.start, request.period.end
        for obs, line in found:
            local_day, utc_day = obs.at.date(), obs.at.astimezone(dt.timezone.utc).date()
            if not (start <= local_day <= end or start <= utc_day <= end):
                errors.append(CaseFileError(
                    f"observation falls outside the period ({start.isoformat()} to {end.isoformat()})",
                    file=path, line=line, field="at"))
        updated.append(request.model_copy(update={"observations": list(request.observations)
                                                  + [obs for obs, _ in found]}))
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    return LoadedCase(case=loaded.case.model_copy(update={"preservation": updated}), source=loaded.source)


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
        errors = located_errors(exc, model, source)
        if len(errors) == 1:
            raise errors[0] from None
        raise ValidationErrors(errors) from None


def _kind(value: object) -> str:
    return {list: "list", str: "single value"}.get(type(value), type(value).__name__)


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
