"""The engagement letter: scope by stage, the fee as agreed, trust and state clauses, the
do-not-delete warning, signature blocks; a contingent fee refused."""

from __future__ import annotations

import pytest

from drafting.errors import CaseFileError
from drafting.render import Renderer
from helpers import EXAMPLES, letter, text_of, write_case

BASE = """\
date: 2026-11-28
matter: {{id: "2026-0600", jurisdiction: {jurisdiction}, stage: {stage}{extra}}}
client: {{name: "Lee & Sons", salutation: Mr. Lee, address: ["1 Main St", "Town, ST 00000"]}}
charges:
  - offense: us-2252a-receipt
engagement:
  fee: {fee}
{more}"""


def make(tmp_path, *, jurisdiction="CA", stage="investigation", fee="{type: flat, amount: 25000}", more="", extra=""):
    return write_case(tmp_path, BASE.format(jurisdiction=jurisdiction, stage=stage, fee=fee, more=more, extra=extra))


def test_flat_fee_costs_deposit_and_exclusions(tmp_path):
    text = letter("engagement", make(tmp_path, more="  costs_deposit: 5000\n  excluded: [appeal, immigration]\n"))
    assert "flat fee of $25,000.00" in text
    assert "deposit of $5,000.00" in text
    assert "1. an appeal or writ proceeding" in text
    # Padilla v. Kentucky: plea advice on deportation cannot be excluded; immigration proceedings can
    assert "2. representation in immigration proceedings (before any plea we will still tell you whether it " \
           "risks deportation" in " ".join(text.split())
    assert "advice on immigration consequences" not in text
    assert "civil forfeiture" not in text


def test_a_convicted_clients_immigration_exclusion_promises_no_plea_advice(tmp_path):
    text = letter("engagement", make(tmp_path, stage="convicted", more="  excluded: [immigration]\n"))
    flat = " ".join(text.split())
    assert "representation in immigration proceedings (we can refer you to an immigration lawyer)" in flat
    assert "before any plea" not in flat


def test_hourly_fee_with_retainer(tmp_path):
    text = letter("engagement", make(tmp_path, fee="{type: hourly, rate: 450, retainer: 10000}"))
    assert "$450.00" in text and "$10,000.00" in text
    assert "flat fee of" not in text


def test_default_exclusions_are_all_listed(tmp_path):
    from drafting.kinds.engagement import EXCLUSIONS

    text = letter("engagement", make(tmp_path))
    for label in EXCLUSIONS.values():
        assert label in text


@pytest.mark.parametrize("stage,phrase", [
    ("investigation", "needs a new written agreement and a further fee"),
    ("charged", "through trial"),
])
def test_scope_follows_the_stage(tmp_path, stage, phrase):
    extra = ", court: U.S. District Court, case_number: 1:26-cr-1" if stage != "investigation" else ""
    assert phrase in letter("engagement", make(tmp_path, stage=stage, extra=extra))


def test_charges_heading_follows_the_stage(tmp_path):
    assert "[Section Heading] Potential charges" in letter("engagement", make(tmp_path / "a"))
    charged = letter("engagement", make(tmp_path / "b", stage="charged", extra=", case_number: X-1"))
    assert "[Section Heading] Charges" in charged
    assert "18 U.S.C. § 2252A(a)(2)" in charged


