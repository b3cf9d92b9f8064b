"""The rule data: facts pinned to their statutes, the record format, the loader, firm
confirmations, errors."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from drafting.errors import RuleDataError, UnknownIdError
from drafting.jurisdictions import NAMES
from drafting.rule_models import REQUIRED_FACTS, Absent, Fact, Jurisdiction, PreservationItem
from drafting.rules import DATA_DIR, RuleBook, load_rules
from helpers import draft_state

VERIFIED = date(2026, 11, 28)
STATES_AND_DC = [c for c in NAMES if c not in ("US", "PR", "GU", "VI", "AS", "MP")]


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# --- every jurisdiction, every fact -------------------------------------------------------


def test_every_state_and_dc_and_the_federal_baseline_has_a_rule_file(book):
    assert len(STATES_AND_DC) == 51
    assert sorted(book.registration) == sorted(STATES_AND_DC + ["US"])
    assert sorted(p.stem.upper() for p in (DATA_DIR / "registration").glob("*.yaml")) == sorted(book.registration)


@pytest.mark.parametrize("code", sorted(STATES_AND_DC + ["US"]))
def test_each_jurisdiction_carries_every_fact_or_says_it_is_absent(book, code):
    j = book.jurisdiction(code)
    for name in REQUIRED_FACTS:
        fact = getattr(j.facts, name)
        assert isinstance(fact, (Fact, Absent)), name
        if isinstance(fact, Fact):
            # where it was read, when, on what basis; the words are the client's
            assert fact.citation and fact.source and fact.verified <= date.today() and fact.basis in ("statute", "secondary")
            assert "read 20" in fact.source or "(" in fact.source, (name, fact.source)
    for level in j.levels:
        assert level.basis in ("statute", "secondary") and level.source
        assert (level.duration_years is None) == ("life" in level.duration.lower()) or level.duration_years


def test_a_gap_names_the_jurisdiction_the_fact_and_the_rule_file_line(book):
    code, _, _ = draft_state()
    gaps = book.gaps(code)
    assert gaps
    for gap in gaps:
        assert gap.file == DATA_DIR / "registration" / f"{code.lower()}.yaml" and gap.line > 1
        assert gap.describe().startswith(f"{code} ") and gap.reason in ("missing", "secondary")
        line = gap.file.read_text(encoding="utf-8").splitlines()[gap.line - 1]
        key = gap.fact.split(".")[-1].split("[")[0]
        assert key in line or line.strip().startswith(("- id", "id:")), (gap, line)


# --- numbers pinned to the statutes -------------------------------------------------------
# The periods a letter states, against 34 U.S.C. §§ 20915, 20918 and N.Y. Correction Law
# §§ 168-f, 168-h (the files record where each was read).


def test_sorna_tiers_pinned_to_20915_and_20918(book):
    us = book.jurisdiction("US")
    assert [(lv.id, lv.duration_years, lv.verification_months) for lv in us.levels] == [
        ("1", 15, 12), ("2", 25, 6), ("3", None, 3)]
    assert all(lv.basis == "statute" and "20915" in lv.citation for lv in us.levels)
    assert "3 business days" in us.facts.change_reporting.text
    assert "20913" in us.facts.change_reporting.citation


def test_sorna_tiers_of_the_federal_offenses(book):
    tiers = {o.id: o.level for o in book.jurisdiction("US").offenses}
    assert tiers["us-2252a-possession"] == "1" and tiers["us-2252a-receipt"] == "1"
    assert tiers["us-2252a-distribution"] == "2" and tiers["us-2422b-enticement"] == "2"
    assert tiers["us-2251-production"] == "2"


def test_new_york_levels_and_verification_by_mail_or_in_person(book):
    ny = book.jurisdiction("NY")
    by_id = {lv.id: lv for lv in ny.levels}
    assert by_id["1"].duration_years == 20 and by_id["2"].duration_years is None and by_id["3"].duration_years is None
    assert by_id["1"].method == "mail" and by_id["2"].method == "mail"
    assert by_id["3"].verification_months == 3 and "in person" in by_id["3"].verification
    assert "168-h" in by_id["1"].citation
    assert "10 calendar days" in ny.facts.change_reporting.text
    # the level is not fixed by the offense: the court sets it at the SORA hearing
    assert all(o.level == "none" for o in ny.offenses)
    assert "168-n" in ny.facts.classification.citation


def test_california_possession_tier_depends_on_the_grade(book):
    off = book.offense("ca-pc-311.11-possession")
    assert off.level == {"felony": "3", "misdemeanor": "1"}
    ca = book.jurisdiction("CA")
    assert ca.level("3").duration_years is None and ca.level("1").duration_years == 10


def test_florida_registration_is_for_life(book):
    assert [lv.duration_years for lv in book.jurisdiction("FL").levels] == [None]


def test_spec_offense_ids_exist(book):
    for oid in ("us-2252a-possession", "us-2252a-receipt", "us-2252a-distribution", "us-2422b-enticement",
                "us-2251-production", "ca-pc-311.11-possession", "tx-pc-43.26-possession"):
        assert book.offense(oid).statute


def test_each_state_has_offenses_with_its_own_ids(book):
    for code in STATES_AND_DC:
        for off in book.jurisdiction(code).offenses:
            assert off.id.startswith(code.lower() + "-"), off.id
            assert off.jurisdiction == code
            assert not off.penalty or off.penalty_citation


def test_state_lookup_is_case_insensitive_and_unknown_lists_known(book):
    assert book.jurisdiction("ny").code == "NY"
    with pytest.raises(UnknownIdError) as exc:
        book.jurisdiction("PR", field="advisory.state")
    assert "unknown state 'PR'" in str(exc.value) and "WY" in str(exc.value)


def test_unknown_offense_lists_that_jurisdictions_ids(book):
    with pytest.raises(UnknownIdError) as exc:
        book.offense("ca-pc-311.99-possession")
    message = str(exc.value)
    assert "ca-pc-311.11-possession" in message and "us-2251-production" not in message


# --- the record format refuses what would mislead a client ------------------------------

FACT = """\
    text: >-
      {text}
    citation: "Ohio Rev. Code § 2950.04"
    source: "codes.ohio.gov (section text), read 2026-12-01"
    verified: 2026-11-28
    basis: {basis}
