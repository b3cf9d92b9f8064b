"""`drafting new`: asks for the essentials in order, writes a commented case file whose
remaining fields are marked FILL IN (and fail `check` until filled), never overwrites."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from typer.testing import CliRunner

from drafting.cli import app
from drafting.loading import load_case

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ANSWERS = "Jane Q. Public\n2026-0301\nCA\n\n\n"
PROMPTS = ["Client name", "Matter id", "Jurisdiction", "Stage", "Kinds"]

# What a paralegal would type over each placeholder.
FILLED = {
    "address": '["1819 Alder Way", "Sacramento, CA 95818"]',
    "amount": "25000",
    "name": '"Sierra Cable Communications, LLC"',
    "from": "2026-08-01",
    "to": "2026-10-31",
    "id": '"2026-0302"',
    "jurisdiction": "TX",
    "state": "CA",
}


def new(folder: Path, *args: str, input: str | None = None):
    (folder / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return CliRunner().invoke(app, ["new", str(folder / "case.yaml"), *args], input=input)


def fill_in(path: Path) -> None:
    """Replace every FILL IN placeholder, keeping the rest of the file as written."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"(\s*(?:- )?)(\w+): (\"\"|\[\])\s+# FILL IN", line)
        if m:
            line = f"{m.group(1)}{m.group(2)}: {FILLED[m.group(2)]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(path: Path):
    return CliRunner().invoke(app, ["check", str(path), "--date", "2026-11-28"])


def test_answers_at_the_prompts_make_a_case_that_checks_once_filled(tmp_path):
    result = new(tmp_path, input=ANSWERS)
    assert result.exit_code == 0, result.output
    positions = [result.output.index(p) for p in PROMPTS]
    assert positions == sorted(positions), result.output  # asked in this order
    assert "Stage (investigation, charged, convicted) [investigation]" in result.output
    assert "[engagement,preservation,advisory]" in result.output

    case = tmp_path / "case.yaml"
    assert stat.S_IMODE(case.stat().st_mode) == 0o600
    text = case.read_text(encoding="utf-8")
    assert 'name: "Jane Q. Public"' in text and 'id: "2026-0301"' in text
    assert re.search(r"^  jurisdiction: \"CA\"", text, re.M)
    assert re.search(r"^  stage: investigation", text, re.M)
    assert re.search(r"^engagement:", text, re.M) and re.search(r"^preservation:", text, re.M)
    assert "# advisory:" in text  # no section needed; shown commented
    assert "example.com" in text and "203.0.113." in text  # examples use reserved names and addresses
    assert f"wrote {case}" in result.output
    assert "fill in the values marked FILL IN: address (line" in result.output

    before = check(case)
    assert before.exit_code == 1
    assert f"{case}:" in before.output and "client.address" in before.output
    assert "engagement.fee.amount" in before.output and "preservation[0].period.from" in before.output

    fill_in(case)
    after = check(case)
    assert after.exit_code == 0, after.output
    loaded = load_case(case).case
    assert (loaded.client.name, loaded.matter.id, loaded.matter.jurisdiction, loaded.matter.stage) == \
        ("Jane Q. Public", "2026-0301", "CA", "investigation")
    assert loaded.engagement is not None and len(loaded.preservation) == 1
    assert CliRunner().invoke(app, ["render", "advisory", str(case), "--out", str(tmp_path / "out"), "--draft"]).exit_code == 0


def test_bad_answers_are_asked_again(tmp_path):
    answers = "  \nO'Brien: \"Jr\" #1\n\n2026-0301\nZZ\nny\nsentencing\ncharged\nletters\nadvisory engagement\n"
    result = new(tmp_path, input=answers)
    assert result.exit_code == 0, result.output
    assert "the client's name must not be empty" in result.output
    assert result.output.count("Matter id:") == 2  # an empty answer is asked again
    assert "unknown jurisdiction 'ZZ'" in result.output
    assert "unknown stage 'sentencing'" in result.output
    assert "unknown kind 'letters'" in result.output
    case = tmp_path / "case.yaml"
    text = case.read_text(encoding="utf-8")
    assert "stage: charged" in text and not re.search(r"^preservation:", text, re.M)
    fill_in(case)
    assert check(case).exit_code == 0
    loaded = load_case(case).case
    assert loaded.client.name == "O'Brien: \"Jr\" #1"  # quoted in YAML, kept exactly
    assert loaded.matter.jurisdiction == "NY" and loaded.preservation is None


def test_a_state_without_registration_rules_asks_for_the_advisory_state(tmp_path):
    result = new(tmp_path, input="Jane Q. Public\n2026-0301\nPR\n\nadvisory\n")
    assert result.exit_code == 0, result.output
    case = tmp_path / "case.yaml"
    assert "state (line" in result.output
    assert check(case).exit_code == 1
    fill_in(case)
    assert check(case).exit_code == 0


def test_no_input_writes_the_skeleton(tmp_path):
    result = new(tmp_path, "--no-input")
    assert result.exit_code == 0, result.output
    assert "Client name" not in result.output
    case = tmp_path / "case.yaml"
    text = case.read_text(encoding="utf-8")
    for key in ("id", "jurisdiction", "name", "address"):
        assert re.search(rf"^\s+{key}: (\"\"|\[\])\s+# FILL IN", text, re.M), key
    failed = check(case)
    assert failed.exit_code == 1
    assert f"{case}:9:7 matter.id: must not be empty" in failed.output
    fill_in(case)
    assert check(case).exit_code == 0


def test_an_existing_file_is_never_replaced(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("edited by hand\n")
    for args, answers in (((), ANSWERS), (("--no-input",), None)):
        result = new(tmp_path, *args, input=answers)
        assert result.exit_code == 1
        assert f"error: {case}: already exists" in result.output
        assert "Client name" not in result.output  # refused before asking anything
    assert case.read_text() == "edited by hand\n"
