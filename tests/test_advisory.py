"""The registration advisory, read back as the client would read it: the right law for the
jurisdiction, wording fitted to the stage, no research notes in a client-ready letter, and a
letter the rule data cannot back refused unless rendered as a marked draft."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafting.authorities import ordered
from drafting.cli import app
from drafting.errors import DraftRequired
from drafting.render import Renderer
from drafting.rules import load_rules
from helpers import EXAMPLES, RESEARCH_NOTE, draft_state, letter, letters, write_case

CASE = """\
date: 2026-11-28
matter: {{id: "2026-0700", jurisdiction: {jurisdiction}, stage: {stage}}}
client: {{name: "Sakura Tanaka (田中さくら)", address: ["1 Main St", "Town, ST 00000"]}}
charges:
{charges}
advisory: {{state: {state}}}
"""


# A firm's own confirmation of the one fact New York letters lack (a fictional firm's record).
NY_PENALTY = """\
offenses:
  - id: ny-pl-263.11-possession
    jurisdiction: NY
    statute: "N.Y. Penal Law § 263.11"
    title: Possessing an obscene sexual performance by a child
    grade: felony
    penalty: "A class E felony: up to 4 years in prison."
    penalty_citation: "N.Y. Penal Law §§ 263.11, 70.00(2)(e)"
    level: none
    citation: "N.Y. Penal Law § 263.11"
    source: "nysenate.gov/legislation/laws/PEN/263.11, read 2026-11-30 (the firm's reading)"
    verified: 2026-11-30
    basis: statute
