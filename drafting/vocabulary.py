"""The words the case files and the rule data share, defined once: recipient kinds, stages,
grades. Everything that lists them (models, rule data, labels, comments in written case
files) takes them from here."""

from __future__ import annotations

from typing import Literal, get_args

RecipientKind = Literal["isp", "agency", "prosecutor", "third-party"]
Stage = Literal["investigation", "charged", "convicted"]
Grade = Literal["felony", "misdemeanor"]

RECIPIENT_KINDS: tuple[str, ...] = get_args(RecipientKind)
STAGES: tuple[str, ...] = get_args(Stage)
GRADES: tuple[str, ...] = get_args(Grade)


def choices(values: tuple[str, ...]) -> str:
    """``"isp | agency | prosecutor | third-party"``, for comments and messages."""
    return " | ".join(values)
