"""`drafting preview` shows the rendered letter as text and writes nothing; `drafting diff`
shows what a reader would see differ, paragraph by paragraph, and exits 1 when anything does."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from drafting.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASE = EXAMPLES / "cases" / "ca-ortiz.yaml"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def small_templates(folder: Path) -> Path:
    """An engagement template with headings, a table and a header, worded here so the tests
    do not depend on the bundled letters."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ firm.name }}"
    doc.add_heading("Engagement of counsel", level=1)
    doc.add_paragraph("Dear {{ client.salutation }}:")
    doc.add_paragraph("We will represent {{ client.name }} in matter {{ matter.id }}.")
    doc.add_heading("Our fee", level=2)
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Flat fee"
    table.cell(0, 1).text = "{{ engagement.fee.amount|money }}"
    doc.add_paragraph("Sincerely,")
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / "engagement.docx")
    return folder


def test_preview_prints_the_letter_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    templates = small_templates(tmp_path / "tpl")
    before = files_under(tmp_path)
    result = run("preview", "engagement", str(CASE), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "=== 2026-0142-engagement.docx ===" in out
    assert "Engagement of counsel\n=====" in out  # a heading, underlined
    assert "Our fee\n-------" in out
    assert "Dear Mr. Ortiz:" in out
    assert "We will represent Daniel R. Ortiz in matter 2026-0142." in out
    assert "Flat fee  $25,000.00" in out  # the table, in columns
    assert "[header1]\nHarper & Vale LLP" in out
    assert out.index("Engagement of counsel") < out.index("Our fee") < out.index("Sincerely,")
    assert files_under(tmp_path) == before


def test_preview_of_the_bundled_preservation_letters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("preview", "preservation", str(CASE), "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert result.output.count("=== 2026-0142-preservation-") == 2
    assert "Daniel R. Ortiz" in result.output
    assert "December 1, 2026" in result.output
    assert list(tmp_path.iterdir()) == []


def test_preview_of_a_bad_case_is_an_error(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text((CASE.read_text()).replace("stage: investigation", "stage: sentencing"))
    (tmp_path / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text())
    result = run("preview", "advisory", str(case))
    assert result.exit_code == 1
    assert f"error: {case}:6:10 matter.stage:" in result.output


def _render_two(tmp_path: Path, name_b: str) -> tuple[Path, Path]:
    templates = small_templates(tmp_path / "tpl")
    case_b = tmp_path / "b" / "case.yaml"
    case_b.parent.mkdir()
    (case_b.parent / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text())
    case_b.write_text(CASE.read_text().replace("name: Daniel R. Ortiz", f"name: {name_b}"))
    outs = []
    for case, out in ((CASE, tmp_path / "out-a"), (case_b, tmp_path / "out-b")):
        result = run("render", "engagement", str(case), "--out", str(out), "--templates", str(templates))
        assert result.exit_code == 0, result.output
        outs.append(out / "2026-0142-engagement.docx")
    return outs[0], outs[1]


def test_diff_of_documents_differing_by_one_word(tmp_path):
    a, b = _render_two(tmp_path, "Daniel R. Ortis")
    result = run("diff", str(a), str(b))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert f"--- {a} (body)" in lines and f"+++ {b} (body)" in lines
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-We will represent Daniel R. Ortiz in matter 2026-0142."]
    assert added == ["+We will represent Daniel R. Ortis in matter 2026-0142."]
    assert " Dear Mr. Ortiz:" in lines  # context around the change


def test_diff_sees_formatting_and_headers(tmp_path):
    def make(name: str, bold: bool, header: str) -> Path:
        doc = Document()
        doc.sections[0].header.paragraphs[0].text = header
        doc.add_paragraph("Same text.").runs[0].bold = bold
        path = tmp_path / f"{name}.docx"
        doc.save(path)
        return path

    a, b = make("a", False, "Harper & Vale LLP"), make("b", True, "Harper and Vale LLP")
    result = run("diff", str(a), str(b))
    assert result.exit_code == 1
    assert "-Same text." in result.output and "+**Same text.**" in result.output
    assert f"--- {a} (header1, header (other pages))" in result.output
    assert "+[Header] Harper and Vale LLP" in result.output


def test_diff_of_identical_documents(tmp_path):
    a, b = _render_two(tmp_path, "Daniel R. Ortiz")
    result = run("diff", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "same: the documents read the same"


def test_diff_of_a_file_that_is_not_a_document(tmp_path):
    a, _ = _render_two(tmp_path, "Daniel R. Ortiz")
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip")
    result = run("diff", str(a), str(junk))
    assert result.exit_code == 1
    assert f"error: {junk}: not a .docx (zip) file" in result.output
    missing = run("diff", str(a), str(tmp_path / "nope.docx"))
    assert missing.exit_code == 1 and "nope.docx: cannot be read" in missing.output