"""


def make(tmp_path: Path, charges: list[str], *, jurisdiction="US", state="US", stage="charged",
         rules: str | None = None) -> Path:
    lines = "\n".join(f"  - {c}" for c in charges) or "  []"
    text = CASE.format(jurisdiction=jurisdiction, state=state, stage=stage, charges=lines)
    if not charges:
        text = text.replace("charges:\n  []", "charges: []")
    case = write_case(tmp_path, text)
    if rules is not None:
        folder = tmp_path / "firm-rules"
        folder.mkdir(exist_ok=True)
        (folder / "offenses.yaml").write_text(rules, encoding="utf-8")
        firm = tmp_path / "firm.yaml"
        firm.write_text(firm.read_text(encoding="utf-8") + "rules: ./firm-rules\n", encoding="utf-8")
    return case


def draft(tmp_path, charges, **kw) -> str:
    return letter("advisory", make(tmp_path, charges, **kw), draft=True)


def section(text: str, heading: str) -> str:
    """The text from a section heading to the next one."""
    start = text.index(f"[Section Heading] {heading}")
    nxt = text.find("[Section Heading]", start + 1)
    return text[start: nxt if nxt > 0 else None]


# --- the federal baseline ------------------------------------------------------------------

# offense id -> the SORNA tier and its period (34 U.S.C. §§ 20911, 20915, 20918)
FEDERAL = {
    "us-2252a-possession": "Federal: Tier I: registration for 15 years; verification once a year, in person",
    "us-2252a-receipt": "Federal: Tier I: registration for 15 years; verification once a year, in person",
    "us-2252a-distribution": "Federal: Tier II: registration for 25 years; verification every 6 months, in person",
    "us-2422b-enticement": "Federal: Tier II: registration for 25 years; verification every 6 months, in person",
    "us-2251-production": "Federal: Tier II: registration for 25 years; verification every 6 months, in person",
}


@pytest.mark.parametrize("offense", list(FEDERAL))
def test_each_federal_offense_carries_its_sorna_tier(tmp_path, offense):
    text = draft(tmp_path, [f"{{offense: {offense}}}"])
    assert FEDERAL[offense] in text.replace("\n", " ").replace("| [Table Text] ", "")


def test_federal_tiers_table_and_deadlines(tmp_path):
    text = draft(tmp_path, ["{offense: us-2252a-possession}"])
    federal = section(text, "Federal registration (SORNA)")
    for row in ("Tier I | [Table Text Keep] For 15 years | [Table Text Keep] Once a year, in person",
                "Tier II | [Table Text Keep] For 25 years | [Table Text Keep] Every 6 months, in person",
                "Tier III | [Table Text Keep] For life | [Table Text Keep] Every 3 months, in person"):
        assert row in federal
    assert "3 business days" in federal and "34 U.S.C. § 20913" in federal
    assert "time spent in custody" in federal.lower()


def test_a_free_form_federal_statute_is_recognised(tmp_path):
    text = draft(tmp_path, ['{statute: "18 U.S.C. § 2252A(a)(5)(B)", title: Possession}'])
    assert "Federal: Tier I: registration for 15 years" in text.replace("\n", " ").replace("| [Table Text] ", "")
    assert "not in the offense library" not in text


# --- jurisdiction and stage ----------------------------------------------------------------


def test_federal_only_law_stays_out_of_a_state_case(tmp_path):
    state = draft(tmp_path / "a", ["{offense: ca-pc-311.11-possession}"], jurisdiction="CA", state="CA")
    federal = draft(tmp_path / "b", ["{offense: us-2252a-possession}"], jurisdiction="US", state="CA")
    for federal_only in ("supervised release", "3583", "2259A", "Federal registration (SORNA)"):
        assert federal_only not in state
    assert "Federal registration (SORNA)" in federal and "2259A" in federal
    assert "Federal: Tier I" in federal and "Federal:" not in state


@pytest.mark.parametrize("stage,must,never", [
    ("investigation", "If you were charged and convicted", ["Because of your conviction"]),
    ("charged", "If you were convicted", ["Because of your conviction", "if charges were filed"]),
    ("convicted", "Because of your conviction", ["If you were convicted", "would carry", "before any plea",
                                                   "If you were charged"]),
])
def test_the_wording_follows_the_stage(tmp_path, stage, must, never):
    text = draft(tmp_path, ["{offense: ny-pl-263.16-possession}"], jurisdiction="NY", state="NY", stage=stage)
    assert must in text
    for words in never:
        assert words.lower() not in text.lower(), words


def test_a_conviction_the_case_lists_no_charge_for_is_not_said_to_require_registration(tmp_path):
    """With no charges listed, "Because of your conviction, Ohio law will require you to register"
    asserted a duty no listed offense supports; the lead is conditional instead."""
    text = draft(tmp_path, [], jurisdiction="NY", state="NY", stage="convicted")
    assert "If your conviction is for an offense that requires registration, New York law will require you" in text
    assert "Because of your conviction, New York law" not in text


def test_a_level_set_case_by_case_still_says_the_period_when_every_level_shares_it(tmp_path):
    """Georgia's levels are all for life (O.C.G.A. § 42-1-12(f)(6)): "Not fixed by the offense"
    alone read as if the length were open too."""
    text = letter("advisory", make(tmp_path, ["{offense: us-2252a-possession}"], jurisdiction="US", state="GA",
                                   stage="convicted"))
    flat = re.sub(r"\s+", " ", text.replace("| [Table Text] ", ""))
    assert "Georgia: Not fixed by the offense (see \u201cClassification\u201d below); registration lasts for life " \
           "at every level" in flat


def test_a_2252a_client_is_told_the_aggravated_felony_list_does_not_name_his_statute(tmp_path):
    """8 U.S.C. § 1101(a)(43)(I) names §§ 2251, 2251A and 2252, not § 2252A: a § 2252A client
    would read the list as not about him (issue 13); a § 2252 client gets no such note."""
    text = draft(tmp_path / "a", ["{offense: us-2252a-possession}"], jurisdiction="US", state="CA", stage="convicted")
    flat = re.sub(r"\s+", " ", text)
    assert "Your conviction is under 18 U.S.C. § 2252A, which the list does not name." in flat
    other = draft(tmp_path / "b", ["{offense: us-2252-possession}"], jurisdiction="US", state="CA")
    assert "which the list does not name" not in other


def test_a_federal_conviction_the_state_does_not_itself_place_gets_a_conditional_lead(tmp_path):
    """New Jersey registers a federal conviction only if it is "similar to" a listed offense
    (N.J.S.A. 2C:7-2(b)(3)): "Because of your conviction, New Jersey law will require you to
    register" said more than the statute does. Washington places every federal conviction
    (RCW 9A.44.140(5)): its lead stays plain."""
    nj = letter("advisory", make(tmp_path / "nj", ["{offense: us-2252a-possession}"], jurisdiction="US", state="NJ",
                                 stage="convicted"))
    assert "If New Jersey treats your conviction as one that requires registration (see \u201cConvictions from " \
           "another jurisdiction\u201d below), New Jersey law will require you to register." in " ".join(nj.split())
    wa = letter("advisory", make(tmp_path / "wa", ["{offense: us-2252a-possession}"], jurisdiction="US", state="WA",
                                 stage="convicted"))
    assert "Because of your conviction, Washington law will require you to register." in wa


def test_the_child_pornography_clause_is_not_offered_to_an_enticement_client(tmp_path):
    """8 U.S.C. § 1101(a)(43)(I) is about child pornography: a § 2422(b) client got it and nothing
    on his own offense; he keeps the advice to see an immigration lawyer."""
    text = draft(tmp_path, ["{offense: us-2422b-enticement}"], jurisdiction="US", state="US", stage="charged")
    assert "1101(a)(43)(I)" not in text and "immigration lawyer" in text


def test_a_convicted_client_is_told_to_register_on_time(tmp_path):
    text = draft(tmp_path, ["{offense: ny-pl-263.16-possession}"], jurisdiction="NY", state="NY", stage="convicted")
    todo = section(text, "What you should do now")
    assert "Register on time" in todo and "Do not delete" not in todo
    assert "will require you to register" in text


# --- the state's own law -------------------------------------------------------------------


def test_new_york_sets_out_levels_verification_and_the_sora_hearing(tmp_path):
    text = draft(tmp_path, ["{offense: ny-pl-263.16-possession}"], jurisdiction="NY", state="NY")
    ny = section(text, "New York registration")
    assert "Level 1 | [Table Text Keep] For 20 years | [Table Text Keep] Once a year, by returning a" in ny
    assert "Level 3 | [Table Text Keep] For life | [Table Text Keep] In person every 90 days" in ny
    assert "Board of Examiners" in ny and "the sentencing court decides" in ny
    assert "168-o" in ny and "10 calendar days" in ny and "class E felony" in ny
    assert "New York: Not fixed by the offense" in text


def test_california_explains_both_outcomes_when_the_grade_is_not_known(tmp_path):
    both = draft(tmp_path / "a", ["{offense: ca-pc-311.11-possession}"], jurisdiction="CA", state="CA")
    cell = both.replace("\n", " ").replace("| [Table Text] ", "")
    assert "If the conviction is a felony: Tier 3: registration for life" in cell
    assert "If the conviction is a misdemeanor: Tier 1: registration at least 10 years" in cell
    felony = draft(tmp_path / "b", ["{offense: ca-pc-311.11-possession, grade: felony}"], jurisdiction="CA",
                   state="CA")
    cell = felony.replace("\n", " ").replace("| [Table Text] ", "")
    assert "As a felony: Tier 3: registration for life" in cell and "misdemeanor: Tier 1" not in cell


def test_every_facts_citation_is_in_the_letter_next_to_it(tmp_path):
    text = draft(tmp_path, ["{offense: ny-pl-263.16-possession}"], jurisdiction="NY", state="NY")
    ny = load_rules().jurisdiction("NY")
    for name in ("initial_registration", "change_reporting", "verification", "relief", "failure_to_register"):
        fact = getattr(ny.facts, name)
        assert f"({fact.citation})" in text.replace("\n", " "), name


# --- client-ready or visibly a draft -------------------------------------------------------


def test_a_letter_the_rule_data_cannot_back_is_refused_with_each_gap(tmp_path):
    code, offense, _ = draft_state()
    case = make(tmp_path, [f"{{offense: {offense}}}"], jurisdiction=code, state=code)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", "advisory", str(case), "--out", str(out)])
    assert result.exit_code == 1
    assert "not client-ready" in result.output and "--draft" in result.output
    gaps = load_rules().gaps(code)
    assert gaps
    for gap in gaps[:3]:
        assert f"{gap.file}:{gap.line} {code} {gap.fact}" in result.output
    # every gap on a line of its own, none cut short however long the install path
    head, *listed = result.output.splitlines()
    count = int(head.split("not client-ready: ")[1].split()[0])
    assert len(listed) == count and "…" not in result.output
    assert all(re.fullmatch(rf"error:   \S+:\d+ {code} \S+ (is missing from|rests only on) .*", line) for line in listed)
    assert not out.exists() or not list(out.iterdir())
    assert "Traceback" not in result.output


def test_a_draft_says_so_in_every_header_and_marks_each_gap(tmp_path):
    code, offense, _ = draft_state()
    case = make(tmp_path, [f"{{offense: {offense}}}"], jurisdiction=code, state=code)
    (doc,) = Renderer(draft=True).documents("advisory", case, out_dir=tmp_path / "out")
    with zipfile.ZipFile(__import__("io").BytesIO(doc.data)) as z:
        headers = [n for n in z.namelist() if re.match(r"word/header\d+\.xml", n)]
        assert len(headers) >= 2
        for name in headers:
            assert "DRAFT \u2014 FOR ATTORNEY REVIEW" in z.read(name).decode("utf-8"), name
    text = letter("advisory", case, draft=True)
    assert text.count("[ATTORNEY REVIEW:") >= len(load_rules().gaps(code))


def test_a_client_ready_letter_has_no_research_notes_and_no_draft_banner(tmp_path):
    case = make(tmp_path, ["{offense: ny-pl-263.11-possession, counts: 3}"], jurisdiction="NY", state="NY",
                rules=NY_PENALTY)
    (doc,) = Renderer().documents("advisory", case, out_dir=tmp_path / "out", letter_date="2026-11-28")
    text = letter("advisory", case)
    assert "A class E felony: up to 4 years in prison." in text
    assert not RESEARCH_NOTE.search(text), RESEARCH_NOTE.search(text)
    with zipfile.ZipFile(__import__("io").BytesIO(doc.data)) as z:
        assert not any("DRAFT" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))


def test_every_example_letter_is_client_ready_or_marked_as_a_draft():
    for case in sorted((EXAMPLES / "cases").glob("*.yaml")):
        try:
            (text,) = letters("advisory", case).values()
        except DraftRequired as exc:
            assert exc.gaps
            (text,) = letters("advisory", case, draft=True).values()
            assert "DRAFT \u2014 FOR ATTORNEY REVIEW" in text and "[ATTORNEY REVIEW:" in text
            continue
        assert not RESEARCH_NOTE.search(text), (case.name, RESEARCH_NOTE.search(text))


def test_an_unknown_free_form_charge_is_a_gap_not_a_blank(tmp_path):
    case = make(tmp_path, ['{statute: "N.Y. Penal Law § 999.99", title: Something else}'], jurisdiction="NY",
                state="NY")
    with pytest.raises(DraftRequired) as exc:
        letter("advisory", case)
    (gap,) = [g for g in exc.value.gaps if g.fact == "charges[0]"]
    assert gap.file == case and gap.line == 5 and "999.99" in gap.describe()


def test_no_charges_is_said_plainly(tmp_path):
    text = draft(tmp_path, [], jurisdiction="NY", state="NY")
    assert "No charges are listed in your case at this time." in text


# --- authorities ---------------------------------------------------------------------------


def test_authorities_are_every_citation_once_in_legal_order(tmp_path):
    text = draft(tmp_path, ["{offense: us-2252a-possession}"], jurisdiction="US", state="NY")
    start = text.index("[Section Heading] Authorities relied on")
    listed = [line.split("] ", 1)[1] for line in text[start:].splitlines() if line.startswith("[Authority]")]
    assert listed == ordered(listed) and len(listed) == len(set(listed))
    kinds = [0 if "U.S.C." in a else 1 if "C.F.R." in a else 2 if " v. " not in a else 3 for a in listed]
    assert kinds == sorted(kinds)
    assert listed.index("8 U.S.C. § 1101") < listed.index("34 U.S.C. § 20911") if "8 U.S.C. § 1101" in listed else True
    body = text[:start]
    for authority in ("34 U.S.C. § 20913", "34 U.S.C. § 20915", "N.Y. Correction Law § 168-h"):
        assert authority in listed
        section_number = authority.split("§ ")[1]
        assert section_number in body


def test_ordered_sorts_codes_and_folds_subsections():
    got = ordered(["34 U.S.C. §§ 20915(a), 20918", "8 U.S.C. § 1101(a)(43)(I)", "28 C.F.R. § 72.7",
                   "Cal. Penal Code §§ 290.5(a), 290.012", "In re Taylor, 60 Cal. 4th 1019 (2015)",
                   "34 U.S.C. § 20915(b)", "Cal. Code Regs. tit. 15, § 3571(b)-(d)"])
    assert got == ["8 U.S.C. § 1101", "34 U.S.C. § 20915", "34 U.S.C. § 20918", "28 C.F.R. § 72.7",
                   "Cal. Penal Code § 290.012", "Cal. Penal Code § 290.5", "Cal. Code Regs. tit. 15, § 3571",
                   "In re Taylor, 60 Cal. 4th 1019 (2015)"]


@pytest.mark.parametrize("jurisdiction,typed,listed", [
    ("OH", "Ohio Rev. Code 2907.322(A)(5)", "Ohio Rev. Code § 2907.322"),
    ("WA", "Wash. Rev. Code § 9.68A.090", "RCW 9.68A.090"),
])
def test_a_statute_typed_as_the_user_likes_is_listed_once_as_the_library_cites_it(tmp_path, jurisdiction, typed,
                                                                                     listed):
    """A free-form charge the library recognises is one authority in the library's form: "Ohio
    Rev. Code 2907.322" listed next to "Ohio Rev. Code § 2907.322" was the same section twice."""
    text = draft(tmp_path, [f'{{statute: "{typed}", title: As typed}}'], jurisdiction=jurisdiction,
                 state=jurisdiction)
    authorities = [line.removeprefix("[Authority] ") for line in text.splitlines() if line.startswith("[Authority]")]
    assert listed in authorities
    section = listed.rsplit(" ", 1)[1]
    assert [a for a in authorities if a.endswith(section)] == [listed]