@pytest.mark.parametrize("jurisdiction,present,absent", [
    ("CA", ["§ 6148", "California Rule of Professional Conduct 1.15", "Cal. Rules of Prof. Conduct 1.15",
            "Cal. Rules of Prof. Conduct 1.16", "Cal. Rules of Prof. Conduct 1.5", "Cal. Penal Code § 135"],
     ["Part 137", "4-1.5", "81.079"]),
    ("NY", ["Part 137", "Part 1215", "N.Y. Rules of Prof. Conduct 1.15", "N.Y. Rules of Prof. Conduct 1.16",
            "N.Y. Rules of Prof. Conduct 1.8(f)", "N.Y. Penal Law § 215.40"], ["§ 6148", "Cal. "]),
    # Florida: refundable and in trust unless the case says nonrefundable: true
    ("FL", ["4-1.5", "R. Regulating Fla. Bar 5-1.1", "R. Regulating Fla. Bar 4-1.8(f)", "Fla. Stat. § 918.13",
            "stays in that account until we earn it"], ["§ 6148", "Part 137", "nonrefundable", "operating account"]),
    ("TX", ["Model Rule 1.15(c)", "Tex. Disciplinary R. Prof’l Conduct 1.14", "Tex. Disciplinary R. Prof’l Conduct 1.15",
            "Tex. Disciplinary R. Prof’l Conduct 1.08(e)", "Tex. Penal Code § 37.09",
            "1-800-932-1900", "Tex. Gov’t Code § 81.079"], ["§ 6148", "Part 137", "nonrefundable"]),
])
def test_state_clauses(tmp_path, jurisdiction, present, absent):
    text = letter("engagement", make(tmp_path, jurisdiction=jurisdiction))
    for phrase in present:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase


def test_client_duties_and_do_not_delete_in_bold(tmp_path):
    case = make(tmp_path)
    (doc,) = Renderer().documents("engagement", case, out_dir=tmp_path / "out")
    lines = text_of(doc.data, formatting=True).splitlines()
    warning = next(line for line in lines if "Do not delete, wipe, reset, or dispose" in line)
    assert "**Do not delete, wipe, reset, or dispose" in warning
    text = "\n".join(lines)
    assert "18 U.S.C. § 1519" in text and "Yates" in text
    assert "will not take possession of contraband" in text


def test_signature_blocks_and_privilege(tmp_path):
    text = letter("engagement", make(tmp_path))
    assert text.startswith("[Legend] PRIVILEGED & CONFIDENTIAL — ATTORNEY-CLIENT COMMUNICATION")
    assert "I have read and agree to the terms above." in text
    assert "[Acknowledgement Name] Lee & Sons" in text
    assert "[Signature Line] Mara Harper" in text and "California State Bar No. 245118" in text
    assert "[Copy Line] cc:\\tClient file" in text
    assert "Dear Mr. Lee:" in text
    assert "Model Rule 1.8(d)" in text and "pay our fees" in text  # third-party payor clause
    assert "no lawyer can promise a result" in text
    assert "1.16(d)" in text


def test_named_attorney_signs(tmp_path):
    text = letter("engagement", make(tmp_path, jurisdiction="NY", extra=", attorney: jvale"))
    assert "[Signature Line] Jonah Vale" in text and "Mara Harper" not in text


@pytest.mark.parametrize("fee", ["{type: contingent, percent: 33}", "{type: contingency}", "{type: success, amount: 5}"])
def test_contingent_fee_is_refused(tmp_path, fee):
    with pytest.raises(CaseFileError) as info:
        Renderer().documents("engagement", make(tmp_path, fee=fee), out_dir=tmp_path / "out")
    assert "contingent fee is not permitted" in str(info.value)
    assert ":7:" in str(info.value) and "engagement.fee" in str(info.value)


def test_every_example_has_an_engagement_letter():
    for case in sorted((EXAMPLES / "cases").glob("*.yaml")):
        text = letter("engagement", case)
        assert "Very truly yours," in text


@pytest.mark.parametrize("amount, printed", [("25000", "$25,000.00"), ("25000.00", "$25,000.00"),
                                             ("25,000", "$25,000.00"), ("$1,250,000.5", "$1,250,000.50"),
                                             ("0.5", "$0.50")])
def test_plain_amounts_are_read_one_way(tmp_path, amount, printed):
    text = letter("engagement", make(tmp_path, fee=f'{{type: flat, amount: "{amount}"}}'))
    assert printed in text


