"""Bad input: each malformed case gives exit 1, a message naming file, line and field,
no traceback, and no document. Expected messages live in tests/bad-cases/expected.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafting.cli import app
from drafting.errors import CaseFileError, ValidationErrors
from drafting.loading import load_case, load_firm

BAD = Path(__file__).parent / "bad-cases"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _expected():
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, name, message = (part.strip() for part in line.split(" | ", 2))
            yield pytest.param(kind, name, message, id=name)


def test_every_bad_case_has_an_expectation():
    listed = {p.values[1] for p in _expected()}
    on_disk = {p.name for p in BAD.glob("*.yaml")} - {"firm.yaml"}
    assert on_disk == listed


@pytest.mark.parametrize("kind,name,message", list(_expected()))
def test_bad_case_is_refused_with_location(kind, name, message, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", kind, str(BAD / name), "--out", str(out), "--date", "2026-11-28"])
    assert result.exit_code == 1, result.output
    assert f"error: {BAD}/{message}" in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_all_problems_in_a_file_are_reported_together(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        'matter:\n  id: "1"\n  jurisdiction: ZZ\n  stage: sentencing\nclient:\n  nam: A\n  address: [x]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationErrors) as info:
        load_case(case)
    text = str(info.value)
    assert f"{case}:3:17 matter.jurisdiction: unknown jurisdiction 'ZZ'" in text
    assert f"{case}:4:10 matter.stage:" in text
    assert f"{case}:6:3 client.nam: unknown key 'nam'; did you mean 'name'?" in text
    assert f"{case}:5:1 client.name: required field is missing" in text


def test_dates_in_any_form_dateutil_parses(tmp_path):
    case = tmp_path / "case.yaml"
    for text in ("2026-11-28", "November 28, 2026", "28 Nov 2026", "11/28/2026"):
        case.write_text(f'date: "{text}"\nmatter: {{id: "1", jurisdiction: CA}}\nclient: {{name: A, address: [x]}}\n')
        assert load_case(case).case.date.isoformat() == "2026-11-28"


def test_numbers_keep_what_was_typed(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("matter: {id: 0142, jurisdiction: ca, case_number: 00123}\nclient: {name: A, address: [x]}\n")
    matter = load_case(case).case.matter
    assert (matter.id, matter.case_number, matter.jurisdiction) == ("0142", "00123", "CA")


def test_firm_profile_errors_are_located(tmp_path):
    firm = tmp_path / "firm.yaml"
    firm.write_text("name: X\naddress: [a]\nphone: '555'\nemail: e@example.com\nattorneys:\n  - id: a\n    nme: B\n")
    with pytest.raises(CaseFileError) as info:
        load_firm(firm)
    assert f"{firm}:7:5 attorneys[0].nme: unknown key 'nme'; did you mean 'name'?" in str(info.value)


def test_firm_found_in_a_parent_folder(tmp_path):
    (tmp_path / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text())
    nested = tmp_path / "clients" / "2026"
    nested.mkdir(parents=True)
    case = nested / "case.yaml"
    case.write_text((EXAMPLES / "cases" / "fl-ruiz.yaml").read_text())
    result = CliRunner().invoke(app, ["context", "advisory", str(case), "--draft"])
    assert result.exit_code == 0, result.output
    assert '"name": "Harper & Vale LLP"' in result.output


def test_missing_firm_is_a_clear_error(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text((EXAMPLES / "cases" / "fl-ruiz.yaml").read_text())
    result = CliRunner().invoke(app, ["context", "advisory", str(case), "--draft"])
    assert result.exit_code == 1
    assert "no firm profile" in result.output