def test_sections_numbered_past_nine_after_the_dot_count_on():
    """Cal. Penal Code § 311.10 follows § 311.4 and N.C. Gen. Stat. § 14-208.10 follows § 14-208.9A
    (a fraction ending in 0 says the numbers count); 290.012 < 290.46 < 290.5 stay decimals
    (a fraction starting with 0 says so)."""
    assert ordered(["Cal. Penal Code § 311.11", "Cal. Penal Code § 311.1", "Cal. Penal Code § 311.10",
                    "Cal. Penal Code § 311.2", "Cal. Penal Code § 290.5", "Cal. Penal Code § 290.46",
                    "Cal. Penal Code § 290.012"]) == [
        "Cal. Penal Code § 290.012", "Cal. Penal Code § 290.46", "Cal. Penal Code § 290.5",
        "Cal. Penal Code § 311.1", "Cal. Penal Code § 311.2", "Cal. Penal Code § 311.10", "Cal. Penal Code § 311.11"]
    assert ordered(["N.C. Gen. Stat. § 14-208.10", "N.C. Gen. Stat. § 14-208.6A", "N.C. Gen. Stat. § 14-208.9A",
                    "N.C. Gen. Stat. § 14-208.6"]) == [
        "N.C. Gen. Stat. § 14-208.6", "N.C. Gen. Stat. § 14-208.6A", "N.C. Gen. Stat. § 14-208.9A",
        "N.C. Gen. Stat. § 14-208.10"]


