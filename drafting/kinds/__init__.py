"""The document kinds. Each is declared once here: its template, the case sections it
needs, and the function that turns a case into one or more letter contexts. Adding a
kind means one module, one line below, a template and its tests."""

from __future__ import annotations

from . import advisory, engagement, preservation
from .base import Kind, Letter, Inputs

KINDS: dict[str, Kind] = {k.name: k for k in (engagement.KIND, preservation.KIND, advisory.KIND)}

__all__ = ["KINDS", "Kind", "Letter", "Inputs"]
