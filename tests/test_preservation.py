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


def test_observations_are_canonical_sorted_and_in_utc_beside_the_time_as_given(tmp_path):
    text = letter("preservation", make(tmp_path))
    rows = [line for line in text.splitlines() if line.startswith("| [Table Text]")]
    assert [re.findall(r"\] ([^|]*?) \|", r)[:4] for r in rows] == [
        ["203.0.113.7", "6881", "2026-09-03 06:59:59 UTC", "2026-09-02 23:59:59 America/Los_Angeles"],
        ["198.51.100.200", "—", "2026-09-10 21:30:00 UTC", "2026-09-10 12:00:00 -09:30"],  # no port given
        ["2001:db8::ff00:42:8329", "51413", "2026-09-14 04:15:00 UTC", "2026-09-14 10:00:00 +05:45"],
    ]


@pytest.mark.parametrize("days,expected,moved", [
    (10, "December 8, 2026", False),   # a Tuesday
    (3, "December 1, 2026", False),
    (35, "January 4, 2027", True),     # January 2, 2027 is a Saturday
    (27, "December 28, 2026", True),   # December 25: Christmas Day, a Friday
])
def test_respond_by_is_the_letter_date_plus_days_on_a_business_day(tmp_path, days, expected, moved):
    text = letter("preservation", make(tmp_path, days=days))
    suffix = ", moved to the next business day" if moved else ""
    assert f"Please confirm in writing by {expected} ({days} days from the date of this letter{suffix})" in text


def test_a_deadline_on_a_sunday_moves_to_monday(tmp_path):
    # the example: a letter of Friday, December 4, 2026 with 9 days is due Monday the 14th
    text = letter("preservation", make(tmp_path, days=9), date="2026-12-04")
    assert "by December 14, 2026 (9 days from the date of this letter, moved to the next business day)" in text
    assert "December 13" not in text


def test_delivery_line_only_with_email(tmp_path):
    assert "VIA EMAIL (records@isp.example) AND CERTIFIED MAIL" in letter("preservation", make(tmp_path))
    plain = letter("preservation", make(tmp_path / "b", email=None))
    assert "VIA EMAIL" not in plain and "VIA CERTIFIED MAIL" in plain


def test_heading_and_matter_reference_in_a_government_letter(tmp_path):
    text = letter("preservation", make(tmp_path, kind="agency"))
    assert text.startswith("[Legend] PRESERVATION REQUEST — DO NOT DESTROY")
    assert "Pre-charge investigation" in text
    assert "Ana & <Bo> O'Neil" in text
    charged = letter("preservation", make(tmp_path / "c", kind="prosecutor", stage="charged",
                                          extra=", court: 351st District Court, case_number: 26FE-1"))
    assert "351st District Court, Case No. 26FE-1" in charged and "Pre-charge" not in charged
    assert "represents Ana & <Bo> O'Neil in the 351st District Court, Case No. 26FE-1." in charged


# What a provider or network owner must never learn without the client's say-so: who the
# client is, that there is an investigation, which court, what kind of case.
DISCLOSING = ["Ana & <Bo> O'Neil", "O'Neil", "investigation", "Investigation", "Superior Court", "26FE-1",
              "criminal", "Matter No.", "2026-0500", "ICAC", "minor", "spoliation"]


@pytest.mark.parametrize("kind", ["isp", "third-party"])
@pytest.mark.parametrize("stage", ["investigation", "charged"])
def test_a_provider_or_network_owner_learns_only_the_account_period_and_addresses(tmp_path, kind, stage):
    extra = ", court: Superior Court, case_number: 26FE-1, agency: Valley ICAC Task Force"
    text = letter("preservation", make(tmp_path, kind=kind, stage=stage, extra=extra))
    for phrase in DISCLOSING:
        assert phrase not in text, phrase
    assert "September 1, 2026 through September 30, 2026" in text
    assert "203.0.113.7" in text
    assert "We write on behalf of a client of this firm." in text