def test_massachusetts_chapters_sort_as_numbers_and_keep_their_fractional_sections():
    """M.G.L. c. 6 before c. 123A and c. 272 (they sorted as text); § 178F 1/2 is its own section
    (it was folded into § 178F); a chapter named before the sign is that chapter's."""
    from drafting.authorities import mentioned, split

    assert split("M.G.L. c. 6, §§ 178F 1/2, 178G") == ("M.G.L. c. 6, § 178F 1/2", "M.G.L. c. 6, § 178G")
    assert ordered(["M.G.L. c. 272, § 29C", "M.G.L. c. 6, § 178F 1/2", "M.G.L. c. 123A, § 1", "M.G.L. c. 6, § 178F",
                    "Haw. Rev. Stat. §§ 846E-1 to 846E-13", "N.J.S.A. § 2C:7-2(a)", "N.J.S.A. 2C:7-2"]) == [
        "Haw. Rev. Stat. §§ 846E-1 to 846E-13", "M.G.L. c. 6, § 178F", "M.G.L. c. 6, § 178F 1/2",
        "M.G.L. c. 123A, § 1", "M.G.L. c. 272, § 29C", "N.J.S.A. 2C:7-2"]
    assert mentioned("sealed under M.G.L. c. 276, § 100A or § 100B.", "M.G.L. c. 6, § 178G") == (
        "M.G.L. c. 276, § 100A", "M.G.L. c. 276, § 100B")


