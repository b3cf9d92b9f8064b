"""``drafting verify``: do the letters still say what the approved copies say?

Each case is rendered in memory and every letter compared, as ``drafting diff`` compares,
with the approved copy of the same name in the golden folder. A firm runs it in CI after
changing a template or upgrading drafting; ``update`` (re)writes the approved copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import CaseFileError, DraftingError, UsageError

SAME, DIFFERENT, MISSING, WRITTEN = "same", "different", "missing", "written"


@dataclass
class Verdict:
    """One letter against its approved copy."""

    case: str
    approved: Path
    status: str
    diff: list[str] = field(default_factory=list)


@dataclass
class VerifyReport:
    verdicts: list[Verdict] = field(default_factory=list)
    errors: list[DraftingError] = field(default_factory=list)  # cases that could not be rendered

    def _with(self, status: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == status]

    @property
    def different(self) -> list[Verdict]:
        return self._with(DIFFERENT)

    @property
    def missing(self) -> list[Verdict]:
        return self._with(MISSING)

    @property
    def exit_code(self) -> int:
        """0 all the same; 1 a difference or a case that fails; 2 an approved copy is missing."""
        if self.missing:
            return 2
        return 1 if self.different or self.errors else 0


def verify_cases(
    kind: str,
    cases: list[str | Path],
    golden_dir: str | Path,
    *,
    update: bool = False,
    letter_date: object = None,
    firm_path: str | Path | None = None,
    templates_dir: str | Path | None = None,
    draft: bool = False,
) -> VerifyReport:
    """Compare every letter the cases give for ``kind`` with ``golden_dir/<its name>``.

    A case without a ``date:`` needs ``letter_date``: a letter dated today would differ
    from its approved copy tomorrow.
    """
    from .batch import expand_inputs
    from .docxdiff import diff_documents
    from .output import prepare_out_dir, write_atomic
    from .render import Renderer, get_kind

    get_kind(kind)
    golden_dir = Path(golden_dir)
    if not update and not golden_dir.is_dir():
        raise UsageError(f"--golden {golden_dir}: no such folder (create the approved copies with --update)")
    renderer = Renderer(templates_dir=templates_dir, firm_path=firm_path, draft=draft)
    report = VerifyReport()
    for case in expand_inputs(cases):
        label = getattr(case, "label", str(case))
        try:
            loaded = case.load() if hasattr(case, "load") else None
            if loaded is None:
                from .loading import load_case

                loaded = load_case(case)
            if letter_date is None and loaded.case.date is None:
                raise CaseFileError("has no date: and no --date was given; a letter dated today would differ "
                                    "from its approved copy tomorrow", **loaded.source.whole(), field="date")
            docs = renderer.documents(kind, loaded, out_dir=golden_dir, letter_date=letter_date)
        except DraftingError as exc:
            report.errors.append(exc)
            continue
        for doc in docs:
            approved = doc.path
            if approved.is_file():
                lines = diff_documents(approved, doc.data, a_label=f"approved {approved}",
                                       b_label=f"rendered from {label}")
                if not lines:
                    report.verdicts.append(Verdict(label, approved, SAME))
                    continue
                verdict = Verdict(label, approved, DIFFERENT, lines)
            else:
                verdict = Verdict(label, approved, MISSING)
            if update:
                prepare_out_dir(golden_dir)
                write_atomic(approved, doc.data, force=True)
                verdict.status = WRITTEN
            report.verdicts.append(verdict)
    return report
