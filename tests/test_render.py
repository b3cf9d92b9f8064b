"""The renderer's promises: nothing lost, no silent blanks, no overwrite, owner-only,
reproducible, nothing outside --out. A small template built here prints every field, so
these tests do not depend on the wording of the bundled letters."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from drafting.cli import app
from helpers import make_template, text_of, write_case

EXAMPLES = Path(__file__).parent.parent / "examples"

HOSTILE = {
    "name": "Zoë O'Brien-Ñúñez & <Sons> \"Ltd\" {{ 7*7 }} {% if x %}",
    "salutation": "Señor 李小龍 🙂 ‏שלום עליכם‏ مرحبا",
    "court": "Court of {{ config }} & {%p endfor %} </w:t></w:r> ]]> <!-- -->",
    "case_number": "A&B<1>'2'\"3\"",
    "agency": "x" * 3000,
}


def yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_case(folder: Path, matter_id: str = "2026-0001") -> Path:
    return write_case(
        folder,
        f"""date: 2026-11-28
matter:
  id: {yaml_str(matter_id)}
  jurisdiction: CA
  stage: charged
  court: {yaml_str(HOSTILE["court"])}
  case_number: {yaml_str(HOSTILE["case_number"])}
  agency: {yaml_str(HOSTILE["agency"])}
client:
  name: {yaml_str(HOSTILE["name"])}
  salutation: {yaml_str(HOSTILE["salutation"])}
  address: ["Line one\\nstill line one's second row", "Tab\\there"]
engagement:
  fee: {{type: flat, amount: 25000}}