def test_a_title_or_chapter_named_before_the_sign_is_that_title_or_chapter():
    """Oklahoma's facts name "Title 21, § 843.5": it was listed as "Okla. Stat. tit. 57, § 843.5",
    a law that does not exist; a code without titles lists nothing rather than a guess. Wisconsin's
    "§ 301.45(3)(b)1., 1m." is one section (it listed "Wis. Stat. § 1m")."""
    from drafting.authorities import mentioned, split

    assert mentioned("crimes (Title 21, § 843.5, and §§ 885 and 1123). See § 583.", "Okla. Stat. tit. 57, § 582.5") == (
        "Okla. Stat. tit. 21, § 843.5", "Okla. Stat. tit. 21, § 885", "Okla. Stat. tit. 21, § 1123",
        "Okla. Stat. tit. 57, § 583")
    assert mentioned("under chapter 276, § 100A", "Cal. Penal Code § 290") == ()
    assert mentioned("under § 301.45(3)(b)1., 1m. and (5)", "Wis. Stat. § 301.45(2)") == ("Wis. Stat. § 301.45",)
    assert split("Wis. Stat. § 301.45(2)(f), (3)(b)1., 1m.") == ("Wis. Stat. § 301.45",)
    assert split("Okla. Stat. tit. 57, §§ 582.1, 584(O)(1)-(2)") == ("Okla. Stat. tit. 57, § 582.1",
                                                                   "Okla. Stat. tit. 57, § 584")