def test_identify_client_true_names_the_client_to_a_provider(tmp_path):
    case = make(tmp_path, stage="charged", extra=", court: Superior Court, case_number: 26FE-1")
    case.write_text(case.read_text().replace("    respond_within_days:", "    identify_client: true\n    respond_within_days:"))
    text = letter("preservation", case)
    assert "This firm represents Ana & <Bo> O'Neil in the Superior Court, Case No. 26FE-1." in text


def test_identify_client_false_keeps_a_government_letter_anonymous(tmp_path):
    case = make(tmp_path, kind="agency")
    case.write_text(case.read_text().replace("    respond_within_days:", "    identify_client: false\n    respond_within_days:"))
    assert "O'Neil" not in letter("preservation", case)


WORDING = {
    # Sierra Fiber is no cable operator: 47 U.S.C. § 551 binds cable operators only
    "isp": (["2702(c)(6)", "port"], ["Brady", "3509(m)", "551", "spoliation"]),
    # California: no § 3509(m), no Budziak (Ninth Circuit authority, federal matters only),
    # and § 1054.10 copies are not waived
    "agency": (["Brady", "Youngblood", "chain-of-custody", "Cal. Penal Code § 1054.1", "§ 1054.10", "spoliation"],
               ["2702(c)(6)", "3509(m)", "Budziak", "We do not ask for copies", "Fed. R. Crim. P."]),
    "prosecutor": (["Brady", "Youngblood", "hash", "§ 1054.10"], ["2702(c)(6)", "3509(m)", "Budziak"]),
    "third-party": (["router", "connected", "guest"], ["Brady", "3509(m)", "2702(c)(6)", "spoliation", "account"]),
}


@pytest.mark.parametrize("kind", list(WORDING))
def test_wording_fits_the_recipient(tmp_path, kind):
    text = letter("preservation", make(tmp_path, kind=kind, name="Sierra Fiber, LLC"))
    must, must_not = WORDING[kind]
    for phrase in must:
        assert phrase.lower() in text.lower(), phrase
    for phrase in must_not:
        assert phrase not in text, phrase
    salutation = "Dear Counsel:" if kind == "prosecutor" else "To the Custodian of Records:"
    assert f"[Salutation] {salutation}" in text


def test_cable_operator_paragraph_only_to_a_cable_operator(tmp_path):
    assert "551(c)(2)(B)" in letter("preservation", make(tmp_path / "a", name="Sierra Cable, LLC"))
    assert "551" not in letter("preservation", make(tmp_path / "b", name="Sierra Fiber, LLC"))
    case = make(tmp_path / "c", name="Sierra Fiber, LLC")
    case.write_text(case.read_text().replace("      address: [\"100", "      cable_operator: true\n      address: [\"100"))
    assert "551(e)" in letter("preservation", case)


@pytest.mark.parametrize("jurisdiction,court,present,absent", [
    ("US", "United States District Court for the Eastern District of California",
     ["Fed. R. Crim. P. 16(a)(1)(E)", "18 U.S.C. § 3509(m)", "Budziak", "We do not ask for copies"], ["1054"]),
    ("US", "United States District Court for the Southern District of New York",
     ["Fed. R. Crim. P. 16(a)(1)(E)", "18 U.S.C. § 3509(m)"], ["Budziak", "Gonzales", "9th Cir."]),
    ("TX", "351st District Court", ["Tex. Code Crim. Proc. art. 39.14", "Tex. Code Crim. Proc. art. 39.15"],
     ["3509(m)", "Fed. R. Crim. P.", "Budziak", "discovery law that governs"]),
    ("FL", "Circuit Court", ["Fla. R. Crim. P. 3.220", "Fla. Stat. § 92.561"], ["3509(m)", "Fed. R.", "Budziak"]),
    ("NY", "Supreme Court", ["N.Y. Crim. Proc. Law art. 245", "does not waive"], ["3509(m)", "Fed. R.", "Budziak"]),
    ("CA", "Superior Court", ["Cal. Penal Code § 1054.1", "does not waive the defense’s right to copies",
                              "Cal. Penal Code § 1054.10"], ["3509(m)", "We do not ask for copies"]),
])
def test_government_authority_fits_the_forum(tmp_path, jurisdiction, court, present, absent):
    extra = f", court: {court}, case_number: X-1"
    text = letter("preservation", make(tmp_path, kind="prosecutor", jurisdiction=jurisdiction, stage="charged",
                                       extra=extra))
    for phrase in present:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase


