"""`drafting check`: good cases pass, bad cases are named by file and line, templates are
linted against the context model (names, docxtpl hazards, coverage) and stale rule data
is flagged. Firm templates with one planted problem each are built here with python-docx."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from typer.testing import CliRunner

from drafting.cli import app
from drafting.lint import lint_template
from helpers import expected_message

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BAD = Path(__file__).parent / "bad-cases"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

CASE = """date: 2026-11-28
matter:
  id: "2026-0001"
  jurisdiction: CA
  stage: charged
  court: Superior Court of California, County of Sacramento
  case_number: 26FE012345
client:
  name: Daniel R. Ortiz
  address: ["1819 Alder Way", "Sacramento, CA 95818"]
charges:
  - offense: us-2252a-possession
engagement:
  fee: {type: flat, amount: 25000}
"""


def check(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def firm_case(tmp_path: Path, templates: dict | None = None, rules: dict[str, str] | None = None) -> Path:
    """A firm folder with its own templates (kind -> builder) and rule records, and one case."""
    firm = (EXAMPLES / "firm.yaml").read_text(encoding="utf-8")
    if templates:
        firm += "templates: ./firm-templates\n"
        for kind, build in templates.items():
            doc = Document()
            build(doc)
            (tmp_path / "firm-templates").mkdir(exist_ok=True)
            doc.save(tmp_path / "firm-templates" / f"{kind}.docx")
    if rules:
        firm += "rules: ./firm-rules\n"
        for name, text in rules.items():
            (tmp_path / "firm-rules" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "firm-rules" / name).write_text(text, encoding="utf-8")
    (tmp_path / "firm.yaml").write_text(firm, encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    return case


def template(tmp_path: Path) -> str:
    return str(tmp_path / "firm-templates" / "engagement.docx")


def lines_about(output: str, path: str) -> list[str]:
    return [line for line in output.splitlines() if path in line]


# ---------------------------------------------------------------- cases


def test_example_cases_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = sorted((EXAMPLES / "cases").glob("*.yaml"))
    result = check(*map(str, examples))
    assert result.exit_code == 0, result.output
    assert f"checked {len(examples)} case file(s), 3 template(s) and the rule data: 0 error(s)" in result.output
    assert list(tmp_path.iterdir()) == []  # check writes nothing


def test_a_folder_means_its_case_files(tmp_path):
    result = check(str(EXAMPLES / "cases"))
    assert f"checked {len(list((EXAMPLES / 'cases').glob('*.yaml')))} case file(s)" in result.output


def _expected():
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, name, message = (part.strip() for part in line.split(" | ", 2))
            message = expected_message(message)
            yield pytest.param(name, message, id=name)


@pytest.mark.parametrize("name,message", list(_expected()))
def test_bad_case_is_an_error_with_its_line(name, message):
    result = check(str(BAD / name), "--date", "2026-11-28")
    if name == "no-engagement.yaml":
        # It has data for the advisory only, and check validates the kinds a case has data for.
        # (a draft advisory is a warning, not an error)
        assert not [line for line in result.output.splitlines() if line.startswith(f"error: {BAD}/{name}")]
        return
    assert result.exit_code == 1, result.output
    assert f"error: {BAD}/{message}" in result.output, result.output
    assert "Traceback" not in result.output


def test_every_problem_of_every_case_is_listed(tmp_path):
    good = firm_case(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASE.replace("stage: charged", "stage: sentencing").replace("name: Daniel", "nmae: Daniel"))
    result = check(str(good), str(bad))
    assert result.exit_code == 1
    assert f"error: {bad}:5:10 matter.stage:" in result.output
    assert f"error: {bad}:9:3 client.nmae: unknown key 'nmae'; did you mean 'name'?" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith(f"error: {good}:")]


def test_a_case_error_found_only_by_rendering(tmp_path):
    case = firm_case(tmp_path)
    case.write_text(CASE.replace("  - offense: us-2252a-possession", "  - offense: us-2252a-posession"))
    result = check(str(case))
    assert result.exit_code == 1
    assert f"error: {case}:12:14 charges[0].offense: unknown offense 'us-2252a-posession'" in result.output


# ---------------------------------------------------------------- templates


def test_bundled_templates_lint_clean():
    from drafting.kinds import KINDS

    findings = [f for kind in KINDS.values()
                for f in lint_template(ROOT / "templates" / kind.template_name, kind.name)]
    assert [str(f) for f in findings if f.severity == "error"] == []


def test_no_case_lints_templates_and_rules_only(tmp_path):
    result = check()
    assert result.exit_code == 0, result.output
    assert "checked 0 case file(s), 3 template(s) and the rule data: 0 error(s)" in result.output


def test_a_name_the_context_does_not_have(tmp_path):
    def build(doc):
        doc.add_paragraph("Dear {{ client.name }}:")
        doc.add_paragraph("{%p for charge in charges %}")
        doc.add_paragraph("{{ charge.titel }}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("In {{ matter.courtt }}.")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert (f"error: {template(tmp_path)}:5: body ¶5: uses matter.courtt, which is not a field of the "
            "engagement context; did you mean matter.court?") in result.output
    assert (f"error: {template(tmp_path)}:3: body ¶3: uses charge.titel, which is not a field of the "
            "engagement context (charge is an element of charges); did you mean charge.title?") in result.output
    assert "a template's line number is its paragraph number" in result.output


def test_names_are_checked_against_the_model_not_a_sample(tmp_path):
    # The example case has no hourly fee and no agency; both names are still fine.
    def build(doc):
        doc.add_paragraph('{%p if engagement.fee.type == "hourly" %}')
        doc.add_paragraph("{{ engagement.fee.rate|money }} {{ engagement.fee.retainer|money }}")
        doc.add_paragraph("{%p endif %}")
        doc.add_paragraph("{% if matter.agency %}Agency: {{ matter.agency }}.{% endif %} Thank you.")
        doc.add_paragraph('{% if matter.stage == "sentencing" %}x{% endif %} {{ request }}')

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    found = lines_about(result.output, template(tmp_path))
    assert len(found) == 2, result.output
    assert "body ¶5: compares matter.stage with 'sentencing', which it never is" in found[0]
    assert "body ¶5: uses request, which is not a name in the engagement context" in found[1]


def test_a_tag_split_so_docxtpl_cannot_mend_it(tmp_path):
    def build(doc):
        doc.add_paragraph("Intro.")
        p = doc.add_paragraph("Dear {")
        # a tracked deletion between the braces: the patcher only mends runs of bare XML
        p._p.append(parse_xml(f'<w:del {W_NS} w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z">'
                              '<w:r><w:delText>x</w:delText></w:r></w:del>'))
        p.add_run("{ client.name }}:")
        doc.add_paragraph("{{ client.")
        doc.add_paragraph("name }}")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert (f"error: {template(tmp_path)}:2: body ¶2: the tag {{{{ client.name }}}} does not reach Jinja intact"
            in result.output), result.output
    assert f"error: {template(tmp_path)}:3: body ¶3: a tag opens here but does not close in this paragraph" \
        in result.output


def test_a_split_tag_the_patcher_mends(tmp_path):
    def build(doc):
        p = doc.add_paragraph("Dear ")
        p.add_run("{{ client.")
        p.add_run("name }}:")  # same formatting: Word's revision ids split runs like this all the time
        q = doc.add_paragraph("Re ")
        q.add_run("{{ matter.")
        q.add_run("id }}").bold = True

    case = firm_case(tmp_path, {"engagement": build})
    found = lines_about(check(str(case)).output, template(tmp_path))
    assert found == [f"warning: {template(tmp_path)}:2: body ¶2: the tag {{{{ matter.id }}}} is split across runs "
                     "with different formatting; docxtpl joins them with the first run's formatting — "
                     "retype it in one go"]


def test_curly_quotes_inside_a_tag(tmp_path):
    def build(doc):
        doc.add_paragraph("{%p if matter.stage == “charged” %}")
        doc.add_paragraph("You have been charged.")
        doc.add_paragraph("{%p endif %}")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert f"warning: {template(tmp_path)}:1: body ¶1: curly quotes inside the tag" in result.output


def test_paragraph_tag_sharing_its_paragraph(tmp_path):
    def build(doc):
        doc.add_paragraph("Court: {%p if matter.court %}")
        doc.add_paragraph("{{ matter.court }}")
        doc.add_paragraph("{%p endif %}")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert (f"error: {template(tmp_path)}:1: body ¶1: {{%p if matter.court %}} shares its paragraph with other "
            "text (Court:)") in result.output


def test_plain_for_across_table_rows(tmp_path):
    def build(doc):
        doc.add_paragraph("Charges:")
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "{% for charge in charges %}{{ charge.statute }}"
        table.cell(0, 1).text = "{{ charge.title }}"
        table.cell(1, 0).text = "{{ charge.counts }}{% endfor %}"

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert (f"error: {template(tmp_path)}:2: body ¶2: {{% for charge in charges %}} ends in a different table "
            "row (paragraph 4); to repeat or hide table rows use {%tr for … %}") in result.output


def test_table_row_loop_done_right_is_clean(tmp_path):
    def build(doc):
        doc.add_paragraph("{{ charges_heading }}")
        table = doc.add_table(rows=3, cols=2)
        table.cell(0, 0).text = "{%tr for charge in charges %}"
        table.cell(1, 0).text = "{{ charge.statute }}"
        table.cell(1, 1).text = "{{ charge.title }}"
        table.cell(2, 0).text = "{%tr endfor %}"

    case = firm_case(tmp_path, {"engagement": build})
    assert lines_about(check(str(case)).output, template(tmp_path)) == []


def test_coverage_catches_an_unguarded_optional_field(tmp_path):
    # The case gives a court, so rendering it works; a case without one would fail.
    def build(doc):
        doc.add_paragraph("Dear {{ client.name }}:")
        doc.add_paragraph("Your case is in {{ matter.court }}.")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert (f"error: {template(tmp_path)}:2: body ¶2: prints matter.court, which a case may leave out — it fails "
            "when every optional field is Missing; print it only inside {% if matter.court %}") in result.output
    assert CliRunner().invoke(app, ["render", "engagement", str(case), "--out", str(tmp_path / "o")]).exit_code == 0


def test_coverage_reports_every_unguarded_field_and_conditional_ones(tmp_path):
    def build(doc):
        doc.add_paragraph("{{ client.email }}")
        doc.add_paragraph("{{ matter.agency }}")
        doc.add_paragraph("Rate: {{ engagement.fee.rate|money }}")

    case = firm_case(tmp_path, {"engagement": build})
    found = lines_about(check(str(case)).output, template(tmp_path))
    assert "body ¶1: prints client.email" in found[0]
    assert "body ¶2: prints matter.agency" in found[1]
    assert "body ¶3: prints engagement.fee.rate, which a case may leave out; it is Missing unless " \
           "engagement.fee.type is 'hourly'" in found[2]


def test_coverage_takes_every_branch_and_loop_length(tmp_path):
    def build(doc):
        doc.add_paragraph('{%p if engagement.fee.type == "hourly" %}')
        doc.add_paragraph("{{ engagement.fee.amount|money }}")  # wrong branch: amount is for flat fees
        doc.add_paragraph("{%p endif %}")
        doc.add_paragraph("{{ charges[0].title }}")  # fails when there are no charges

    case = firm_case(tmp_path, {"engagement": build})
    found = lines_about(check(str(case)).output, template(tmp_path))
    assert any("body ¶2: prints engagement.fee.amount" in f and "engagement.fee.type is 'hourly'" in f
               for f in found), found
    assert any("fails when charges is empty" in f for f in found), found


def test_coverage_warns_of_an_empty_paragraph(tmp_path):
    def build(doc):
        doc.add_paragraph("Dear {{ client.name }}:")
        doc.add_paragraph("{% if matter.agency %}The agency is {{ matter.agency }}.{% endif %}")

    case = firm_case(tmp_path, {"engagement": build})
    found = lines_about(check(str(case)).output, template(tmp_path))
    assert found == [f"warning: {template(tmp_path)}:2: body ¶2: renders as an empty paragraph when every optional "
                     "field is Missing: a blank line in the letter; put the condition in {%p if … %} … "
                     "{%p endif %} paragraphs of their own"]


def test_jinja_syntax_error_names_the_paragraph(tmp_path):
    def build(doc):
        doc.add_paragraph("Dear {{ client.name }}:")
        doc.add_paragraph("Thank you.")
        doc.add_paragraph("{% if client.email %}{{ client.email }}{% endfi %}")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert result.exit_code == 1
    assert f"error: {template(tmp_path)}:3: body ¶3: Jinja syntax error:" in result.output


def test_headers_are_linted_too(tmp_path):
    def build(doc):
        doc.add_paragraph("Dear {{ client.name }}:")
        header = doc.sections[0].header
        header.paragraphs[0].text = "{{ firm.name }}"
        header.add_paragraph("{{ firm.nmae }}")

    case = firm_case(tmp_path, {"engagement": build})
    result = check(str(case))
    assert f"error: {template(tmp_path)}:2: header1 ¶2: uses firm.nmae" in result.output


# ---------------------------------------------------------------- rule data


def test_a_stale_rule_record_is_a_warning(tmp_path):
    old = textwrap.dedent("""\
          - id: us-old-record
            jurisdiction: US
            statute: "18 U.S.C. § 2252A(a)(5)(B)"
            title: Possession of child pornography
            level: "1"
            citation: "18 U.S.C. § 2252A(a)(5)(B)"
            source: "a firm's own reading, read 2024-01-01"
            verified: 2024-01-01
            basis: secondary
        """)
    case = firm_case(tmp_path, rules={"offenses.yaml": "offenses:\n" + old})
    result = check(str(case))
    rules = tmp_path / "firm-rules" / "offenses.yaml"
    assert (f"warning: {rules}:2: offense us-old-record was last verified 2024-01-01, more than a year before "
            "the letter date (2026-11-28)") in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("error:") and "firm-rules" in line]
    # Against an earlier letter date, the record is not stale.
    assert "us-old-record" not in check(str(case), "--date", "2024-06-01").output


def test_bad_date_option_is_a_usage_error(tmp_path):
    result = check("--date", "2027-02-30")
    assert result.exit_code == 2
    assert "--date: not a valid date" in result.output


def test_a_firm_profile_among_the_cases_is_checked_as_a_profile(tmp_path):
    case = firm_case(tmp_path)
    result = check(str(tmp_path / "firm.yaml"), str(case))
    assert result.exit_code == 0, result.output
    assert "checked 1 case file(s)" in result.output
    firm = tmp_path / "firm.yaml"
    firm.write_text(firm.read_text().replace("  - id: jvale", "  - idd: jvale"))
    result = check(str(firm))
    assert result.exit_code == 1
    assert f"error: {firm}:16:5 attorneys[1].idd: unknown key 'idd'; did you mean 'id'?" in result.output


def test_a_template_shared_between_kinds_may_test_the_kind(tmp_path):
    doc = Document()
    doc.add_paragraph('{%p if kind == "advisory" %}')
    doc.add_paragraph("Advisory text.")
    doc.add_paragraph('{%p elif kind == "advisroy" %}')
    doc.add_paragraph("Never.")
    doc.add_paragraph("{%p endif %}")
    path = tmp_path / "shared.docx"
    doc.save(path)
    assert [str(f) for f in lint_template(path, "engagement")] == [
        f"{path}:3: body ¶3: compares kind with 'advisroy', which it never is; it is one of 'engagement'"]


def test_check_warns_on_duplicate_observations_and_addresses_no_isp_assigns(tmp_path):
    """Issue 12.19: the same address, port and instant twice (here once in UTC, once
    at -07:00), and private or reserved addresses, passed check silently."""
    from typer.testing import CliRunner

    from drafting.cli import app
    from helpers import write_case

    case = write_case(tmp_path, """\
        matter: {id: "2026-0500", jurisdiction: CA}
        client: {name: Ana Ruiz, address: ["1 Main St"]}
        preservation:
          - recipient: {name: Sierra Cable, kind: isp, address: ["1 Rd"]}
            period: {from: 2026-09-01, to: 2026-09-30}
            observations:
              - {ip: 203.0.113.7, port: 6881, at: "2026-09-14 10:00:00 UTC"}
              - {ip: 203.0.113.7, port: 6881, at: "2026-09-14 03:00:00 -07:00"}
              - {ip: 10.1.2.3, port: 6881, at: "2026-09-14 10:00:00 UTC"}
              - {ip: "fe80::1%eth0", port: 6881, at: "2026-09-14 10:00:00 UTC"}
              - {ip: 127.0.0.1, port: 6881, at: "2026-09-14 10:00:00 UTC"}
              - {ip: 203.0.113.8, port: 6881, at: "2026-09-14 10:00:00 UTC"}
        """)
    result = CliRunner().invoke(app, ["check", str(case)])
    assert result.exit_code == 0, result.output  # warnings only
    lines = [ln for ln in result.output.splitlines() if ln.startswith("warning:") and "observations[" in ln]
    assert any(f"{case}:8:" in ln and "observations[1]" in ln and "the same address, port and time as "
               "observations[0]" in ln for ln in lines), result.output
    assert any(f"{case}:9:" in ln and "10.1.2.3 is a private address" in ln for ln in lines)
    assert any(f"{case}:10:" in ln and "link-local" in ln for ln in lines)
    assert any(f"{case}:11:" in ln and "loopback" in ln for ln in lines)
    assert not any("observations[5]" in ln for ln in lines) and len(lines) == 4


def test_a_rule_record_verified_in_the_future_is_an_error(tmp_path):
    """`verified: 9999-12-31` was accepted: it would never go stale."""
    from typer.testing import CliRunner

    from drafting.cli import app

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "offenses.yaml").write_text("""\
offenses:
  - id: us-2252a-receipt
    jurisdiction: US
    statute: "18 U.S.C. § 2252A(a)(2)"
    title: Receipt (firm wording)
    level: "1"
    citation: "18 U.S.C. § 2252A(a)(2)"
    source: "uscode.house.gov, read 2026-11-01"
    verified: 2199-12-31
    basis: statute
""", encoding="utf-8")
    firm = tmp_path / "firm.yaml"
    firm.write_text((EXAMPLES / "firm.yaml").read_text(encoding="utf-8") + "rules: ./rules\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--firm", str(firm)])
    assert result.exit_code == 1, result.output
    assert f"{rules / 'offenses.yaml'}:9:15 offenses[0].verified: verified 2199-12-31 is a date still to come" \
        in result.output, result.output
