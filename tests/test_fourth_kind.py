"""A kind is one declaration: a throw-away fourth kind, declared in this module and given
its own small template, works in every command without touching the package — the CLI,
`check`'s linter, `drafting new` and the context all read it from ``KINDS``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from drafting.cli import app
from drafting.context_schema import rec, text
from drafting.environment import record
from drafting.kinds import KINDS
from drafting.kinds.base import Kind, Letter, common_context, common_schema
from tests.helpers import make_template, text_of, write_case


def build(inputs):
    context = common_context(inputs, "closing")
    context["closing"] = record("closing", outcome=f"{inputs.loaded.case.matter.id} is closed")
    return [Letter(suffix="closing", context=context, title="Closing letter")]


def skeleton(rules, jurisdiction):
    return ["# closing: needs only matter, client and charges (the closing-letter kind)"]


KIND = Kind(
    name="closing",
    title="Closing letter",
    summary="letter to the client closing the file",
    sections=(),
    build=build,
    schema=rec(**common_schema("closing"), closing=rec(outcome=text("2026-0142 is closed", doc="one sentence"))),
    skeleton=skeleton,
)

BODY = [
    "{{ letter_date|long_date }}",
    "Dear {{ client.salutation }}:",
    "Re: {{ matter.reference }}",
    "{%p for charge in charges %}",
    "Charge: {{ charge.statute }}",
    "{%p endfor %}",
    "{{ closing.outcome }}.",
]

CASE = """\
    matter:
      id: "2026-0777"
      jurisdiction: CA
      stage: charged
      case_number: 26FE000777
    client:
      name: Ana Díaz & Sons
      address: ["12 Elm St", "Sacramento, CA 95818"]
    charges:
      - offense: us-2252a-possession
"""


@pytest.fixture
def closing(tmp_path, monkeypatch):
    """The fourth kind registered, its template in tmp, one case next to the example firm."""
    monkeypatch.setitem(KINDS, "closing", KIND)
    templates = tmp_path / "templates"
    make_template(templates, "closing", BODY)
    case = write_case(tmp_path / "cases", CASE, name="diaz.yaml")
    return {"templates": templates, "case": case, "tmp": tmp_path}


def _run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_render_writes_the_fourth_kind(closing):
    out = closing["tmp"] / "out"
    result = _run("render", "closing", closing["case"], "--out", out, "--templates", closing["templates"],
                  "--date", "2026-11-28")
    assert result.exit_code == 0, result.output
    text = text_of((out / "2026-0777-closing.docx").read_bytes())
    assert "November 28, 2026" in text
    assert "Dear Ana Díaz & Sons:" in text
    assert "Charge: 18 U.S.C. § 2252A(a)(5)(B)" in text
    assert "2026-0777 is closed." in text


def test_preview_and_context_show_the_fourth_kind(closing):
    args = (closing["case"], "--templates", closing["templates"], "--date", "2026-11-28")
    preview = _run("preview", "closing", *args)
    assert preview.exit_code == 0, preview.output
    assert "2026-0777 is closed." in preview.output
    context = _run("context", "closing", closing["case"], "--date", "2026-11-28")
    assert context.exit_code == 0, context.output
    data = json.loads(context.output)["2026-0777-closing"]  # one object per document, by file stem
    assert data["kind"] == "closing"
    assert data["closing"] == {"outcome": "2026-0777 is closed"}


def test_check_validates_the_case_and_lints_the_template_against_the_kinds_schema(closing):
    ok = _run("check", closing["case"], "--templates", closing["templates"], "--date", "2026-11-28")
    assert ok.exit_code == 0, ok.output
    make_template(closing["templates"], "closing", BODY[:-1] + ["{{ closing.outcom }}."])
    bad = _run("check", closing["case"], "--templates", closing["templates"], "--date", "2026-11-28")
    assert bad.exit_code == 1
    assert "closing.outcom" in bad.output and "closing.outcome" in bad.output  # the nearest name


def test_a_field_the_case_lacks_names_the_case_file(closing):
    make_template(closing["templates"], "closing", BODY + ["{{ matter.court }}"])
    result = _run("render", "closing", closing["case"], "--out", closing["tmp"] / "out",
                  "--templates", closing["templates"], "--date", "2026-11-28")
    assert result.exit_code == 1
    assert "diaz.yaml" in result.output and "matter.court" in result.output
    assert "Traceback" not in result.output
    assert not (closing["tmp"] / "out" / "2026-0777-closing.docx").exists()


def test_new_includes_the_fourth_kinds_skeleton(closing):
    folder = closing["tmp"] / "new"
    folder.mkdir()
    result = _run("new", folder / "case.yaml", "--no-input")
    assert result.exit_code == 0, result.output
    written = (folder / "case.yaml").read_text(encoding="utf-8")
    assert "# closing: needs only matter, client and charges" in written
    assert "engagement:" in written  # the bundled kinds are still there


def test_kinds_lists_the_fourth_kind(closing):
    result = _run("kinds", "--templates", closing["templates"])
    assert result.exit_code == 0, result.output
    assert "closing" in result.output and "letter to the client closing the file" in result.output
    assert str(closing["templates"] / "closing.docx") in result.output


def test_batch_renders_the_fourth_kind_in_worker_processes(closing):
    second = write_case(closing["case"].parent, CASE.replace("2026-0777", "2026-0778"), name="second.yaml")
    out = closing["tmp"] / "batch"
    result = _run("batch", "closing", closing["case"].parent, "--out", out, "--templates", closing["templates"],
                  "--jobs", "2", "--date", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.docx")) == ["2026-0777-closing.docx", "2026-0778-closing.docx"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "closing"
    assert {c["status"] for c in manifest["cases"]} == {"written"}
    assert second.exists()
