"""The document kinds. Each is one ``Kind`` in its own module: its template, the case
sections it needs, the function that turns a case into letter contexts, the model of
those contexts, which list section its letters come from, its `drafting new` skeleton
and its help text. Everything else (the CLI, `check`, the template linter, `drafting new`,
docs/CONTEXT.md via `make docs`, the tests' parameter lists) reads them from ``KINDS``.
Adding a kind means one module, one line below, a template and its tests (and its case
section in ``models.Case`` if it needs data the case file does not have yet)."""

from __future__ import annotations

from . import advisory, engagement, preservation
from .base import Inputs, Kind, Letter

KINDS: dict[str, Kind] = {k.name: k for k in (engagement.KIND, preservation.KIND, advisory.KIND)}

__all__ = ["KINDS", "Kind", "Letter", "Inputs"]
