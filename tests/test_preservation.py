"""Preservation requests: every address, port and UTC time present and right, the
respond-by date exact, one letter per recipient, wording that fits the recipient."""

from __future__ import annotations

import ipaddress
import re

import pytest

from typer.testing import CliRunner

from drafting.cli import app
from drafting.errors import CaseFileError
from helpers import EXAMPLES, letter, letters, write_case

CASE = """\
date: 2026-11-28
matter: {{id: "2026-0500", jurisdiction: {jurisdiction}, stage: {stage}{extra}}}
client: {{name: "Ana & <Bo> O'Neil", address: ["1 Main St", "Sacramento, CA 95814"]}}
preservation:
  - recipient:
      name: "{name}"
      kind: {kind}
      address: ["100 Example Rd", "Denver, CO 80202"]
{email}    period: {{from: 2026-09-01, to: 2026-09-30}}
    observations:
      - {{ip: "2001:0DB8:0000:0000:0000:ff00:0042:8329", port: 51413, at: "2026-09-14 10:00:00 +05:45"}}
      - {{ip: 203.0.113.7, port: 6881, at: "2026-09-02 23:59:59 America/Los_Angeles"}}
      - {{ip: 198.51.100.200, at: "2026-09-10 12:00:00 -09:30"}}
    respond_within_days: {days}
"""


def make(tmp_path, *, kind="isp", name="Sierra Cable, LLC", email="records@isp.example", days=10,
         jurisdiction="CA", stage="investigation", extra=""):
    email_line = f"      email: {email}\n" if email else ""
    return write_case(tmp_path, CASE.format(kind=kind, name=name, email=email_line, days=days,
                                            jurisdiction=jurisdiction, stage=stage, extra=extra))


def test_observations_are_canonical_sorted_and_in_utc(tmp_path):
    text = letter("preservation", make(tmp_path))
    rows = [line for line in text.splitlines() if line.startswith("| [Table Text]")]
    assert [re.findall(r"\] ([^|]*?) \|", r)[:3] for r in rows] == [
        ["203.0.113.7", "6881", "2026-09-03 06:59:59 UTC"],   # PDT -7
        ["198.51.100.200", "—", "2026-09-10 21:30:00 UTC"],    # -09:30, no port given
        ["2001:db8::ff00:42:8329", "51413", "2026-09-14 04:15:00 UTC"],  # +05:45, IPv6 compressed
    ]


@pytest.mark.parametrize("days,expected", [(10, "December 8, 2026"), (3, "December 1, 2026"), (35, "January 2, 2027")])
def test_respond_by_is_letter_date_plus_days(tmp_path, days, expected):
    text = letter("preservation", make(tmp_path, days=days))
    assert f"Please confirm in writing by {expected} ({days} days from the date of this letter)" in text


def test_delivery_line_only_with_email(tmp_path):
    assert "VIA EMAIL (records@isp.example) AND CERTIFIED MAIL" in letter("preservation", make(tmp_path))
    plain = letter("preservation", make(tmp_path / "b", email=None))
    assert "VIA EMAIL" not in plain and "VIA CERTIFIED MAIL" in plain


def test_heading_and_matter_reference(tmp_path):
    text = letter("preservation", make(tmp_path))
    assert text.startswith("[Legend] PRESERVATION REQUEST — DO NOT DESTROY")
    assert "Pre-charge investigation" in text
    assert "Ana & <Bo> O'Neil" in text
    charged = letter("preservation", make(tmp_path / "c", stage="charged",
                                          extra=", court: Superior Court, case_number: 26FE-1"))
    assert "Superior Court, Case No. 26FE-1" in charged and "Pre-charge" not in charged


WORDING = {
    "isp": (["2702(c)(6)", "551", "port"], ["Brady", "3509(m)"]),
    "agency": (["Brady", "Youngblood", "3509(m)", "chain-of-custody", "Budziak"], ["2702(c)(6)"]),
    "prosecutor": (["Brady", "Youngblood", "3509(m)", "hash"], ["2702(c)(6)"]),
    "third-party": (["router", "connected", "guest"], ["Brady", "3509(m)", "2702(c)(6)"]),
}


@pytest.mark.parametrize("kind", list(WORDING))
def test_wording_fits_the_recipient(tmp_path, kind):
    text = letter("preservation", make(tmp_path, kind=kind))
    must, must_not = WORDING[kind]
    for phrase in must:
        assert phrase.lower() in text.lower(), phrase
    for phrase in must_not:
        assert phrase not in text, phrase
    salutation = "Dear Counsel:" if kind == "prosecutor" else "To the Custodian of Records:"
    assert f"[Salutation] {salutation}" in text