def test_every_form_of_citation_is_one_authority_per_section():
    """Texas articles, codes cited without "§" (RCW, ILCS, N.J.S.A.), a part that omits its
    code after ";", a range: each section once, subsections folded, as "§" citations are."""
    from drafting.authorities import split
    assert split("Tex. Code Crim. Proc. arts. 62.101(a), 62.058, 62.102(b)") == (
        "Tex. Code Crim. Proc. art. 62.101", "Tex. Code Crim. Proc. art. 62.058", "Tex. Code Crim. Proc. art. 62.102")
    assert split("RCW 9.68A.070(1)(b), 9A.20.021(1)(b)") == ("RCW 9.68A.070", "RCW 9A.20.021")
    assert split("730 ILCS 150/6, 150/7; N.J.S.A. 2C:7-2(a)(3), (e)") == (
        "730 ILCS 150/6", "730 ILCS 150/7", "N.J.S.A. 2C:7-2")
    assert split("Fla. Stat. § 775.21(2)(k), (n); § 943.0435(1)(f), (2)") == ("Fla. Stat. § 775.21", "Fla. Stat. § 943.0435")
    assert split("Fla. Stat. §§ 775.21(6)(k)2., (7)(c); 943.04354(3)") == ("Fla. Stat. § 775.21", "Fla. Stat. § 943.04354")
    assert split("34 U.S.C. § 20913; 28 C.F.R. § 72.7") == ("34 U.S.C. § 20913", "28 C.F.R. § 72.7")
    assert split("M.G.L. c. 6, §§ 178C-178Q") == ("M.G.L. c. 6, §§ 178C-178Q",)
    assert split("13 V.S.A. §§ 5401-5416") == ("13 V.S.A. §§ 5401-5416",)
    assert split("Ariz. Rev. Stat. § 13-3821(A)") == ("Ariz. Rev. Stat. § 13-3821",)
    assert split("Ala. Code §§ 15-20A-24, 15-20A-25") == ("Ala. Code § 15-20A-24", "Ala. Code § 15-20A-25")
    assert ordered(["Tex. Code Crim. Proc. art. 62.101(a)", "Tex. Code Crim. Proc. art. 62.101(a)(2)",
                    "Tex. Code Crim. Proc. art. 62.0551", "Matter of R-A-M- (BIA)", "34 U.S.C. § 20913"]) == [
        "34 U.S.C. § 20913", "Tex. Code Crim. Proc. art. 62.0551", "Tex. Code Crim. Proc. art. 62.101",
        "Matter of R-A-M- (BIA)"]


def test_a_section_a_fact_names_in_passing_is_cited_in_the_code_the_sentence_means():
    from drafting.authorities import mentioned
    assert mentioned("a sex offender as defined in 34 U.S.C. § 21503(f) who", "22 U.S.C. § 212b(b)") == (
        "34 U.S.C. § 21503",)
    assert mentioned("under 18 U.S.C. § 2251, § 2251A or § 2252", "18 U.S.C. § 3583(k)") == (
        "18 U.S.C. § 2251", "18 U.S.C. § 2251A", "18 U.S.C. § 2252")
    # a shortened code is the jurisdiction's; a bare section after a full stop is the fact's code
    assert mentioned("under Penal Code § 43.26. Then art. 62.402(b) applies", "Tex. Code Crim. Proc. art. 62.101",
                     ("Tex. Penal Code",)) == ("Tex. Penal Code § 43.26", "Tex. Code Crim. Proc. art. 62.402")


