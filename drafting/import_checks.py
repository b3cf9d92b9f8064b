"""``drafting import``'s second look at the rows that validate: offense ids, preservation
items and attorney ids checked against the firm's rule data and profile."""

from __future__ import annotations

from pathlib import Path

from .errors import CaseFileError, ValidationErrors
from .table import Table


def _each(exc: CaseFileError) -> list[CaseFileError]:
    return exc.errors if isinstance(exc, ValidationErrors) else [exc]


class _RuleChecker:
    """What ``drafting check`` would refuse in a case (an unknown offense id or item, an
    attorney the firm lacks), for every kind the row has data for. Needs the firm
    profile the cases will use: ``--firm``, else ``firm.yaml`` in the output folder or
    above it, else next to the sheet. Without one, only the case data is validated."""

    def __init__(self, table: Table, out_dir: Path, firm_path) -> None:
        from .errors import DraftingError
        from .loading import find_firm, load_firm

        self.table = table
        self.firm = None
        self.renderer = None
        probes = [table.path] if firm_path else [out_dir / "case.yaml", table.path]
        for probe in probes:
            try:
                found = find_firm(probe, firm_path)
            except DraftingError:
                if firm_path:
                    raise
                continue
            self.firm = load_firm(found)
            break
        if self.firm is not None:
            from .render import Renderer

            self.renderer = Renderer(firm_path=self.firm.path)

    def check(self, loaded) -> list[CaseFileError]:
        if self.renderer is None:
            return []
        from .errors import DraftingError
        from .kinds import KINDS

        found: list[CaseFileError] = []
        for kind in KINDS.values():
            if any(getattr(loaded.case, s) is None for s in kind.sections):
                continue
            try:
                self.renderer.letters(kind.name, loaded)
            except DraftingError as exc:
                # Only what the row can fix; a gap in the rule data is for `drafting check`.
                for e in _each(exc) if isinstance(exc, CaseFileError) else [exc]:
                    if e.file and e.file.startswith(self.table.prefix) or e.file == loaded.source.label:
                        found.append(e if isinstance(e, CaseFileError)
                                     else CaseFileError(e.message, file=e.file, field=e.field))
        return _unique(found)


def _unique(errors: list[CaseFileError]) -> list[CaseFileError]:
    seen, out = set(), []
    for e in errors:
        if str(e) not in seen:
            seen.add(str(e))
            out.append(e)
    return out