@pytest.mark.parametrize("amount, message", [
    ("202612345678999999999999999999999", "is implausibly large"),  # found by the loader fuzzer
    ("25000.005", "has more than two decimal places"),
    ("-5", "must not be negative"),
    ("-0", "must not be negative"),
    ("25,000 dollars", "expected an amount"),
    # issue 12.6: these printed $25.00 (or $-0.00) and check was clean
    ("25.000,00", "could be read two ways"),
    ("2,5", "could be read two ways"),
    ("25,00", "could be read two ways"),
    ("1,2345", "could be read two ways"),
    ("1.000.000", "could be read two ways"),
    ("2.5e4", "expected an amount"),
    ("NaN", "expected an amount"),
])
def test_a_fee_that_is_not_a_sensible_amount_is_refused_with_its_line(tmp_path, amount, message):
    with pytest.raises(CaseFileError) as info:
        Renderer().documents("engagement", make(tmp_path, fee=f'{{type: flat, amount: "{amount}"}}'),
                             out_dir=tmp_path / "out")
    assert message in str(info.value)
    assert ":7:" in str(info.value) and "engagement.fee.amount" in str(info.value)


def test_florida_nonrefundable_only_when_agreed_and_as_the_bar_requires(tmp_path):
    text = letter("engagement", make(tmp_path, jurisdiction="FL", more="  nonrefundable: true\n"))
    assert "You agree that this flat fee is nonrefundable" in text
    assert "operating account" in text and "clearly excessive" in text
    assert "stays in that account until we earn it" not in text


@pytest.mark.parametrize("jurisdiction,fee,message", [
    ("CA", "{type: flat, amount: 25000}", "nonrefundable applies to Florida matters only"),
    ("FL", "{type: hourly, rate: 450, retainer: 10000}", "nonrefundable applies to a flat fee only"),
])
def test_nonrefundable_elsewhere_is_refused_with_its_line(tmp_path, jurisdiction, fee, message):
    with pytest.raises(CaseFileError) as info:
        Renderer().documents("engagement", make(tmp_path, jurisdiction=jurisdiction, fee=fee,
                                                more="  nonrefundable: true\n"), out_dir=tmp_path / "out")
    assert message in str(info.value) and "engagement" in str(info.value)


def test_federal_matter_cites_the_rules_of_the_state_the_court_sits_in(tmp_path):
    extra = ", court: United States District Court for the Eastern District of California, case_number: 2:26-cr-1"
    text = letter("engagement", make(tmp_path, jurisdiction="US", stage="charged", extra=extra))
    assert "Cal. Rules of Prof. Conduct 1.16" in text
    assert "§ 6148" in text  # a California lawyer in a federal matter
    assert "Cal. Penal Code § 135" not in text and "18 U.S.C. § 1519" in text
    assert "obstruct a federal investigation" in text
    ny = letter("engagement", make(tmp_path / "ny", jurisdiction="US", stage="charged",
                                   extra=", attorney: jvale, court: United States District Court for the "
                                         "Southern District of New York, case_number: 1:26-cr-9"))
    assert "N.Y. Rules of Prof. Conduct 1.16" in ny and "§ 6148" not in ny and "Cal. " not in ny


PAYOR = """\
  payor:
    name: Rosa Lee
    relationship: mother
    address: ["2 Main St", "Town, ST 00000"]
"""


def test_third_party_payor_named_with_consent_and_acknowledgement(tmp_path):
    text = letter("engagement", make(tmp_path, more=PAYOR))
    assert "[Section Heading] Who pays our fee" in text
    assert "Rosa Lee, your mother, will pay our fees and costs for you." in text
    assert "You are our only client." in text and "Your information stays confidential." in text
    assert "Our judgment stays independent." in text
    assert "agrees in writing" in text and "Cal. Rules of Prof. Conduct 1.8.6" in text
    assert "I consent to Rosa Lee paying our fees and costs" in text  # the client's consent
    assert "[Page Heading] Acknowledgement of the person paying our fees" in text
    assert "I, Rosa Lee, will pay the fees and costs" in text
    assert "[Acknowledgement Name] Rosa Lee\\tDate" in text
    assert "If someone else pays" not in text


def test_without_a_payor_the_general_clause_and_no_payor_lines(tmp_path):
    text = letter("engagement", make(tmp_path))
    assert "[Section Heading] If someone else pays" in text
    assert "person paying our fees" not in text and "I consent to" not in text


def test_media_rights_sentence_is_not_under_the_payor_heading(tmp_path):
    for folder, more in (("a", ""), ("b", PAYOR)):
        lines = letter("engagement", make(tmp_path / folder, more=more)).splitlines()
        at = next(i for i, line in enumerate(lines) if "Model Rule 1.8(d)" in line)
        heading = next(line for line in reversed(lines[:at]) if line.startswith("[Section Heading]"))
        assert heading == "[Section Heading] Media and book rights"