NO_OBSERVATIONS = """\
date: 2026-11-28
matter: {id: "2026-0700", jurisdiction: NY, stage: investigation, agency: NYPD Computer Crimes Squad}
client: {name: Ana Example, address: ["1 Main St", "Brooklyn, NY 11201"]}
preservation:
  - recipient:
      name: Office of the Kings County District Attorney
      kind: prosecutor
      reference: "2026KN004411"
      address: ["350 Jay Street", "Brooklyn, NY 11201"]
    period: {from: 2026-03-01, to: 2026-06-30}
"""


def test_a_government_letter_without_observations_points_at_no_list(tmp_path):
    text = letter("preservation", write_case(tmp_path, NO_OBSERVATIONS))
    assert "listed IP" not in text and "addresses listed" not in text and "given above" not in text
    assert "the IP addresses under investigation" in text
    # pre-charge, it names the investigation and the agency, and the office's own file number
    assert "in connection with a pending investigation (NYPD Computer Crimes Squad)" in text
    assert "Investigating agency: NYPD Computer Crimes Squad" in text
    assert "Your reference: 2026KN004411" in text
    assert "account" not in text.lower()


def test_a_government_letter_without_its_own_observations_uses_the_cases(tmp_path):
    case = NO_OBSERVATIONS + """\
  - recipient: {name: Brooklyn Fiber, kind: isp, address: ["1 Fiber Way"]}
    period: {from: 2026-03-01, to: 2026-06-30}
    observations:
      - {ip: 198.51.100.23, port: 6346, at: "2026-04-11 09:15:00 -04:00"}
"""
    out = letters("preservation", write_case(tmp_path, case))
    da = out["2026-0700-preservation-office-of-the-kings-county-district-attorney.docx"]
    assert "198.51.100.23" in da and "2026-04-11 13:15:00 UTC" in da
    assert "the IP addresses listed above" in da


def test_an_isp_without_observations_points_at_the_account(tmp_path):
    case = """\
date: 2026-11-28
matter: {id: "2026-0701", jurisdiction: CA}
client: {name: Ana Example, address: ["1 Main St"]}
preservation:
  - recipient: {name: Sierra Fiber, kind: isp, address: ["1 Fiber Way"]}
    account: "8835-1120"
    period: {from: 2026-03-01, to: 2026-06-30}
"""
    text = letter("preservation", write_case(tmp_path, case))
    assert "listed" not in text and "given above" not in text
    assert "the IP addresses assigned to the account" in text and "account 8835-1120" in text


@pytest.mark.parametrize("attention,salutation", [
    ("Legal Response Center", "To the Legal Response Center:"),
    # a title before the name goes with the surname, as a letter would write it
    ("AUSA Daniel Okoye", "Dear AUSA Okoye:"),
    ("ADA Priya Raman, Special Victims Bureau", "Dear ADA Raman:"),
    ("Special Agent Maria Lopez", "Dear Special Agent Lopez:"),
    ("Det. Ito", "Dear Det. Ito:"),
    ("Jane Doe", "Dear Jane Doe:"),  # no title: the name as given (its form of address is unknown)
    ("Custodian of Records", "To the Custodian of Records:"),
])
def test_a_letter_to_the_attention_of_someone_is_addressed_to_them(tmp_path, attention, salutation):
    case = make(tmp_path, kind="prosecutor")
    case.write_text(case.read_text().replace("      address: [\"100", f"      attention: {attention}\n      address: [\"100"))
    assert f"[Salutation] {salutation}" in letter("preservation", case)


