"""The names documents get: slugs of the matter id and the recipient, inside ``--out``."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import CaseFileError, OutputError

MAX_SLUG = 60


def slug(text: str, *, what: str = "name", where: dict | None = None) -> str:
    """Lower-case ASCII letters, digits and single hyphens (``Harper & Vale`` -> ``harper-vale``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(out) > MAX_SLUG:  # cut at a word boundary where there is one
        cut = out[: MAX_SLUG + 1]
        out = cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG // 2 :] else cut[:MAX_SLUG]
    out = out.strip("-")
    if not out:
        raise CaseFileError(
            f"the {what} has no letters or digits (A–Z, 0–9) to name the output file with", **(where or {})
        )
    return out


def output_path(out_dir: Path, stem: str) -> Path:
    """``<out>/<stem>.docx``. The stem is a slug (lower-case letters, digits, hyphens; see
    ``slug``), so the name cannot climb out of ``out_dir`` or name a hidden file."""
    if not _SLUG.fullmatch(stem):
        raise ValueError(f"not a slug: {stem!r}")  # a bug: names come from slug()
    path = out_dir / f"{stem}.docx"
    if os.path.islink(path):  # planted there: a letter never goes through (or replaces) a link
        raise OutputError("is a symbolic link; drafting does not write through links", file=path)
    return path


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