def test_hourly_billing_increment_and_other_timekeepers(tmp_path):
    hourly = "{type: hourly, rate: 450, retainer: 10000}"
    text = letter("engagement", make(tmp_path / "a", fee=hourly))
    assert "Mara Harper’s time is charged at $450.00 per hour" in text
    assert "units of 6 minutes (a tenth of an hour)" in text
    assert "Others at the firm" not in text
    more = "  billing_increment_minutes: 15\n  rates: [{role: Associate, rate: 300}, {role: Paralegal, rate: 150}]\n"
    text = letter("engagement", make(tmp_path / "b", fee=hourly, more=more))
    assert "units of 15 minutes;" in text
    assert "[Bullet Item] • Associate: $300.00 per hour" in text and "[Bullet Item] • Paralegal: $150.00 per hour" in text


def test_rates_with_a_flat_fee_are_refused(tmp_path):
    with pytest.raises(CaseFileError) as info:
        Renderer().documents("engagement", make(tmp_path, more="  rates: [{role: Associate, rate: 300}]\n"),
                             out_dir=tmp_path / "out")
    assert "hourly fee only" in str(info.value)


@pytest.mark.parametrize("stage,when", [
    ("investigation", "when charges are filed, or when the investigation is closed without charges"),
    ("charged", "when the trial court enters judgment or the case is dismissed"),
])
def test_a_flat_fee_says_when_it_is_earned(tmp_path, stage, when):
    extra = ", case_number: X-1" if stage != "investigation" else ""
    text = letter("engagement", make(tmp_path, stage=stage, extra=extra))
    assert "fully earned" in text and when in text and "refund the rest" in text


def test_appeal_excluded_still_says_what_happens_at_judgment(tmp_path):
    extra = ", court: U.S. District Court, case_number: 1:26-cr-1"
    federal = letter("engagement", make(tmp_path / "f", jurisdiction="US", stage="charged", extra=extra,
                                        more="  excluded: [appeal]\n"))
    assert "14 days after the judgment is entered (Fed. R. App. P. 4(b)(1)(A))" in federal
    assert "we will file the notice of appeal for you" in federal
    state = letter("engagement", make(tmp_path / "s", stage="charged", extra=", case_number: X-1",
                                      more="  excluded: [appeal]\n"))
    assert "we will file the notice of appeal for you" in state and "Fed. R. App. P." not in state
    covered = letter("engagement", make(tmp_path / "c", stage="charged", extra=", case_number: X-1",
                                        more="  excluded: [civil]\n"))
    assert "does not cover an appeal" not in covered


def test_layout_page_number_once_the_court_with_the_and_the_cost_list_once(tmp_path):
    extra = ", court: 351st District Court, case_number: X-1"
    text = letter("engagement", make(tmp_path, jurisdiction="TX", stage="charged", extra=extra,
                                     more="  costs_deposit: 5000\n"))
    header = [line for line in text.splitlines() if line.startswith("header2:")]
    assert header and not any("PAGE" in line for line in header)
    assert text.count("{PAGE}") == 2  # the two footers, "Page X of Y"
    assert "represent you in the 351st District Court, Case No. X-1" in text
    assert text.count("forensic examiner") == 1


@pytest.mark.parametrize("stage,extra,shown", [
    ("charged", "", "Charged case"),
    ("convicted", "", "Post-conviction"),
    ("charged", ", court: Example Superior Court", "Example Superior Court"),
    ("investigation", ", court: Example Superior Court", "Pre-charge investigation"),
])
def test_the_re_line_without_a_case_number_says_the_stage_or_court_not_a_note_to_the_office(
        tmp_path, stage, extra, shown):
    """It said "Case number to be confirmed": a note to the office, printed to the client."""
    for kind in ("engagement", "advisory"):
        text = letter(kind, make(tmp_path / kind, jurisdiction="US", stage=stage, extra=extra), draft=True)
        re_block = text[text.index("Re:"):][:300]
        assert shown in re_block and "to be confirmed" not in text, kind
