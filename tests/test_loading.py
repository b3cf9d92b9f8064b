"""Bad input: each malformed case gives exit 1, a message naming file, line and field,
no traceback, and no document. Expected messages live in tests/bad-cases/expected.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafting.cli import app
from drafting.errors import CaseFileError, ValidationErrors
from drafting.loading import load_case, load_firm
from helpers import expected_message

BAD = Path(__file__).parent / "bad-cases"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _expected():
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, name, message = (part.strip() for part in line.split(" | ", 2))
            message = expected_message(message)
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


def _case(tmp_path, name="Ana Ruiz", extra="", ip="203.0.113.7", at="2026-09-14 10:00:00 -07:00"):
    from helpers import write_case

    return write_case(tmp_path, f"""\
        matter: {{id: "2026-0500", jurisdiction: CA}}
        client: {{name: "{name}", address: ["1 Main St"]}}
        preservation:
          - recipient: {{name: Sierra Cable, kind: isp, address: ["1 Rd"]}}
            period: {{from: 2026-09-01, to: 2026-09-30}}
            observations:
              - {{ip: "{ip}", port: 6881, at: "{at}"}}
        {extra}""")


@pytest.mark.parametrize("invisible", ["\\u200b", "\\u2060", "\\ufeff", "\\u00ad", "\\u3164", "\\u2800", "\\u202e",
                                       "\\u200b\\u200c\\u200d", "\\u034f", "\\u115f"])
@pytest.mark.parametrize("command", ["render", "check"])
def test_a_required_name_of_only_invisible_characters_is_refused(tmp_path, invisible, command):
    """Issue 12.15: a name of zero-width spaces (or a word joiner, BOM, soft hyphen, Hangul
    filler, braille blank, RLO) passed and rendered a blank name."""
    case = _case(tmp_path, name=invisible)
    args = [command, "preservation", str(case), "--out", str(tmp_path / "out")] if command == "render" else \
        [command, str(case)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"{case}:2:" in result.output and "client.name: has no visible character" in result.output
    assert not (tmp_path / "out").exists()


def test_a_name_with_invisible_characters_and_letters_is_kept(tmp_path):
    case = _case(tmp_path, name="Ana\\u200b Ruiz\\u00ad")
    assert load_case(case).case.client.name == "Ana\u200b Ruiz\u00ad"


@pytest.mark.parametrize("ip", ["fe80::1%eth0 <b>&{{7*7}}", "fe80::1%\\u0007", "fe80::1%", "fe80::1%a/b",
                                "fe80::1%" + "x" * 40])
@pytest.mark.parametrize("command", ["render", "check"])
def test_an_ipv6_zone_id_that_is_not_an_interface_is_refused_at_its_line(tmp_path, ip, command):
    """Issue 12.16: any text was accepted after the %, and a control character in it was
    blamed on the bundled template ("word/document.xml is not well-formed")."""
    case = _case(tmp_path, ip=ip)
    args = [command, "preservation", str(case), "--out", str(tmp_path / "out")] if command == "render" else \
        [command, str(case)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"{case}:7:" in result.output and "preservation[0].observations[0].ip" in result.output
    assert "word/document.xml" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("ip,shown", [("fe80::1%eth0", "fe80::1%eth0"), ("FE80::1%12", "fe80::1%12")])
def test_ipv6_zone_ids_that_name_an_interface_are_kept(tmp_path, ip, shown):
    case = _case(tmp_path, ip=ip)
    assert load_case(case).case.preservation[0].observations[0].ip == shown


@pytest.mark.parametrize("at", ["9999-12-31 23:59:59 -05:00", "2026-03-08 02:30 America/Los_Angeles",
                                "2026-09-14 " + " " * 40_000 + "America/Chicago"])
@pytest.mark.parametrize("command", ["render", "check", "advisory"])
def test_bad_observation_times_are_located_errors_everywhere(tmp_path, at, command):
    """Issue 12.13 / 12.19 / 12.11: overflow tracebacks (loading, the advisory kind, check),
    a time that never happened, a 40 KB time that took 16 s."""
    import time

    case = _case(tmp_path, at=at)
    out = tmp_path / "out"
    args = {"render": ["render", "preservation", str(case), "--out", str(out)],
            "advisory": ["render", "advisory", str(case), "--out", str(out)], "check": ["check", str(case)]}[command]
    start = time.monotonic()
    result = CliRunner().invoke(app, args)
    assert time.monotonic() - start < 5
    assert result.exit_code == 1, result.output
    assert f"{case}:7:" in result.output and "preservation[0].observations[0].at" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_letter_date_near_the_limits_is_a_usage_error(tmp_path):
    """Issue 12.13: --date 9999-12-31 overflowed computing the respond-by date."""
    case = _case(tmp_path)
    result = CliRunner().invoke(app, ["render", "preservation", str(case), "--out", str(tmp_path / "out"),
                                      "--date", "9999-12-31"])
    assert result.exit_code == 2 and "out of range" in result.output
    assert not (tmp_path / "out").exists()


def test_an_oversized_case_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """Issue 12.12: a 6 GB sparse case file was read whole (MemoryError) before the 5 MB check."""
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(6 * 2**30)  # sparse: no disk used
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    with pytest.raises(CaseFileError, match="larger than 5 MB"):
        load_case(big)


def test_a_fifo_as_a_case_file_is_refused_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    with pytest.raises(CaseFileError, match="not a regular file"):
        load_case(fifo)


def test_a_utf16_case_file_is_read(tmp_path):
    case = _case(tmp_path, name="Zoë Ruiz")
    case.write_bytes(case.read_text(encoding="utf-8").encode("utf-16"))  # with its byte-order mark
    assert load_case(case).case.client.name == "Zoë Ruiz"
    case.write_bytes(case.read_text(encoding="utf-16").encode("utf-16-le"))  # without
    with pytest.raises(CaseFileError, match="UTF-16 text without a byte-order mark"):
        load_case(case)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_a_raw_line_separator_is_refused_at_its_real_line(tmp_path, char):
    """YAML counts U+2028/U+2029/NEL as line breaks, editors do not: every later line
    number was off by one."""
    case = _case(tmp_path, extra=f'advisory: {{state: "C{char}A"}}\n')
    lines = case.read_text(encoding="utf-8").split("\n")
    line = next(i + 1 for i, text in enumerate(lines) if char in text)
    with pytest.raises(CaseFileError) as info:
        load_case(case)
    assert info.value.line == line and f"U+{ord(char):04X}" in info.value.message


def _firm_above(tmp_path):
    shared = tmp_path / "shared"
    case_dir = shared / "clients"
    case_dir.mkdir(parents=True)
    firm = shared / "firm.yaml"
    firm.write_text((EXAMPLES / "firm.yaml").read_text().replace("Harper & Vale LLP", "Attacker LLP"))
    case = case_dir / "case.yaml"
    case.write_text((EXAMPLES / "cases" / "fl-ruiz.yaml").read_text())
    return firm, case


@pytest.mark.parametrize("how", ["world-writable", "in-a-world-writable-folder", "another-users"])
@pytest.mark.parametrize("command", ["render", "context", "check"])
def test_a_firm_profile_someone_else_could_have_planted_is_refused(tmp_path, how, command):
    """Issue 12.9: a firm.yaml planted in a parent folder (/tmp/firm.yaml) by another
    user was used: their letterhead, template folder and signer."""
    import os

    firm, case = _firm_above(tmp_path)
    if how == "world-writable":
        os.chmod(firm, 0o666)
    elif how == "in-a-world-writable-folder":
        os.chmod(firm.parent, 0o777)
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to give a file to another user")
        os.chown(firm, 65534, 65534)
    args = {"render": ["render", "advisory", str(case), "--out", str(tmp_path / "out")],
            "context": ["context", "advisory", str(case)], "check": ["check", str(case)]}[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert str(firm) in result.output and "firm profile " in result.output
    assert "drafting will not use it" in result.output
    assert "Attacker LLP" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("planted", ["misnamed", "dangling-link", "folder", "world-writable"])
@pytest.mark.parametrize("command", ["render", "kinds", "check"])
def test_a_firm_template_that_cannot_be_used_is_an_error_not_the_bundled_one(tmp_path, planted, command):
    """Issue 12.10: a misnamed Engagement.docx or a dangling advisory.docx link fell back
    to the bundled template: `kinds` said "(bundled)", render and check succeeded."""
    import os
    import shutil

    from drafting.render import bundled_templates

    folder = tmp_path / "c"
    templates = folder / "firm-templates"
    templates.mkdir(parents=True)
    (folder / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text() + "templates: ./firm-templates\n")
    shutil.copy(EXAMPLES / "cases" / "fl-ruiz.yaml", folder / "case.yaml")
    target = templates / "advisory.docx"
    if planted == "misnamed":
        target = templates / "Advisory.docx"
        shutil.copy(bundled_templates() / "advisory.docx", target)
    elif planted == "dangling-link":
        target.symlink_to(tmp_path / "gone.docx")
    elif planted == "folder":
        target.mkdir()
    else:
        shutil.copy(bundled_templates() / "advisory.docx", target)
        os.chmod(target, 0o666)
    args = {"render": ["render", "advisory", str(folder / "case.yaml"), "--out", str(tmp_path / "out"), "--draft"],
            "kinds": ["kinds", "--firm", str(folder / "firm.yaml")],
            "check": ["check", str(folder / "case.yaml")]}[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"error: {target}" in result.output, result.output
    assert "advisory.docx (bundled)" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_firm_rule_folder_or_file_anyone_can_write_is_refused(tmp_path, what):
    import os

    folder = tmp_path / "c"
    rules = folder / "rules"
    rules.mkdir(parents=True)
    (rules / "offenses.yaml").write_text("offenses: []\n")
    (folder / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text() + "rules: ./rules\n")
    case = folder / "case.yaml"
    case.write_text((EXAMPLES / "cases" / "fl-ruiz.yaml").read_text())
    os.chmod(rules if what == "folder" else rules / "offenses.yaml", 0o777 if what == "folder" else 0o666)
    result = CliRunner().invoke(app, ["render", "advisory", str(case), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert f"{folder / 'firm.yaml'}:" in result.output and "rules: rule " in result.output
    assert "is writable by every user" in result.output and not (tmp_path / "out").exists()
