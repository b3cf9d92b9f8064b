"""The registration advisory: for each offense and state, the tier, the period, the
verification frequency and the citations must be right in the letter the client reads."""

from __future__ import annotations

import pytest

from drafting.errors import UnknownIdError
from drafting.render import Renderer
from helpers import letter, write_case

CASE = """\
date: 2026-11-28
matter: {{id: "2026-0700", jurisdiction: {jurisdiction}, stage: charged}}
client: {{name: "{name}", address: ["1 Main St", "Town, ST 00000"]}}
charges:
{charges}
{advisory}"""


def make(tmp_path, charges, *, jurisdiction="US", state=None, name="Sakura Tanaka (田中さくら)"):
    lines = "\n".join(f"  - {c}" for c in charges)
    advisory = f"advisory: {{state: {state}}}\n" if state else ""
    return write_case(tmp_path, CASE.format(jurisdiction=jurisdiction, charges=lines, advisory=advisory, name=name))


def summary_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("| [Table Text]") and line.count("|") == 6:
            rows.append([cell.split("] ", 1)[-1].strip() for cell in line.strip("|").split(" | ")])
    return rows


# offense id -> (statute, federal tier cell must contain, penalty must contain)
FEDERAL = {
    "us-2252a-possession": ("§ 2252A(a)(5)(B)", "Tier I\\n15 years; verification once a year", "up to 10 years"),
    "us-2252a-receipt": ("§ 2252A(a)(2)", "Tier I\\n15 years; verification once a year", "minimum of 5 years"),
    "us-2252a-distribution": ("§ 2252A(a)(2)", "Tier II\\n25 years; verification every 6 months", "up to 20 years"),
    "us-2422b-enticement": ("§ 2422(b)", "Tier II\\n25 years; verification every 6 months", "life"),
    "us-2251-production": ("§ 2251", "Tier II\\n25 years; verification every 6 months", "15 years"),
}


@pytest.mark.parametrize("offense", list(FEDERAL))
def test_federal_offense_row(tmp_path, offense):
    statute, tier, penalty = FEDERAL[offense]
    text = letter("advisory", make(tmp_path, [f"{{offense: {offense}}}"]))
    (row,) = summary_rows(text)
    assert statute in row[0]
    assert row[3].startswith(tier), row
    assert penalty in row[2], row
    assert row[4] == "—"  # federal matter, no state


def test_federal_levels_table_and_citations(tmp_path):
    text = letter("advisory", make(tmp_path, ["{offense: us-2252a-possession}"]))
    assert "| [Table Text Keep] Tier I | [Table Text Keep] 15 years | [Table Text Keep] once a year, in person |" in text
    assert "| [Table Text Keep] Tier II | [Table Text Keep] 25 years | [Table Text Keep] every 6 months, in person |" in text
    assert "| [Table Text Keep] Tier III | [Table Text Keep] life | [Table Text Keep] every 3 months, in person |" in text
    for cite in ("34 U.S.C. § 20913", "34 U.S.C. § 20918", "18 U.S.C. § 2250(a)", "22 U.S.C. § 212b",
                 "Packingham v. North Carolina, 582 U.S. 98 (2017)", "86 Fed. Reg. 69856"):
        assert cite in text, cite
    authorities = text.split("[Section Heading] Authorities relied on", 1)[1]
    assert "[Authority] 34 U.S.C. §§ 20915, 20918" in authorities
    assert "Sakura Tanaka (田中さくら)" in text


@pytest.mark.parametrize("state,offense,cell,section", [
    ("CA", "ca-pc-311.11-possession", "Tier 1\\n10 years", "Cal. Penal Code § 290(d)"),
    ("TX", "tx-pc-43.26-possession", "Lifetime\\nlife", "art. 62.101"),
])
def test_state_tier_for_state_offense(tmp_path, state, offense, cell, section):
    text = letter("advisory", make(tmp_path, [f"{{offense: {offense}}}"], jurisdiction=state))
    (row,) = summary_rows(text)
    assert row[4].startswith(cell), row
    assert row[3].startswith("Tier I\\n15 years")
    assert section in text


@pytest.mark.parametrize("state,levels", [
    ("CA", [("Tier 1", "10 years"), ("Tier 2", "20 years"), ("Tier 3", "life")]),
    ("NY", [("Level 1", "20 years"), ("Level 2", "life"), ("Level 3", "life")]),
])
def test_state_levels_table(tmp_path, state, levels):
    text = letter("advisory", make(tmp_path, ["{statute: 'Some § 1', title: Something}"], jurisdiction=state))
    for label, duration in levels:
        assert f"| [Table Text Keep] {label} | [Table Text Keep] {duration}" in text, (label, duration)
    (row,) = summary_rows(text)
    assert row[2] == "To be assessed by counsel" and row[3] == "To be assessed by counsel"
    assert row[4].startswith("Determined by ")


def test_new_york_level_3_verifies_every_90_days(tmp_path):
    text = letter("advisory", make(tmp_path, [], jurisdiction="NY"))
    level3 = next(line for line in text.splitlines() if line.startswith("| [Table Text Keep] Level 3"))
    assert "90 days" in level3


def test_florida_residency_restriction_and_lifetime(tmp_path):
    text = letter("advisory", make(tmp_path, [], jurisdiction="FL"))
    assert "1,000 feet" in text and "775.215(2)(a)" in text
    assert "943.0435" in text


def test_california_residency_rule_cites_taylor(tmp_path):
    text = letter("advisory", make(tmp_path, [], jurisdiction="CA"))
    assert "2,000" in text and "In re Taylor, 60 Cal. 4th 1019 (2015)" in text


def test_state_option_overrides_jurisdiction(tmp_path):
    text = letter("advisory", make(tmp_path, ["{offense: us-2252a-receipt}"], jurisdiction="US", state="NY"))
    assert "[Section Heading] New York registration" in text
    (row,) = summary_rows(text)
    assert row[4].startswith("Determined by New York")


def test_no_charges_is_said_plainly(tmp_path):
    text = letter("advisory", make(tmp_path, []))
    assert summary_rows(text) == []
    assert "no charges" in text.lower() or "not been charged" in text.lower()


def test_unknown_state_lists_the_known(tmp_path):
    case = make(tmp_path, [], jurisdiction="OR")
    with pytest.raises(UnknownIdError) as info:
        Renderer().documents("advisory", case, out_dir=tmp_path / "out")
    assert "unknown state 'OR'; known: CA, FL, NY, TX, US" in str(info.value)
    assert "matter.jurisdiction" in str(info.value) and ":2:" in str(info.value)