"""


def _state_file(**texts: str) -> str:
    facts = []
    for name in REQUIRED_FACTS:
        body = FACT.format(text=texts.get(name, "A registrant must register."), basis="statute")
        facts.append(f"  {name}:\n" + textwrap.indent(body, "  "))
    return (
        "code: GU\nname: Guam\nscheme: single\nlevels:\n"
        "  - {id: all, label: All registrants, duration_years: null, duration: life, verification: once a year,\n"
        "     citation: \"9 GCA § 89\", source: \"a page, read 2026-12-01\", verified: 2026-11-28, basis: statute}\n"
        "facts:\n" + "".join(facts)
    )


def test_a_fact_written_to_counsel_is_refused_with_its_line(tmp_path):
    write(tmp_path / "registration" / "gu.yaml", _state_file(relief="Counsel should confirm the waiting period."))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert exc.value.field == "facts.relief.text" and "note to counsel" in str(exc.value)
    assert str(exc.value).startswith(str(tmp_path.resolve() / "registration" / "gu.yaml") + ":")


def test_every_problem_of_a_rule_file_is_reported(tmp_path):
    text = _state_file().replace("basis: statute", "basis: summary", 2).replace("scheme: single", "scheme: tiers")
    write(tmp_path / "registration" / "gu.yaml", text)
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    lines = str(exc.value).splitlines()
    assert len(lines) == 3, lines
    assert any("scheme" in line for line in lines) and sum("basis" in line for line in lines) == 2
    assert all(re.match(r".*gu\.yaml:\d+:\d+ ", line) for line in lines)


def test_a_verified_date_in_the_future_is_refused(tmp_path):
    write(tmp_path / "registration" / "gu.yaml", _state_file().replace("verified: 2026-11-28", "verified: 9999-12-31", 1))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert "a date still to come" in str(exc.value)


def test_a_new_jurisdiction_in_a_firm_folder_is_added(tmp_path):
    write(tmp_path / "registration" / "gu.yaml", _state_file())
    book = load_rules(tmp_path)
    assert book.jurisdiction("GU").name == "Guam" and book.gaps("GU") == []


# --- a firm confirms its own facts ---------------------------------------------------------

CONFIRM = """\
code: TX
facts:
  public_registry:
    text: >-
      The public registry shows each registrant's name, photograph and address.
    citation: "Tex. Code Crim. Proc. art. 62.005"
    source: "statutes.capitol.texas.gov CR 62.005, read 2026-11-30"
    verified: 2026-11-30
    basis: statute
    verified_by: {attorney}
