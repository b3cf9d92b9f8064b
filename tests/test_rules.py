"""The rule data: numbers pinned to their citations, the loader, firm additions, errors."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from drafting.errors import RuleDataError, UnknownIdError
from drafting.rules import Jurisdiction, Offense, PreservationItem, RuleBook, load_rules

VERIFIED = date(2026, 11, 28)


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def level_facts(j: Jurisdiction) -> dict[str, tuple]:
    return {lv.id: (lv.duration_years, lv.duration, lv.verification_months) for lv in j.levels}


# --- registration rules -------------------------------------------------------------------


def test_sorna_tiers_pinned_to_20915_and_20918(book):
    us = book.jurisdiction("US")
    assert us.scheme == "tier"
    assert level_facts(us) == {"1": (15, "15 years", 12), "2": (25, "25 years", 6), "3": (None, "life", 3)}
    assert [lv.label for lv in us.levels] == ["Tier I", "Tier II", "Tier III"]
    for lv in us.levels:
        assert "20915" in lv.citation and "20918" in lv.citation
    assert "20911" in us.decided_by
    assert "3 business days" in us.register_deadline and "20913" in us.register_deadline
    assert "3 business days" in us.change_deadline
    assert "21 days" in us.travel and "Part 72" in us.travel and "69856" in us.travel
    assert "20916" in us.internet_identifiers
    assert "20920" in us.public_registry and "zip code" in us.public_registry
    assert "20915(b)" in us.relief and "10 years" in us.relief and "25" in us.relief
    assert "2250(a)" in us.failure_to_register and "10 years" in us.failure_to_register
    cites = {c.title: c.citation for c in us.other_consequences}
    assert "212b" in cites["Passport endorsement"]
    assert cites["Social media"] == "Packingham v. North Carolina, 582 U.S. 98 (2017)"
    assert cites["Immigration"] == "8 U.S.C. § 1101(a)(43)(I)"
    assert cites["Supervised release"] == "18 U.S.C. § 3583(k)"
    assert us.verified == VERIFIED and us.caveat is None


def test_california_tiers_cite_290d(book):
    ca = book.jurisdiction("CA")
    assert level_facts(ca) == {"1": (10, "10 years", 12), "2": (20, "20 years", 12), "3": (None, "life", 12)}
    for lv in ca.levels:
        assert "290(d)" in lv.citation and "290.012" in lv.citation
    assert "5 working days" in ca.verification_summary
    assert "petition" in ca.relief
    [jessica] = ca.restrictions
    assert "2,000-foot" in jessica.text and "parole" in jessica.text
    assert "3003.5(b)" in jessica.citation and "60 Cal. 4th 1019 (2015)" in jessica.citation
    assert "290(d)" in ca.citation


def test_new_york_levels_cite_168h(book):
    ny = book.jurisdiction("NY")
    assert ny.scheme == "level"
    assert level_facts(ny) == {"1": (20, "20 years", 12), "2": (None, "life", None), "3": (None, "life", 3)}
    assert ny.level("3").verification == "every 90 days"
    assert all("168-h" in lv.citation for lv in ny.levels)
    assert "30 years" in ny.relief and "168-o" in ny.relief
    # LAW.md gives no level 2 frequency: said plainly, not invented.
    assert "not stated" in ny.level("2").verification


def test_texas_lifetime_for_43_26_with_caveat(book):
    tx = book.jurisdiction("TX")
    assert tx.level("lifetime").duration_years is None
    assert "62.101" in tx.level("lifetime").citation
    assert tx.level("10-years").duration_years == 10
    assert "7 days" in tx.register_deadline and "62.051" in tx.register_deadline
    assert "43.26" in tx.decided_by
    assert tx.caveat and "secondary source" in tx.caveat
    off = book.offense("tx-pc-43.26-possession")
    assert off.state_tiers == {"TX": "lifetime"} and off.caveat


def test_florida_lifetime_and_1000_feet(book):
    fl = book.jurisdiction("FL")
    assert fl.scheme == "single"
    assert level_facts(fl) == {"lifetime": (None, "life", None)}
    assert "943.0435" in fl.levels[0].citation
    [rule] = fl.restrictions
    assert "1,000 feet" in rule.text and "under 16" in rule.text and rule.citation == "Fla. Stat. § 775.215(2)(a)"
    assert fl.caveat and "waiting periods" in fl.caveat


def test_every_registration_record_is_complete(book):
    assert set(book.registration) == {"US", "CA", "NY", "TX", "FL"}
    for code, j in book.registration.items():
        assert j.code == code and j.citation and j.verified == VERIFIED
        for text in (j.decided_by, j.register_deadline, j.change_deadline, j.verification_summary):
            assert text.strip()


def test_state_lookup_is_case_insensitive_and_unknown_lists_known(book):
    assert book.jurisdiction("ca").code == "CA"
    with pytest.raises(UnknownIdError) as exc:
        book.jurisdiction("ZZ", file="case.yaml", line=7, field="advisory.state")
    msg = str(exc.value)
    assert "case.yaml:7" in msg and "'ZZ'" in msg and "CA, FL, NY, TX, US" in msg


# --- offense library ----------------------------------------------------------------------

PENALTIES = {
    # id: (statute, sorna_tier, min, max, aggravated max, prior min, prior max)
    "us-2252a-possession": ("18 U.S.C. § 2252A(a)(5)(B)", 1, 0, 10, 20, 10, 20),
    "us-2252a-receipt": ("18 U.S.C. § 2252A(a)(2)", 1, 5, 20, None, 15, 40),
    "us-2252a-distribution": ("18 U.S.C. § 2252A(a)(2)", 2, 5, 20, None, 15, 40),
    "us-2422b-enticement": ("18 U.S.C. § 2422(b)", 2, 10, None, None, None, None),
    "us-2251-production": ("18 U.S.C. § 2251(a)", 2, 15, 30, None, None, None),
}


@pytest.mark.parametrize("oid", sorted(PENALTIES))
def test_federal_offense_numbers(book, oid):
    statute, tier, lo, hi, agg, plo, phi = PENALTIES[oid]
    off = book.offense(oid)
    p = off.penalty
    assert (off.statute, off.sorna_tier, off.jurisdiction) == (statute, tier, "US")
    assert (p.minimum_years, p.maximum_years, p.aggravated_maximum_years) == (lo, hi, agg)
    assert (p.prior_minimum_years, p.prior_maximum_years) == (plo, phi)
    assert "3583(k)" in p.citation and "5 years to life" in p.summary
    assert off.verified == VERIFIED and "20911" in off.citation


def test_penalty_citations_and_summaries(book):
    assert "2252A(b)(2)" in book.offense("us-2252a-possession").penalty.citation
    assert "2252A(b)(1)" in book.offense("us-2252a-receipt").penalty.citation
    assert "2251(e)" in book.offense("us-2251-production").penalty.citation
    summary = book.offense("us-2252a-possession").penalty.summary
    assert summary.startswith("No mandatory minimum; up to 10 years")
    assert "under 12" in summary and "10 to 20 years with a prior" in summary
    assert "up to life" in book.offense("us-2422b-enticement").penalty.summary


def test_state_offenses_have_no_invented_penalty(book):
    ca = book.offense("ca-pc-311.11-possession")
    assert ca.penalty is None and ca.state_tiers == {"CA": "1"} and ca.jurisdiction == "CA"
    assert ca.statute == "Cal. Penal Code § 311.11(a)"
    assert book.offense("tx-pc-43.26-possession").penalty is None
    # every state tier points at a real level of that state's file
    for off in book.offenses.values():
        for code, level in off.state_tiers.items():
            assert book.jurisdiction(code).level(level) is not None


def test_unknown_offense_lists_known(book):
    with pytest.raises(UnknownIdError) as exc:
        book.offense("us-9999-nothing")
    assert "us-2252a-possession" in str(exc.value) and "tx-pc-43.26-possession" in str(exc.value)


def test_summary_must_agree_with_numbers():
    record = dict(
        id="x", jurisdiction="US", statute="s", title="t", sorna_tier=1, citation="c", verified="2026-11-28",
        penalty=dict(minimum_years=5, maximum_years=20, summary="A minimum of 5 years and up to 25 years.", citation="c"),
    )
    with pytest.raises(ValueError, match="maximum_years is 20"):
        Offense.model_validate(record)
    record["penalty"]["summary"] = "A minimum of 5 years and up to 20 years."
    assert Offense.model_validate(record).penalty.maximum_years == 20


# --- preservation catalogue ---------------------------------------------------------------

SPEC_ITEMS = [
    "subscriber-records", "ip-assignment-logs", "cgnat-port-logs", "law-enforcement-requests", "p2p-tool-logs",
    "p2p-tool-configuration", "p2p-tool-validation", "hash-values", "network-captures", "forensic-images",
    "chain-of-custody", "router-logs", "connected-device-lists",
]


def test_catalogue_has_every_spec_item(book):
    for iid in SPEC_ITEMS:
        item = book.item(iid)
        assert item.kinds and set(item.default_for) <= set(item.kinds) and item.text.endswith(".")
        assert item.verified == VERIFIED


def test_catalogue_kinds_and_citations(book):
    isp = [i.id for i in book.items_for("isp")]
    assert isp == ["subscriber-records", "ip-assignment-logs", "cgnat-port-logs", "law-enforcement-requests"]
    assert book.item("subscriber-records").citation == "18 U.S.C. § 2702(c)(6)"
    assert "551(e)" in book.item("ip-assignment-logs").citation
    assert "Budziak" in book.item("p2p-tool-configuration").citation
    agency = {i.id for i in book.items_for("agency")}
    assert {"p2p-tool-logs", "hash-values", "forensic-images", "chain-of-custody"} <= agency
    assert agency == {i.id for i in book.items_for("prosecutor")}
    third = [i.id for i in book.items_for("third-party")]
    assert third[:2] == ["router-logs", "connected-device-lists"]
    assert "law-enforcement-requests" not in third and "third-party" in book.item("law-enforcement-requests").kinds


def test_government_items_never_ask_for_copies(book):
    for item in book.items_for("agency") + book.items_for("prosecutor"):
        assert not re.search(r"\bcop(y|ies)\b", item.text, re.I), item.id


def test_unknown_item_and_kind(book):
    with pytest.raises(UnknownIdError) as exc:
        book.item("router-log", field="preservation[0].items[1]")
    assert "router-logs" in str(exc.value) and "subscriber-records" in str(exc.value)
    with pytest.raises(UnknownIdError):
        book.items_for("court")


# --- loader: firm data, errors, staleness, cache ------------------------------------------

FIRM_OFFENSES = """
offenses:
  - id: us-2252a-receipt
    jurisdiction: US
    statute: "18 U.S.C. § 2252A(a)(2)"
    title: Receipt (firm wording)
    penalty: null
    sorna_tier: 1
    citation: "18 U.S.C. § 2252A(a)(2)"
    verified: 2026-11-01
  - id: ca-pc-288.3-contact
    jurisdiction: CA
    statute: "Cal. Penal Code § 288.3"
    title: Contact with a minor with intent
    penalty: null
    sorna_tier: null
    state_tiers: {CA: "2"}
    citation: "Cal. Penal Code § 288.3"
    verified: 2026-11-01