""",
    )


FIELDS = ["{{ client.name }}", "{{ client.salutation }}", "{{ matter.court }}", "{{ matter.case_number }}",
          "{{ matter.agency }}", "{{ engagement.fee.amount|money }}", "{{ letter_date|long_date }}",
          "{%p for line in client.address %}", "{{ line }}", "{%p endfor %}"]


def render(*args: str):
    return CliRunner().invoke(app, ["render", *args])


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_hostile_text_reaches_the_document_verbatim(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", FIELDS)
    case = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    text = paragraphs(out / "2026-0001-engagement.docx")
    for value in HOSTILE.values():
        assert value in text, value
    assert "$25,000.00" in text and "November 28, 2026" in text
    # a newline in a value is a line break, a tab a tab: both survive
    assert "Line one\nstill line one's second row" in text
    assert "Tab\there" in text
    assert "49" not in "".join(text).replace("2026-0001", "")  # data is never evaluated


def test_a_field_the_case_lacks_is_an_error_not_a_blank(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["Dear {{ client.name }}", "{{ client.email }}"])
    case = write_case(tmp_path / "c", "matter: {id: '7', jurisdiction: CA}\n"
                      "client: {name: A, address: [x]}\nengagement: {fee: {type: flat, amount: 1}}\n")
    out = tmp_path / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 1
    assert f"{case}:2:1 client.email: the template engagement.docx prints this field" in result.output
    assert not out.exists()


def test_a_name_no_kind_has_is_a_template_error(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ client.nmae }}"])
    case = hostile_case(tmp_path / "c")
    result = render("engagement", str(case), "--out", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert "engagement.docx: uses client.nmae, which is not a field" in result.output
    assert "Traceback" not in result.output


def test_template_syntax_error_names_the_template_and_the_text(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["Dear {{ client.name }:"])
    case = hostile_case(tmp_path / "c")
    result = render("engagement", str(case), "--out", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert "engagement.docx: Jinja syntax error in word/document.xml" in result.output
    assert "Dear {{ client.name }:" in result.output


def test_template_that_is_not_a_zip_is_refused(tmp_path):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "engagement.docx").write_text("not a zip")
    case = hostile_case(tmp_path / "c")
    result = render("engagement", str(case), "--out", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert "engagement.docx: not a .docx (zip) file" in result.output


def test_sandbox_blocks_attribute_escapes(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ client.__class__.__mro__ }}"])
    case = hostile_case(tmp_path / "c")
    result = render("engagement", str(case), "--out", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert "engagement.docx: is not allowed in the sandbox: client.__class__" in result.output


def test_a_loop_counter_prints_and_the_loop_objects_methods_stay_behind_the_sandbox(tmp_path):
    """``loop.index`` skips the sandbox's checks (a plain number of Jinja's own); the loop's
    methods and their internals do not."""
    templates = tmp_path / "tpl"
    case = hostile_case(tmp_path / "c")
    make_template(templates, "engagement", ["{% for a in [1, 2, 3] %}<{{ loop.index }}/{{ loop.length }}>{% endfor %}"])
    out = tmp_path / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    assert "&lt;1/3&gt;&lt;2/3&gt;&lt;3/3&gt;" in (zipfile.ZipFile(next(out.iterdir())).read("word/document.xml").decode())
    make_template(templates, "engagement", ["{% for a in [1] %}{{ loop.cycle.__func__.__globals__ }}{% endfor %}"])
    result = render("engagement", str(case), "--out", str(tmp_path / "out2"), "--templates", str(templates))
    assert result.exit_code == 1
    assert "is not allowed in the sandbox" in result.output


@pytest.mark.parametrize("line, expected", [
    ("{% autoescape false %}{{ client.name }}{% endautoescape %}", "turns autoescaping off"),
    ("{{ client.name|safe }}", "No filter named 'safe'"),
])
def test_a_template_cannot_turn_escaping_off(tmp_path, line, expected):
    """Escaping happens in one place (autoescape); a template cannot opt out of it."""
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["Dear", line])
    case = hostile_case(tmp_path / "c")
    out = tmp_path / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_no_overwrite_without_force_and_owner_only(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", FIELDS)
    case = hostile_case(tmp_path / "c")
    out = tmp_path / "out"
    args = ["engagement", str(case), "--out", str(out), "--templates", str(templates)]
    assert render(*args).exit_code == 0
    doc = out / "2026-0001-engagement.docx"
    assert stat.S_IMODE(doc.stat().st_mode) == 0o600
    doc.write_bytes(b"an attorney edited this")
    again = render(*args)
    assert again.exit_code == 1
    assert "already exists; not overwritten (use --force" in again.output
    assert doc.read_bytes() == b"an attorney edited this"
    forced = render(*args, "--force")
    assert forced.exit_code == 0
    assert zipfile.is_zipfile(doc)
    assert stat.S_IMODE(doc.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == [doc.name]  # no temporary files left


def test_rendering_is_byte_identical(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", FIELDS)
    case = hostile_case(tmp_path / "c")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert render("engagement", str(case), "--out", str(out), "--templates", str(templates)).exit_code == 0
        outs.append((out / "2026-0001-engagement.docx").read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(tmp_path / "a" / "2026-0001-engagement.docx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"
        core = zf.read("docProps/core.xml").decode()
    assert "2026-11-28T00:00:00Z" in core
    assert "Zoë" not in core  # no client data in document properties


@pytest.mark.parametrize("matter_id,expected", [
    ("Ñandú 2026-01", "nandu-2026-01-engagement.docx"),
    ("CR 26 #14 (Smith & Co.)", "cr-26-14-smith-co-engagement.docx"),
    ("李小龍 2026", "2026-engagement.docx"),
])
def test_output_names_are_slugged_inside_out(tmp_path, matter_id, expected):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ client.name }}"])
    case = hostile_case(tmp_path / "c", matter_id=matter_id)
    out = tmp_path / "deep" / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [expected]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]


@pytest.mark.parametrize("matter_id,expected", [
    ("../../../etc/passwd", "etc-passwd"), ("/abs/olute", "abs-olute"), ("C:\\Windows\\x", "c-windows-x"),
    ("2026/0881", "2026-0881"), ("CR 26\\114", "cr-26-114"), (".hidden", "hidden"), ("~root", "root")])
def test_matter_ids_that_look_like_paths_are_slugged_inside_out(tmp_path, matter_id, expected):
    # SPEC "Output names": any printable id is slugged, never refused for its shape
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ matter.id }}"])
    case = hostile_case(tmp_path / "c", matter_id=matter_id)
    out = tmp_path / "deep" / "out"
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [f"{expected}-engagement.docx"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
    assert matter_id.replace("\\", "\\\\") in text_of((out / f"{expected}-engagement.docx").read_bytes())


def test_a_matter_id_with_no_letter_or_digit_is_refused_naming_the_field(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ client.name }}"])
    case = hostile_case(tmp_path / "c", matter_id="../..")
    result = render("engagement", str(case), "--out", str(tmp_path / "out"), "--templates", str(templates))
    assert result.exit_code == 1
    assert f"{case}:3:7 matter.id: the matter id has no letters or digits" in result.output
    assert not (tmp_path / "out").exists()


def test_output_folder_that_cannot_be_written(tmp_path):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        out = blocker / "out"  # a folder under a file cannot exist, even for root
    else:
        out = tmp_path / "ro"
        out.mkdir(mode=0o500)
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ client.name }}"])
    case = hostile_case(tmp_path / "c")
    result = render("engagement", str(case), "--out", str(out), "--templates", str(templates))
    assert result.exit_code == 1
    if os.geteuid() == 0:
        assert f"{out}: cannot create the output folder (Not a directory)" in result.output
    else:
        assert f"{out}: the output folder is not writable" in result.output  # it exists: not created


def test_letter_date_option_wins_over_the_case(tmp_path):
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ letter_date|long_date }}"])
    case = hostile_case(tmp_path / "c")
    out = tmp_path / "out"
    assert render("engagement", str(case), "--out", str(out), "--templates", str(templates),
                  "--date", "March 3, 2027").exit_code == 0
    assert paragraphs(out / "2026-0001-engagement.docx") == ["March 3, 2027"]
    bad = render("engagement", str(case), "--out", str(tmp_path / "o2"), "--templates", str(templates),
                 "--date", "2027-02-30")
    assert bad.exit_code == 2 and "--date: not a valid date" in bad.output


def test_each_template_is_compiled_once_per_process(tmp_path, monkeypatch):
    import drafting.render as render_module

    calls = []
    real = render_module.load_or_compile
    monkeypatch.setattr(render_module, "load_or_compile", lambda path: calls.append(path) or real(path))
    monkeypatch.setattr(render_module, "_COMPILED", {})
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", FIELDS)
    case = hostile_case(tmp_path / "c")
    for i in range(3):
        render_module.render_case("engagement", case, out_dir=tmp_path / f"o{i}", templates_dir=templates)
    assert len(calls) == 1


def test_unknown_kind_is_wrong_usage(tmp_path):
    case = hostile_case(tmp_path / "c")
    result = render("letter", str(case), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown kind 'letter'; known kinds: engagement, preservation, advisory" in result.output


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_render_never_replaces_or_claims_another_matters_letter(tmp_path, force):
    """Issue 12.3, for `render`: a case whose id slugs like another matter's (2026 0001 and
    2026-0001) would have been told "already exists" or, with --force, replaced it."""
    templates = tmp_path / "tpl"
    make_template(templates, "engagement", ["{{ matter.id }}"])
    first = hostile_case(tmp_path / "a", matter_id="2026-0001")
    second = hostile_case(tmp_path / "b", matter_id="2026 0001")
    out = tmp_path / "out"
    args = ["--out", str(out), "--templates", str(templates)]
    assert render("engagement", str(first), *args).exit_code == 0
    before = (out / "2026-0001-engagement.docx").read_bytes()
    result = render("engagement", str(second), *args, *force)
    assert result.exit_code == 1
    assert f"{second}:3:7 matter.id: names the same document as an earlier letter for matter '2026-0001'" \
        in result.output
    assert (out / "2026-0001-engagement.docx").read_bytes() == before
    assert render("engagement", str(first), *args, "--force").exit_code == 0  # its own letter: replaced