def test_a_level_the_grade_class_decides_reads_every_outcome(tmp_path):
    """Tenn. Code Ann. § 40-39-202(31)(K), (20)(A)(viii): solicitation of a minor is a violent
    sexual offense as a Class B or C felony, a sexual offense otherwise; the letter says both,
    never "to be assessed"."""
    flat = draft(tmp_path, ["{offense: tn-tca-39-13-528-solicitation}"], jurisdiction="TN", state="TN")
    flat = re.sub(r"\s+", " ", flat.replace("| [Table Text] ", ""))
    assert "If the conviction is for a Class B or Class C felony: Violent sexual offender: registration for life" in flat
    assert "If the conviction is for a Class D or Class E felony or a misdemeanor: Sexual offender" in flat
    assert "to be assessed" not in flat.lower()


BY_CASE_WITH_NONE = """\
offenses:
  - id: ca-pc-288.3-contact
    jurisdiction: CA
    statute: "Cal. Penal Code § 288.3"
    title: Contact with a minor with intent
    level:
      - {when: "the intended offense is a felony", level: "3"}
      - {when: "the intended offense is a misdemeanor", level: none}
    citation: "Cal. Penal Code § 288.3"
    source: "leginfo.legislature.ca.gov, read 2026-11-01"
    verified: 2026-11-01
    basis: statute
"""


def test_an_outcome_the_offense_does_not_fix_reads_as_set_case_by_case(tmp_path):
    """One outcome of a level a fact decides may itself be ``none``: that line says the offense
    does not fix the level (a crash before: ``none`` is no level row)."""
    flat = draft(tmp_path, ["{offense: ca-pc-288.3-contact}"], jurisdiction="CA", state="CA", rules=BY_CASE_WITH_NONE)
    flat = re.sub(r"\s+", " ", flat.replace("| [Table Text] ", ""))
    assert "If the intended offense is a felony: Tier 3: registration for life" in flat
    assert "If the intended offense is a misdemeanor: Not fixed by the offense (see \u201cClassification\u201d" in flat


def test_the_federal_new_york_example_is_client_ready():
    (text,) = letters("advisory", EXAMPLES / "cases" / "us-rivera.yaml").values()
    assert not RESEARCH_NOTE.search(text)
    assert "Because of your conviction, New York law will require you to register." in text
    assert "Federal: Tier I: registration for 15 years" in text.replace("\n", " ").replace("| [Table Text] ", "")
    assert "2259A" in text and "Register on time" in text


# --- California, read in the statute: client-ready ------------------------------------------


@pytest.mark.parametrize("stage,lead", [
    ("investigation", "If you were charged and convicted of an offense that requires registration, California law "
                      "would require you to register."),
    ("charged", "If you were convicted of an offense that requires registration, California law would require you"),
    ("convicted", "Because of your conviction, California law will require you to register."),
])
@pytest.mark.parametrize("grade,cell", [
    ("felony", "As a felony: Tier 3: registration for life"),
    ("misdemeanor", "As a misdemeanor: Tier 1: registration at least 10 years"),
])
def test_california_is_client_ready_and_reads_back_its_statute_facts(tmp_path, stage, lead, grade, cell):
    """Every California fact a letter prints rests on the Penal Code (or the parole regulation):
    the letter renders without --draft, says each fact with its citation, and nothing to counsel."""
    case = make(tmp_path, [f"{{offense: ca-pc-311.11-possession, grade: {grade}}}"], jurisdiction="CA", state="CA",
                stage=stage)
    text = letter("advisory", case)
    flat = text.replace("\n", " ").replace("| [Table Text] ", "")
    assert lead in flat and cell in flat
    assert not RESEARCH_NOTE.search(text), RESEARCH_NOTE.search(text)
    ca = load_rules().jurisdiction("CA")
    for name in ("classification", "duration_rules", "initial_registration", "change_reporting", "verification",
                 "moving_and_visiting", "restrictions", "public_registry", "relief", "failure_to_register"):
        fact = getattr(ca.facts, name)
        assert fact.basis == "statute" and " ".join(fact.text.split()) in flat, name
        assert f"({fact.citation})" in flat, name
    for words in ("within 5 working days", "within 5 working days of his or her birthday", "16 months, 2 or 3 years"):
        assert words in flat, words
    for federal_only in ("supervised release", "2259a"):
        assert federal_only not in flat.lower(), federal_only
    listed = section(text, "Authorities relied on")
    assert "Cal. Penal Code § 290.5" in listed and "Cal. Code Regs. tit. 15, § 3571" in listed
    assert listed.index("Cal. Penal Code § 311.11") < listed.index("Cal. Code Regs.")  # codes, then regulations
    assert "Manzoor" not in text and "Jessica" not in text  # secondary extras stay out of a client-ready letter


