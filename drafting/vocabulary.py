"""The words the case files and the rule data share, defined once: recipient kinds, stages,
grades. Everything that lists them (models, rule data, labels, comments in written case
files) takes them from here, and so does the one character class no document may hold."""

from __future__ import annotations

import re
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


# The characters a Word document cannot hold (XML 1.0): C0 controls other than tab,
# newline and carriage return, surrogates, U+FFFE and U+FFFF. One pattern for the case
# models, the rule data and the rendering's last check.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
