"""Golden documents: every example case, every kind it has data for, compared part by
part with tests/golden/. When a template or the wording changes on purpose, regenerate
with `pytest --update-golden` and say in the commit why each golden changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.kinds import KINDS
from drafting.render import Renderer

EXAMPLES = Path(__file__).parent.parent / "examples" / "cases"


def _params():
    for case in sorted(EXAMPLES.glob("*.yaml")):
        text = case.read_text(encoding="utf-8")
        for kind in KINDS.values():
            if all(f"\n{section}:" in text for section in kind.sections):
                yield pytest.param(kind.name, case, id=f"{case.stem}-{kind.name}")


@pytest.fixture(scope="module")
def renderer():
    return Renderer(draft=True)  # advisories whose rule data is not all statute yet render as marked drafts


@pytest.mark.parametrize("kind,case", list(_params()))
def test_example_matches_golden(kind, case, renderer, golden, tmp_path):
    docs = renderer.documents(kind, case, out_dir=tmp_path, letter_date="2026-11-28")
    assert docs
    for doc in docs:
        golden(doc.path.stem, doc.data)