"""


def test_firm_folder_adds_and_overrides(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES)
    book = load_rules(tmp_path)
    assert book.offense("us-2252a-receipt").title == "Receipt (firm wording)"
    assert book.offense("ca-pc-288.3-contact").state_tiers == {"CA": "2"}
    assert "us-2252a-possession" in book.offenses and len(book.offenses) == len(load_rules().offenses) + 1
    assert list(book.offenses).index("us-2252a-receipt") == 1  # replaced in place
    firm = {r.id: r for r in book.records() if r.file.parent == tmp_path.resolve()}
    assert set(firm) == {"us-2252a-receipt", "ca-pc-288.3-contact"} and firm["ca-pc-288.3-contact"].line == 10
    # the bundled book is untouched
    assert load_rules().offense("us-2252a-receipt").title == "Receipt of child pornography"


def test_firm_registration_file_adds_state(tmp_path):
    text = (Path(__file__).parents[1] / "drafting/data/registration/fl.yaml").read_text(encoding="utf-8")
    write(tmp_path / "registration" / "ga.yaml", text.replace("code: FL", "code: GA").replace("name: Florida", "name: Georgia"))
    assert load_rules(tmp_path).jurisdiction("GA").name == "Georgia"


def test_typo_in_firm_file_names_file_line_and_field(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('    citation: "Cal.', '    citaton: "Cal.'))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    err = exc.value
    assert err.line == 17 and err.field == "offenses[1].citaton"
    text = str(err)
    assert "offenses.yaml:17:" in text and "citaton" in text and "did you mean 'citation'" in text


def test_bad_value_and_broken_link_are_located(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace("sorna_tier: 1", "sorna_tier: 4"))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert exc.value.line == 7 and exc.value.field == "offenses[0].sorna_tier"
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('{CA: "2"}', '{CA: "9"}'))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert exc.value.line == 16 and "no level '9'" in str(exc.value)


def test_bad_yaml_in_firm_file_is_rule_data_error(tmp_path):
    write(tmp_path / "preservation.yaml", "items: [\n")
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert "preservation.yaml" in str(exc.value)


def test_stale_finds_old_records(tmp_path, book):
    assert book.stale(date(2027, 6, 1)) == []
    assert {r.kind for r in book.stale(date(2028, 11, 28))} == {"offense", "registration", "preservation"}
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace("verified: 2026-11-01", "verified: 2024-11-28", 1))
    stale = load_rules(tmp_path).stale(date(2026, 11, 28))
    assert [(r.id, r.verified, r.kind) for r in stale] == [("us-2252a-receipt", date(2024, 11, 28), "offense")]
    assert stale[0].file.name == "offenses.yaml" and stale[0].line == 2


def test_bundled_rules_are_cached(book):
    assert load_rules() is book
    assert isinstance(book.registration["US"], Jurisdiction)
    assert all(isinstance(i, PreservationItem) for i in book.preservation.values())


def test_a_control_character_in_firm_rule_data_is_located_in_the_rule_file(tmp_path):
    """Issue 12.16: it reached the letter and was blamed on the bundled template
    ("part word/document.xml is not well-formed XML") with no file, line or field."""
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace("title: Receipt (firm wording)",
                                                            'title: "Receipt\\a (firm wording)"'))
    with pytest.raises(RuleDataError) as info:
        load_rules(tmp_path)
    assert info.value.file == str(tmp_path / "offenses.yaml") and info.value.line == 5
    assert "title" in str(info.value) and "document.xml" not in str(info.value)