def test_agency_letter_asks_for_preservation_not_copies(tmp_path):
    text = letter("preservation", make(tmp_path, kind="agency"))
    assert "3509(m)" in text
    assert not re.search(r"\b(send|provide|produce) (us )?(a )?cop(y|ies)\b", text, re.I)


def test_default_items_are_the_catalogues_set_for_the_kind(tmp_path):
    from drafting.rules import load_rules

    text = letter("preservation", make(tmp_path, kind="isp"))
    numbered = [line for line in text.splitlines() if line.startswith("[Numbered Item]")]
    assert len(numbered) == len(load_rules().items_for("isp"))
    for item in load_rules().items_for("isp"):
        assert item.text in text


def test_one_letter_per_recipient_with_distinct_names(tmp_path):
    out = letters("preservation", EXAMPLES / "cases" / "us-chen.yaml")
    assert sorted(out) == [
        "2026-0231-preservation-golden-state-fiber-inc.docx",
        "2026-0231-preservation-homeland-security-investigations-sacramento.docx",
        "2026-0231-preservation-united-states-attorney-s-office-eastern-district-of.docx",
    ]


@pytest.mark.parametrize("names", [["Sierra Cable LLC", "Sierra Cable LLC"],
                                   ["Acme ISP", "Acme ISP", "Acme ISP 2"], ["Acme ISP", "ACME  isp!"]])
def test_two_recipients_whose_names_slug_alike_are_refused_naming_both(tmp_path, names):
    # a numbered "-2" file would be the third recipient's own name ("Acme ISP 2")
    case = make(tmp_path)
    text = case.read_text()
    head, block = text[: text.index("  - recipient:")], text[text.index("  - recipient:"):]
    text = head + "".join(block.replace('name: "Sierra Cable, LLC"', f'name: "{n}"') for n in names)
    case.write_text(text)
    name_lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("      name: ")]
    with pytest.raises(CaseFileError) as info:
        letters("preservation", case)
    err = info.value
    assert (err.file, err.line, err.field) == (str(case), name_lines[1], "preservation[1].recipient.name")
    assert f"as preservation[0].recipient.name on line {name_lines[0]}" in err.message
    out = tmp_path / "out"
    for force in ([], ["--force"]):
        result = CliRunner().invoke(app, ["render", "preservation", str(case), "--out", str(out), *force])
        assert result.exit_code == 1 and "give each recipient a distinct name" in result.output
        assert not out.exists()


def test_thousands_of_observations_all_present(tmp_path):
    lines = ["date: 2026-11-28", 'matter: {id: "big", jurisdiction: US}', "client: {name: A, address: [x]}",
             "preservation:", "  - recipient: {name: ISP, kind: isp, address: [a]}",
             "    period: {from: 2026-01-01, to: 2026-12-31}", "    observations:"]
    expected = []
    for i in range(3000):
        ip = f"203.0.113.{i % 256}" if i % 2 else f"2001:db8::{i:x}"
        lines.append(f'      - {{ip: "{ip}", port: {1 + i}, at: "2026-03-01 00:00:00 UTC"}}')
        expected.append(str(ipaddress.ip_address(ip)))
    case = write_case(tmp_path, "\n".join(lines) + "\n")
    text = letter("preservation", case)
    assert text.count("2026-03-01 00:00:00 UTC") == 3000
    for ip in expected[::97]:
        assert f"] {ip} |" in text


def test_period_out_of_order_is_refused(tmp_path):
    case = make(tmp_path)
    case.write_text(case.read_text().replace("from: 2026-09-01, to: 2026-09-30", "from: 2026-09-30, to: 2026-09-01"))
    with pytest.raises(CaseFileError) as info:
        letters("preservation", case)
    assert ":10:" in str(info.value) and "preservation[0].period" in str(info.value)


def test_federal_rule_16_only_in_a_federal_matter(tmp_path):
    state = letter("preservation", make(tmp_path / "s", kind="prosecutor", jurisdiction="CA"))
    federal = letter("preservation", make(tmp_path / "f", kind="prosecutor", jurisdiction="US"))
    assert "Fed. R. Crim. P. 16" not in state and "discovery law that governs this case" in state
    assert "Fed. R. Crim. P. 16(a)(1)(E)" in federal