"""


def test_a_firm_attorney_confirms_a_fact_for_the_firms_letters(tmp_path):
    code, _, facts = draft_state()  # a fact the bundled data holds only from a summary
    name = facts[0].split(".")[1]
    patch = CONFIRM.format(attorney="mharper").replace("code: TX", f"code: {code}").replace("public_registry:", f"{name}:")
    write(tmp_path / "registration" / f"{code.lower()}.yaml", patch)
    book = load_rules(tmp_path, attorneys=("mharper", "jvale"))
    fact = getattr(book.jurisdiction(code).facts, name)
    assert fact.basis == "statute" and fact.verified_by == "mharper"
    assert f"facts.{name}" not in {g.fact for g in book.gaps(code)}
    assert f"facts.{name}" in {g.fact for g in load_rules().gaps(code)}  # the bundled data is untouched
    assert all(g.file.name == f"{code.lower()}.yaml" for g in book.gaps(code))


@pytest.mark.parametrize("attorney", ["nobody", "null"])
def test_a_confirmation_needs_an_attorney_of_the_firm(tmp_path, attorney):
    write(tmp_path / "registration" / "tx.yaml", CONFIRM.format(attorney=attorney))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path, attorneys=("mharper",))
    assert exc.value.field == "facts.public_registry.verified_by" and "mharper" in str(exc.value)


def test_an_unknown_fact_in_a_firm_patch_suggests_the_name(tmp_path):
    write(tmp_path / "registration" / "tx.yaml", CONFIRM.format(attorney="mharper").replace("public_registry:", "public_registy:"))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path, attorneys=("mharper",))
    assert "did you mean 'public_registry'" in str(exc.value) and exc.value.line == 3


# --- preservation catalogue ----------------------------------------------------------------

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


# --- loader: firm offenses, errors, staleness, cache --------------------------------------

FIRM_OFFENSES = """
offenses:
  - id: us-2252a-receipt
    jurisdiction: US
    statute: "18 U.S.C. § 2252A(a)(2)"
    title: Receipt (firm wording)
    level: "1"
    citation: "18 U.S.C. § 2252A(a)(2)"
    source: "uscode.house.gov, read 2026-11-01"
    verified: 2026-11-01
    basis: statute
  - id: ca-pc-288.3-contact
    jurisdiction: CA
    statute: "Cal. Penal Code § 288.3"
    title: Contact with a minor with intent
    level: "2"
    citation: "Cal. Penal Code § 288.3"
    source: "leginfo.legislature.ca.gov, read 2026-11-01"
    verified: 2026-11-01
    basis: statute
"""


def test_firm_offenses_add_and_override(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES)
    book = load_rules(tmp_path)
    assert book.offense("us-2252a-receipt").title == "Receipt (firm wording)"
    assert book.offense("ca-pc-288.3-contact").level == "2"
    assert len(book.offenses) == len(load_rules().offenses)  # both ids exist in the bundled data
    firm = {r.id: r for r in book.records() if r.file.parent == tmp_path.resolve()}
    assert set(firm) == {"us-2252a-receipt", "ca-pc-288.3-contact"} and firm["ca-pc-288.3-contact"].line == 11
    assert load_rules().offense("us-2252a-receipt").title == "Receipt of child pornography"


def test_typo_in_firm_file_names_file_line_and_field(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('    citation: "Cal.', '    citaton: "Cal.'))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    text = str(exc.value)
    assert "offenses.yaml:16:" in text and "offenses[1].citaton" in text and "did you mean 'citation'" in text


def test_a_broken_level_link_is_located(tmp_path):
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('level: "2"', 'level: "9"'))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert "no level '9'" in str(exc.value)


BY_CASE = """\
    level:
      - {when: "the contact was in person", level: "2"}
      - {when: "the contact was online only", level: "%s"}
