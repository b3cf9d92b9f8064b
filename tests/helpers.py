"""Small helpers shared by the content tests: write a case next to the example firm,
render it in memory, read the letter back as a reader would."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from drafting.docxtext import read_document, to_lines
from drafting.render import Renderer

EXAMPLES = Path(__file__).parent.parent / "examples"

# Words written to counsel or about the research, never to a client (SPEC "Client-ready").
RESEARCH_NOTE = re.compile(r"not stated|counsel will|counsel should|to be assessed|secondary source|"
                           r"last verified|ATTORNEY REVIEW|DRAFT|\[verify|reportedly|we have not|"
                           r"not read|unconfirmed|to be confirmed", re.I)


def draft_state() -> tuple[str, str, list[str]]:
    """A jurisdiction whose rule data still rests in part on summaries: its code, one of its
    offenses and the facts a resident's letter lacks. The refusal and draft tests' example;
    it moves as the statutes are read (it was Texas until Texas was)."""
    from drafting.advice import residence_gaps
    from drafting.rules import load_rules

    book = load_rules()
    for code in sorted(book.registration):
        facts = [g.fact for g in residence_gaps(book, code) if g.jurisdiction == code
                 and g.fact.startswith("facts.") and g.fact != "facts.out_of_state"]  # stated only for a conviction elsewhere
        if len(facts) >= 2 and book.jurisdiction(code).offenses:
            return code, book.jurisdiction(code).offenses[0].id, facts
    raise AssertionError("every jurisdiction is read in the statute: give these tests a firm patch that demotes facts")


def fuzz(n: int) -> int:
    """``n`` property-test examples under the default Hypothesis profile (100), scaled by the
    profile in use (``--hypothesis-profile=thorough`` or ``quick``, see conftest)."""
    from hypothesis import settings

    return max(3, round(n * settings().max_examples / 100))


def write_case(folder: Path, text: str, name: str = "case.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    firm = folder / "firm.yaml"
    if not firm.exists():
        firm.write_text((EXAMPLES / "firm.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def letters(kind: str, case: Path, *, date: str = "2026-11-28", draft: bool = False) -> dict[str, str]:
    """``{file name: the whole text as lines joined}`` for each document the case yields."""
    docs = Renderer(draft=draft).documents(kind, case, out_dir=case.parent / "out", letter_date=date)
    return {d.path.name: text_of(d.data) for d in docs}


def text_of(data: bytes, *, formatting: bool = False) -> str:
    """The document's reader-level lines; non-breaking spaces (after §) read as spaces."""
    return "\n".join(to_lines(read_document(data), formatting=formatting)).replace("\u00a0", " ")


def letter(kind: str, case: Path, **kw) -> str:
    (text,) = letters(kind, case, **kw).values()
    return text


def make_template(folder: Path, kind: str, body: list[str]) -> Path:
    """A one-paragraph-per-line template named after the kind (``{%p`` lines as whole paragraphs)."""
    from docx import Document

    doc = Document()
    for line in body:
        if line.startswith("{%p"):
            doc.add_paragraph(line)
        else:
            doc.add_paragraph().add_run(line)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.docx"
    doc.save(path)
    return path


def expected_message(message: str) -> str:
    """An expected error message with the rule data's id lists filled in, so a test does not
    break when the catalogue grows: ``{offenses us-}`` (the offense ids with that prefix),
    ``{states}`` (every jurisdiction's code), ``{items}`` (the preservation items), sorted."""
    import re

    from drafting.rules import load_rules

    book = load_rules()
    lists = {"states": sorted(book.registration), "items": sorted(book.preservation)}

    def fill(m: re.Match) -> str:
        word, _, prefix = m.group(1).partition(" ")
        ids = sorted(o for o in book.offenses if o.startswith(prefix)) if word == "offenses" else lists[word]
        return ", ".join(ids)

    return re.sub(r"\{(offenses [\w-]+|states|items)\}", fill, message)
