"""`drafting verify`: a firm's approved letters, checked after a template edit or an upgrade."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from drafting.cli import app
from helpers import EXAMPLES, make_template

BODY = [
    "{{ letter_date|long_date }}",
    "Dear {{ client.salutation }}:",
    "Matter {{ matter.id }} in {{ matter.jurisdiction_name }}.",
    "{{ attorney.name }}, {{ firm.name }}",
]


def firm_repo(tmp_path: Path) -> Path:
    """A firm's own repository: its profile, its templates, its cases, its approved letters."""
    repo = tmp_path / "firm-repo"
    (repo / "cases").mkdir(parents=True)
    firm = (EXAMPLES / "firm.yaml").read_text(encoding="utf-8")
    (repo / "firm.yaml").write_text(firm.rstrip("\n") + "\ntemplates: ./templates\n", encoding="utf-8")
    make_template(repo / "templates", "engagement", BODY)
    for name in ("ca-ortiz.yaml", "tx-nguyen.yaml"):
        shutil.copy(EXAMPLES / "cases" / name, repo / "cases" / name)
    return repo


def run(*args):
    return CliRunner().invoke(app, ["verify", *map(str, args)])


def test_missing_approved_copies_exit_2_and_update_writes_them(tmp_path):
    repo = firm_repo(tmp_path)
    golden = repo / "approved"
    golden.mkdir()
    result = run("engagement", repo / "cases", "--golden", golden, "--date", "2026-11-28")
    assert result.exit_code == 2, result.output
    assert f"missing: {golden}/2026-0142-engagement.docx has no approved copy" in result.output
    result = run("engagement", repo / "cases", "--golden", golden, "--date", "2026-11-28", "--update")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in golden.iterdir()) == ["2026-0142-engagement.docx", "2026-0203-engagement.docx"]
    result = run("engagement", repo / "cases", "--golden", golden, "--date", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert "2 same, 0 different, 0 missing" in result.output


def test_a_changed_template_is_each_difference_and_exit_1(tmp_path):
    repo = firm_repo(tmp_path)
    golden = repo / "approved"
    assert run("engagement", repo / "cases", "--golden", golden, "--date", "2026-11-28", "--update").exit_code == 0
    make_template(repo / "templates", "engagement", BODY[:2] + ["Matter {{ matter.id }} ({{ matter.jurisdiction }})."]
                  + BODY[3:])
    result = run("engagement", repo / "cases", "--golden", golden, "--date", "2026-11-28")
    assert result.exit_code == 1
    assert f"different: {golden}/2026-0142-engagement.docx ({repo}/cases/ca-ortiz.yaml)" in result.output
    assert "  -Matter 2026-0142 in California." in result.output
    assert "  +Matter 2026-0142 (CA)." in result.output
    assert "  -Matter 2026-0203 in Texas." in result.output
    assert "0 same, 2 different, 0 missing" in result.output


def test_a_case_without_a_date_or_that_fails_is_an_error_naming_it(tmp_path):
    repo = firm_repo(tmp_path)
    golden = repo / "approved"
    case = repo / "cases" / "new.yaml"
    case.write_text(textwrap.dedent("""\
        matter: {id: "2026-0999", jurisdiction: CA}
        client: {name: Ana, address: ["1 A St"]}
        """), encoding="utf-8")
    result = run("engagement", case, "--golden", golden, "--update")
    assert result.exit_code == 1
    assert f"error: {case}:1 date: has no date: and no --date was given" in result.output
    case.write_text(case.read_text().replace("jurisdiction: CA", "jurisdiction: ZZ"), encoding="utf-8")
    golden.mkdir()
    result = run("engagement", case, "--golden", golden, "--date", "2026-11-28")
    assert result.exit_code == 1
    assert f"error: {case}:1:41 matter.jurisdiction: unknown jurisdiction 'ZZ'" in result.output


def test_the_readme_pytest_example_runs(tmp_path, monkeypatch):
    """The example in README.md ("Approved letters in the firm's repository"), as a firm would run it."""
    repo = firm_repo(tmp_path)
    assert run("engagement", repo / "cases", "--golden", repo / "approved", "--date", "2026-11-28",
               "--update").exit_code == 0
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("# tests/test_letters.py")
    code = readme[start: readme.index("```", start)]
    (repo / "tests").mkdir()
    (repo / "tests" / "test_letters.py").write_text(code, encoding="utf-8")
    monkeypatch.chdir(repo)
    import pytest as _pytest

    assert _pytest.main(["-q", "-p", "no:cacheprovider", str(repo / "tests")]) == 0
    make_template(repo / "templates", "engagement", BODY[:3])  # the signature dropped by an edit
    assert _pytest.main(["-q", "-p", "no:cacheprovider", str(repo / "tests")]) == 1