"""


def test_a_level_decided_by_a_fact_of_the_case_names_each_outcome(tmp_path):
    """A level that turns on a fact the library cannot know (a grade class, the intended
    offense) is written as one line per outcome; each must be a level of the jurisdiction."""
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('    level: "2"\n', BY_CASE % "1"))
    off = load_rules(tmp_path).offense("ca-pc-288.3-contact")
    assert [(c.when, c.level) for c in off.level] == [("the contact was in person", "2"),
                                                      ("the contact was online only", "1")]
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace('    level: "2"\n', BY_CASE % "9"))
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert "no level '9'" in str(exc.value)


def test_bad_yaml_in_firm_file_is_rule_data_error(tmp_path):
    write(tmp_path / "preservation.yaml", "items: [\n")
    with pytest.raises(RuleDataError) as exc:
        load_rules(tmp_path)
    assert "preservation.yaml" in str(exc.value)


def test_stale_finds_old_records(tmp_path, book):
    assert book.stale(date(2027, 6, 1)) == []
    assert {r.kind for r in book.stale(date(2028, 11, 28))} == {"offense", "registration", "preservation"}
    write(tmp_path / "offenses.yaml", FIRM_OFFENSES.replace("verified: 2026-11-01", "verified: 2024-11-28", 1))
    stale = [r for r in load_rules(tmp_path).stale(date(2026, 11, 28)) if r.file.parent == tmp_path.resolve()]
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


# --- reading on first use ---------------------------------------------------------------


@pytest.fixture
def fresh_rules(monkeypatch):
    """``load_rules`` without its cache, recording the rule files it reads."""
    import drafting.rules as rules

    read: list[str] = []
    real = rules.read
    monkeypatch.setattr(rules, "read", lambda path: read.append(Path(path).name) or real(path))
    rules._load.cache_clear()
    yield rules, read
    rules._load.cache_clear()


def test_a_letter_reads_only_the_rule_files_it_needs(fresh_rules, tmp_path):
    """52 files take a tenth of a second to read and check; a California client's advisory
    needs the federal file and California's."""
    from drafting.render import Renderer

    _rules, read = fresh_rules
    case = Path(__file__).parent.parent / "examples" / "cases" / "ca-ortiz.yaml"
    (doc,) = Renderer(draft=True).documents("advisory", case, out_dir=tmp_path, letter_date="2026-11-28")
    assert doc.data
    assert sorted(read) == ["ca.yaml", "preservation.yaml", "us.yaml"]


def test_every_file_is_read_when_the_whole_library_is_asked_for(fresh_rules):
    rules, read = fresh_rules
    book = rules.load_rules()
    assert "ca-pc-311.11-possession" in book.offenses and len(read) == 3  # preservation, CA, US (its equivalents)
    assert len(book.offenses) > 150 and len(read) == 1 + len(list((DATA_DIR / "registration").glob("*.yaml")))


def test_a_bundled_file_named_for_another_code_is_refused_when_read(fresh_rules, tmp_path, monkeypatch):
    rules, _read = fresh_rules
    data = tmp_path / "data"
    (data / "registration").mkdir(parents=True)
    for name in ("preservation.yaml", "registration/us.yaml"):
        (data / name).write_bytes((DATA_DIR / name).read_bytes())
    (data / "registration" / "ca.yaml").write_bytes((DATA_DIR / "registration" / "nv.yaml").read_bytes())
    monkeypatch.setattr(rules, "DATA_DIR", data)
    book = rules.load_rules()
    assert sorted(book.registration) == ["CA", "US"]  # the codes come from the file names
    with pytest.raises(RuleDataError) as info:
        book.jurisdiction("CA")
    assert "code 'NV' is not the file's name: ca.yaml holds CA" in info.value.message
    lines = (DATA_DIR / "registration" / "nv.yaml").read_text(encoding="utf-8").splitlines()
    code_line = next(n for n, line in enumerate(lines, 1) if line.startswith("code:"))
    assert info.value.file == str(data / "registration" / "ca.yaml") and info.value.line == code_line
    with pytest.raises(RuleDataError):  # asked again, it fails again: not an unknown state
        book.jurisdiction("CA")


def test_the_validation_tool_counts_a_good_file_and_names_a_bad_ones_line(tmp_path):
    """tools/validate_rules.py, which research sessions run on every file they edit."""
    import subprocess
    import sys

    tool = Path(__file__).parent.parent / "tools" / "validate_rules.py"
    good = subprocess.run([sys.executable, str(tool), str(DATA_DIR / "registration" / "ny.yaml")],
                          capture_output=True, text=True)
    assert good.returncode == 0 and "ny.yaml: ok — " in good.stdout and " statute, " in good.stdout
    text = (DATA_DIR / "registration" / "ny.yaml").read_text(encoding="utf-8").replace("basis: statute",
                                                                                      "basis: hearsay", 1)
    bad = tmp_path / "ny.yaml"
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "basis: hearsay" in ln)) + 1
    result = subprocess.run([sys.executable, str(tool), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and f"{bad}:{line}:" in result.stdout, result.stdout
