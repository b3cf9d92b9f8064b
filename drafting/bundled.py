"""Where the templates shipped with the package are (a module of its own, so finding them
does not import Jinja)."""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import TemplateError


@functools.cache
def bundled_templates() -> Path:
    """The templates shipped with the package (source checkout or installed wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "_bundled_templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("the bundled templates are missing from this installation", file=here)
