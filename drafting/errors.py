"""Every error a user can cause, under one root.

Each class builds its own message from keyword arguments so messages stay consistent:
``file:line:col field: message``. The CLI turns a ``DraftingError`` into a red line on
stderr and exit code 1; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


def located(message: str, *, file=None, line=None, col=None, field=None) -> str:
    """``file:line:col field: message`` (as much of the place as is known): the one form
    every error and every ``drafting check`` finding is printed in."""
    loc = ""
    if file is not None:
        loc = str(file)
        if line is not None:
            loc += f":{line}"
            if col is not None:
                loc += f":{col}"
    parts = [loc] if loc else []
    if field:
        parts.append(field + ":")
    elif parts:
        parts[-1] += ":"
    parts.append(message)
    return " ".join(parts)


MAX_SHOWN = 60  # characters of a value the user typed that a message may repeat
MAX_MESSAGE = 1000  # a message longer than this is cut: errors and the manifest stay readable


def shown(value: object) -> str:
    """``repr(value)`` for a message, cut to ``MAX_SHOWN`` characters: enough to find the
    value, never a pasted page of a client's file."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 2] + "…" + text[-1]


class DraftingError(Exception):
    """A problem with a case, a firm profile, a template or an output (exit code 1)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"
        self.file = str(file) if file is not None else None
        self.line = line
        self.col = col
        self.field = field
        super().__init__(self.render())

    @property
    def location(self) -> str:
        """``file:line:col`` (as much of it as is known)."""
        if self.file is None:
            return ""
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.col is not None:
                loc += f":{self.col}"
        return loc

    def render(self) -> str:
        return located(self.message, file=self.file, line=self.line, col=self.col, field=self.field)

    def __str__(self) -> str:  # keep in step if attributes change after init
        return self.render()


class UsageError(DraftingError):
    """Wrong usage of the command line: an unknown kind, an unreadable --date (exit code 2)."""

    exit_code = 2


class CaseFileError(DraftingError):
    """A case file or firm profile that cannot be read or does not validate."""


class SectionMissingError(CaseFileError):
    """The case has no section the kind needs (no ``preservation:``): in a batch the
    case is *not applicable* to the kind, not a failure."""


class ValidationErrors(CaseFileError):
    """Several problems found in one file; each is a ``CaseFileError``."""

    def __init__(self, errors: list[CaseFileError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, col=first.col, field=first.field)

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


class UnknownIdError(CaseFileError):
    """An id (offense, preservation item, state, attorney, exclusion) that is not known."""

    def __init__(self, *, what: str, value: str, known: list[str], **where) -> None:
        known_list = ", ".join(sorted(known))
        super().__init__(f"unknown {what} {shown(value)}; known: {known_list}", **where)


class RuleDataError(DraftingError):
    """Shipped or firm-supplied rule data that is malformed."""


class RuleDataErrors(RuleDataError):
    """Every problem found in one rule file; each is a ``RuleDataError``."""

    def __init__(self, errors: list[RuleDataError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, col=first.col, field=first.field)

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


class DraftRequired(DraftingError):
    """A letter needs facts the rule data lacks or holds only from a secondary source."""

    def __init__(self, *, gaps: list, case_file=None) -> None:
        self.gaps = gaps
        super().__init__(
            f"not client-ready: {len(gaps)} fact(s) the letter needs are missing or rest only on a secondary "
            "source; confirm them in the firm's rules folder, or render with --draft:",
            file=case_file, line=1, field="advisory")

    def render(self) -> str:
        # One line per gap, never cut by MAX_MESSAGE: the firm needs every one to confirm.
        return "\n  ".join([super().render(), *(f"{g.file}:{g.line} {g.describe()}" for g in self.gaps)])


class TemplateError(DraftingError):
    """A template that is not a usable .docx or whose Jinja does not compile."""


class MissingFieldError(DraftingError):
    """A template printed a field the case does not give (never a silent blank)."""


class OutputExistsError(DraftingError):
    """The document exists and --force was not given."""

    def __init__(self, *, path: str | Path,
                 message: str = "already exists; not overwritten (use --force to replace it)") -> None:
        super().__init__(message, file=path)


class NothingToDo(DraftingError):
    """The inputs hold nothing the command could work on (no case files, no requests)."""


class NameClashError(CaseFileError):
    """Two letters would get one file name: two recipients, two cases of a run, or a
    letter of another matter already in ``--out``. Refused, ``--force`` or not."""

    def __init__(self, *, document: str | Path, other: str, **where) -> None:
        super().__init__(f"names the same document as {other} ({Path(document).name}); nothing was written "
                         "for this case; give each case its own matter id", **where)


class OutputError(DraftingError):
    """The output folder cannot be written."""


class PdfError(DraftingError):
    """PDF conversion failed or LibreOffice is not installed. ``converted``: the PDFs that
    were written before the failure (kept)."""

    def __init__(self, message: str, *, converted: list[Path] | tuple = (), **where) -> None:
        self.converted = list(converted)
        super().__init__(message, **where)


class BatchPdfError(PdfError):
    """A batch wrote its documents and manifest, then PDF conversion failed: ``report`` is
    the batch's report (the caller shows what was written), ``cause`` the conversion's error."""

    def __init__(self, *, cause: PdfError, report) -> None:
        self.cause, self.report = cause, report
        super().__init__(cause.message, converted=cause.converted, file=cause.file, line=cause.line,
                         col=cause.col, field=cause.field)