def test_the_agency_file_number_is_a_reference_not_an_account(tmp_path):
    assert "Your reference" not in letter("preservation", make(tmp_path, kind="agency"))
    out = letters("preservation", EXAMPLES / "cases" / "us-chen.yaml")
    hsi = out["2026-0231-preservation-homeland-security-investigations-sacramento.docx"]
    assert "Your reference: HSI case SF26QR04AA0012" in hsi
    assert "for account" not in hsi and "Account:" not in hsi


@pytest.mark.parametrize("kind", list(WORDING))
def test_no_letter_to_a_recipient_outside_the_firm_carries_a_cc(tmp_path, kind):
    assert "cc:" not in letter("preservation", make(tmp_path, kind=kind))


def test_items_are_listed_once_not_restated_in_prose(tmp_path):
    isp = letter("preservation", make(tmp_path / "a"))
    assert "Please preserve the port-mapping records" not in isp
    assert "Please also preserve any request" not in isp
    assert isp.lower().count("law-enforcement") == 1
    third = letter("preservation", make(tmp_path / "b", kind="third-party"))
    assert "Please preserve your router" not in third
    assert third.lower().count("guest network") == 1


def test_agency_letter_asks_for_preservation_not_copies(tmp_path):
    text = letter("preservation", make(tmp_path, kind="agency", jurisdiction="US"))
    assert "3509(m)" in text
    assert not re.search(r"\b(send|provide|produce) (us )?(a )?cop(y|ies)\b", text, re.I)


def test_default_items_are_the_catalogues_set_for_the_kind(tmp_path):
    from drafting.rules import load_rules

    text = letter("preservation", make(tmp_path, kind="isp"))
    numbered = [line for line in text.splitlines() if line.startswith("[Numbered Item]")]
    assert len(numbered) == len(load_rules().items_for("isp"))
    for item in load_rules().items_for("isp"):
        filled = item.text.replace("{account}", "the subscriber's account").replace(
            "{addresses}", "the IP addresses listed above")
        assert filled in text
    assert "{" not in text.replace("{PAGE}", "").replace("{NUMPAGES}", "")


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
    assert text.count("2026-03-01 00:00:00 UTC") == 6000  # in UTC, and as given (in UTC too)
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
    assert "Fed. R. Crim. P. 16" not in state and "discovery law that governs this case" not in state
    assert "Fed. R. Crim. P. 16(a)(1)(E)" in federal


def test_an_empty_item_list_is_refused_with_its_line(tmp_path):
    case = make(tmp_path)
    case.write_text(case.read_text().replace("    respond_within_days:", "    items: []\n    respond_within_days:"))
    with pytest.raises(CaseFileError) as info:
        letters("preservation", case)
    assert "preservation[0].items" in str(info.value) and ":15:" in str(info.value)


def test_a_field_a_firm_template_prints_is_located_in_its_own_request(tmp_path):
    """Each letter comes from one entry of `preservation:` (Kind.per_entry): an optional
    field the template prints unguarded is reported at the entry that lacks it."""
    from drafting.errors import DraftingError
    from drafting.render import Renderer
    from helpers import make_template

    case = make(tmp_path)
    text = case.read_text(encoding="utf-8")
    first, entry = text.split("preservation:\n", 1)
    given = entry.replace("    respond_within_days", '    account: "77"\n    respond_within_days')
    case.write_text(first + "preservation:\n" + given + entry.replace("Sierra Cable, LLC", "Third Net"),
                    encoding="utf-8")
    # the 1-based line of the second entry ("- recipient:") is the 0-based index of its name
    second_line = case.read_text(encoding="utf-8").splitlines().index('      name: "Third Net"')
    templates = make_template(tmp_path / "templates", "preservation", ["{{ request.account }}"]).parent
    with pytest.raises(DraftingError) as caught:
        Renderer(templates_dir=templates).documents("preservation", case, out_dir=tmp_path / "out")
    assert str(caught.value.file) == str(case)
    assert caught.value.line == second_line, str(caught.value)