def test_a_federal_case_of_a_california_resident_is_client_ready():
    (text,) = letters("advisory", EXAMPLES / "cases" / "us-chen.yaml").values()
    flat = text.replace("\n", " ").replace("| [Table Text] ", "")
    assert not RESEARCH_NOTE.search(text)
    assert "California: Decided by how California treats a conviction from another jurisdiction" in flat
    assert "Convictions from another jurisdiction." in flat and "(Cal. Penal Code §§ 290.005(a), (c), (d)" in flat
    assert "Federal: Tier II: registration for 25 years" in flat and "Supervised release" in flat


def test_a_level_whose_life_term_a_court_may_end_says_so_in_the_table(tmp_path):
    """South Dakota's tier I runs for life unless a court ends it, on a petition after 5 years:
    the table gives the level's whole term, not "for life" alone (read in SDCL § 22-24B-19)."""
    text = letter("advisory", make(tmp_path, ["{offense: sd-sdcl-22-24a-35-possession}"], jurisdiction="SD",
                                   state="SD"))
    flat = text.replace("\n", " ").replace("| [Table Text] ", "")
    sd = load_rules().jurisdiction("SD")
    for level in sd.levels:
        assert level.basis == "statute"
        assert f"For {level.duration}" in flat, level.label
    assert "For life unless a court ends it; a petition may be filed after 5 years" in flat
    assert not RESEARCH_NOTE.search(text)


def test_a_batch_records_each_gap_of_a_refused_advisory_in_its_manifest(tmp_path):
    import json

    code, offense, facts = draft_state()
    cases = tmp_path / "cases"
    make(cases, [f"{{offense: {offense}}}"], jurisdiction=code, state=code)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", "advisory", str(cases), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    (case,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["cases"]
    assert case["status"] == "failed" and case["outputs"] == []
    assert case["error"]["message"].startswith("not client-ready: ")
    count = int(case["error"]["message"].split()[2])
    more = case["error"]["more"]
    assert len(more) == count and all(g["line"] and g["message"].startswith(f"{code} ") for g in more)
    assert {g["field"] for g in more} >= set(facts)
    assert f"({count} listed in the manifest)" in result.output


def test_a_range_of_sections_is_listed_as_one_with_a_double_section_sign():
    got = ordered(["Tex. Penal Code §§ 43.26(d), 12.32-12.34", "Va. Code Ann. § 18.2-374.1(B)",
                   "Mich. Comp. Laws §§ 28.733-28.736", "Ariz. Rev. Stat. § 13-3821(A)"])
    assert got == ["Ariz. Rev. Stat. § 13-3821", "Mich. Comp. Laws §§ 28.733-28.736",
                   "Tex. Penal Code §§ 12.32-12.34", "Tex. Penal Code § 43.26", "Va. Code Ann. § 18.2-374.1"]


@pytest.mark.parametrize(("statute", "code", "expected"), [
    ("18 U.S.C. 2252A(a)(5)(B)", None, "us-2252a-possession"),  # the section sign left out
    ("RCW 9.68A.070", "WA", "wa-rcw-9.68a.070-possession"),  # Washington's own form
    ("720 ILCS 5/11-20.1", "IL", "il-ilcs-11-20.1-child-pornography"),
    ("N.J.S.A. 2C:24-4(b)(5)(b)", "NJ", "nj-njsa-2c-24-4-possession"),
    ("Cal. Penal Code 311.11(a)", "CA", "ca-pc-311.11-possession"),
    ("Tex. Penal Code § 43.26(a-1)", "TX", "tx-pc-43.26-possession"),  # a subsection with a hyphen (S.B. 1621)
    ("Wash. Rev. Code § 9.68A.070(1)", None, "wa-rcw-9.68a.070-possession"),  # the Bluebook's name for RCW
    ("possession of images", "CA", None),
])
def test_a_free_form_statute_is_matched_in_the_forms_each_state_cites(statute, code, expected):
    from drafting.statutes import matches, offenses_for

    book = load_rules()
    found = matches(statute, code, offenses_for(book, statute, code))
    assert [o.id for o in found] == ([expected] if expected else [])


def test_a_free_form_statute_matches_any_section_an_offense_record_lists():
    from drafting.statutes import matches, offenses_for

    book = load_rules()
    statute = "Conn. Gen. Stat. § 53a-196f"  # the record: "Conn. Gen. Stat. §§ 53a-196d, 53a-196e, 53a-196f"
    assert [o.id for o in matches(statute, "CT", offenses_for(book, statute, "CT"))] == ["ct-cgs-53a-196d-possession"]
