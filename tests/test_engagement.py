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
    assert "2. advice on immigration consequences" in text
    assert "civil forfeiture" not in text


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
    ("CA", ["§ 6148", "California Rule of Professional Conduct 1.15"], ["Part 137", "4-1.5"]),
    ("NY", ["Part 137", "Part 1215"], ["§ 6148"]),
    ("FL", ["4-1.5", "nonrefundable"], ["§ 6148", "Part 137"]),
    ("TX", ["Model Rule 1.15(c)"], ["§ 6148", "Part 137", "nonrefundable"]),
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
