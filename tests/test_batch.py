"""`drafting batch`: every good case written, every bad one named, nothing redone, a
manifest that matches the files, and a clean stop on Ctrl-C. A small template built here
keeps these tests independent of the wording of the bundled letters."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from drafting import batch as batch_module
from drafting.batch import BatchInterrupted, run_batch
from drafting.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
DATE = "2026-11-28"

TEMPLATE_LINES = [
    "{{ letter_date|long_date }}",
    "Dear {{ client.salutation }}:",
    "Matter {{ matter.id }} in {{ matter.jurisdiction_name }}",
    "{%p for charge in charges %}",
    "{{ charge.statute }}: {{ charge.title }}",
    "{%p endfor %}",
    "{{ attorney.name }}, {{ firm.name }}",
]

# The broken case: an unknown key on line 5.
BROKEN = """\
matter:
  id: "2026-9999"
  jurisdiction: CA
  stage: charged
  stagee: charged
client:
  name: Broken Case
  address: ["1 Main St"]
charges: []
"""


def good_case(i: int) -> str:
    return f"""\
matter:
  id: "2026-{i:04d}"
  jurisdiction: {"CA" if i % 2 else "TX"}
  stage: charged
client:
  name: "Client {i} & <Sons>"
  address: ["{i} Example Way", "Sacramento, CA 95818"]
charges:
  - offense: us-2252a-possession
    counts: {1 + i % 3}
"""


@pytest.fixture
def work(tmp_path: Path) -> dict[str, Path]:
    """A template folder, a folder of 8 good cases + 1 broken one (with firm.yaml), an out folder."""
    templates = tmp_path / "tpl"
    templates.mkdir()
    doc = Document()
    for line in TEMPLATE_LINES:
        doc.add_paragraph(line)
    doc.save(templates / "advisory.docx")
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for i in range(1, 9):
        (cases / f"case-{i:02d}.yaml").write_text(good_case(i), encoding="utf-8")
    (cases / "case-05-broken.yaml").write_text(BROKEN, encoding="utf-8")
    return {"templates": templates, "cases": cases, "out": tmp_path / "out"}


def batch(work: dict[str, Path], *extra: str, jobs: int = 2, out: Path | None = None):
    args = ["batch", "advisory", str(work["cases"]), "--out", str(out or work["out"]),
            "--templates", str(work["templates"]), "--date", DATE, "--jobs", str(jobs), "--draft", *extra]
    return CliRunner().invoke(app, args)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def docs(out: Path) -> dict[str, tuple[int, int]]:
    """Each document's (inode, mtime_ns): a rewrite changes one or the other."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.glob("*.docx"))}


GOOD_NAMES = [f"2026-{i:04d}-advisory.docx" for i in range(1, 9)]


def test_good_cases_are_written_and_the_broken_one_is_named(work):
    result = batch(work)
    assert result.exit_code == 1, result.output
    assert sorted(docs(work["out"])) == GOOD_NAMES
    broken = work["cases"] / "case-05-broken.yaml"
    assert f"{broken}:5 matter.stagee — unknown key 'stagee'" in result.output
    assert "Traceback" not in result.output
    text = "\n".join(p.text for p in Document(str(work["out"] / "2026-0003-advisory.docx")).paragraphs)
    assert "Dear Client 3 & <Sons>:" in text and "November 28, 2026" in text


def test_manifest_records_every_case_with_hashes_equal_to_the_files(work):
    batch(work)
    out = work["out"]
    m = manifest(out)
    assert m["kind"] == "advisory" and m["letter_date"] == DATE and m["version"]
    assert m["template"] == {"path": str(work["templates"] / "advisory.docx"),
                             "sha256": sha256(work["templates"] / "advisory.docx")}
    assert m["firm"]["sha256"] == sha256(work["cases"] / "firm.yaml")
    cases = m["cases"]
    # input order: the folder's *.yaml sorted, firm.yaml left out
    assert [Path(c["case"]).name for c in cases] == sorted(p.name for p in work["cases"].glob("case-*.yaml"))
    by_status = {c["status"] for c in cases}
    assert by_status == {"written", "failed"}
    for c in cases:
        assert c["case_sha256"] == sha256(Path(c["case"]))
        if c["status"] == "written":
            assert c["error"] is None and len(c["outputs"]) == 1
            for output in c["outputs"]:
                assert output["sha256"] == sha256(Path(output["path"]))
        else:
            assert c["outputs"] == []
            assert c["error"] == {"file": c["case"], "line": 5, "col": 3, "field": "matter.stagee",
                                  "message": "unknown key 'stagee'; did you mean 'stage'?"}
    # no client data in the manifest beyond file names
    assert "Client 3" not in (out / "manifest.json").read_text(encoding="utf-8")
    assert stat.S_IMODE((out / "manifest.json").stat().st_mode) == 0o600


def test_outputs_are_owner_only_and_no_temporary_file_is_left(work):
    batch(work)
    out = work["out"]
    for path in out.iterdir():
        assert not path.name.startswith(".drafting-"), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_rerun_writes_nothing_and_after_a_fix_writes_only_the_fixed_case(work):
    out = work["out"]
    assert batch(work).exit_code == 1
    before = docs(out)

    rerun = batch(work)
    assert rerun.exit_code == 1  # the broken case is still broken
    assert docs(out) == before
    statuses = {Path(c["case"]).name: c["status"] for c in manifest(out)["cases"]}
    assert statuses.pop("case-05-broken.yaml") == "failed"
    assert set(statuses.values()) == {"skipped"}
    # skipped documents are still recorded with what is on disk
    for c in manifest(out)["cases"]:
        for output in c["outputs"]:
            assert output["sha256"] == sha256(Path(output["path"]))

    fixed = work["cases"] / "case-05-broken.yaml"
    fixed.write_text(BROKEN.replace("  stagee: charged\n", ""), encoding="utf-8")
    after_fix = batch(work)
    assert after_fix.exit_code == 0, after_fix.output
    now = docs(out)
    assert set(now) - set(before) == {"2026-9999-advisory.docx"}
    assert {k: now[k] for k in before} == before
    written = [c for c in manifest(out)["cases"] if c["status"] == "written"]
    assert [Path(c["case"]).name for c in written] == ["case-05-broken.yaml"]

    again = batch(work)
    assert again.exit_code == 0
    assert docs(out) == now
    assert {c["status"] for c in manifest(out)["cases"]} == {"skipped"}


def test_a_rerun_only_checks_names_it_renders_nothing(work, monkeypatch):
    from drafting.docx_template import CompiledTemplate

    assert batch(work, jobs=1).exit_code == 1
    renders = []
    real = CompiledTemplate.render
    monkeypatch.setattr(CompiledTemplate, "render", lambda self, *a, **k: renders.append(1) or real(self, *a, **k))
    assert batch(work, jobs=1).exit_code == 1
    assert renders == []
    assert batch(work, "--force", jobs=1).exit_code == 1
    assert len(renders) == 8


def test_force_rewrites_every_document(work):
    out = work["out"]
    batch(work)
    before = docs(out)
    result = batch(work, "--force")
    assert result.exit_code == 1
    after = docs(out)
    assert set(after) == set(before)
    assert all(after[name] != before[name] for name in before)
    statuses = [c["status"] for c in manifest(out)["cases"]]
    assert statuses.count("written") == 8


def test_one_worker_and_two_give_byte_identical_documents(work, tmp_path):
    batch(work, jobs=1, out=tmp_path / "one")
    batch(work, jobs=2, out=tmp_path / "two")
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.docx")}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").glob("*.docx")}
    assert sorted(one) == GOOD_NAMES
    assert one == two


def test_plain_progress_lines_when_not_a_terminal(work):
    result = batch(work)
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    assert len(lines) == 9
    assert any(line.startswith("[") and "/9] written " in line and "-advisory.docx" in line for line in lines)
    assert any("/9] failed " in line and "case-05-broken.yaml:5" in line for line in lines)


def test_plain_summary_table_when_not_a_terminal(work):
    result = batch(work)
    lines = result.output.splitlines()
    at = lines.index("drafting batch advisory: 9 case(s)")
    header, counts = lines[at + 1], lines[at + 2]
    assert header.split("  ") == ["", "written", "skipped (already exist)", "failed", "not applicable", "not run"]
    assert counts.split() == ["8", "0", "1", "0", "0"]
    # numbers sit under the end of their column
    assert counts.index("8") + 1 == header.index("written") + len("written")
    failures = lines[lines.index("failures") + 1:]
    assert failures[0].split() == ["file:line", "field", "message"]
    assert f"{work['cases'] / 'case-05-broken.yaml'}:5  matter.stagee  unknown key 'stagee'" in failures[1]
    assert "┃" not in result.output and "\x1b[" not in result.output  # no Rich drawing in a log


def test_an_unexpected_error_fails_that_case_only_and_is_called_a_bug(work, monkeypatch):
    from drafting.render import Renderer

    real = Renderer.plan_case

    def flaky(self, kind, case_path, **options):
        if Path(case_path).name == "case-02.yaml":
            raise RuntimeError("boom")
        return real(self, kind, case_path, **options)

    # workers are forked, so they inherit the patch
    monkeypatch.setattr(Renderer, "plan_case", flaky)
    result = batch(work)
    assert result.exit_code == 1
    assert len(docs(work["out"])) == 7
    failed = {Path(c["case"]).name: c["error"]["message"] for c in manifest(work["out"])["cases"]
              if c["status"] == "failed"}
    assert failed["case-02.yaml"] == "internal error: RuntimeError: boom"
    assert "bug in drafting" in result.output


def test_a_bug_while_writing_fails_those_cases_and_the_batch_still_ends_with_a_manifest(work, monkeypatch):
    import drafting.output as output

    def broken(path, data, *, force):
        raise RuntimeError("writer bug")

    monkeypatch.setattr(output, "write_atomic", broken)  # forked workers inherit it
    result = batch(work)
    assert result.exit_code == 1
    assert docs(work["out"]) == {}
    statuses = {Path(c["case"]).name: (c["status"], (c["error"] or {}).get("message"))
                for c in manifest(work["out"])["cases"]}
    assert statuses["case-01.yaml"] == ("failed", "internal error: RuntimeError: writer bug")
    assert statuses["case-05-broken.yaml"][0] == "failed"
    assert "bug in drafting" in result.output


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("other_id", ["2026-0001", "2026 0001", "2026/0001"])
def test_two_cases_whose_ids_slug_alike_both_fail_naming_each_other(work, force, other_id, jobs):
    (work["cases"] / "case-09.yaml").write_text(good_case(1).replace('"2026-0001"', f'"{other_id}"'),
                                                encoding="utf-8")
    result = batch(work, *force, jobs=jobs)
    assert result.exit_code == 1
    cases = {Path(c["case"]).name: c for c in manifest(work["out"])["cases"]}
    one, nine = work["cases"] / "case-01.yaml", work["cases"] / "case-09.yaml"
    for name, other in (("case-01.yaml", nine), ("case-09.yaml", one)):
        assert cases[name]["status"] == "failed" and cases[name]["outputs"] == []
        error = cases[name]["error"]
        assert error["field"] == "matter.id" and error["line"] == 2
        assert f"names the same document as {other} (2026-0001-advisory.docx)" in error["message"]
    assert not (work["out"] / "2026-0001-advisory.docx").exists()  # neither letter, under either name
    assert (work["out"] / "2026-0002-advisory.docx").exists()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_letter_of_another_matter_from_an_earlier_run_is_never_skipped_or_replaced(work, force, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    (first / "a.yaml").write_text(good_case(1), encoding="utf-8")
    (first / "firm.yaml").write_text((work["cases"] / "firm.yaml").read_text(), encoding="utf-8")
    args = ["--out", str(work["out"]), "--date", DATE, "--templates", str(work["templates"])]
    assert CliRunner().invoke(app, ["render", "advisory", str(first / "a.yaml"), *args, "--draft"]).exit_code == 0
    letter = work["out"] / "2026-0001-advisory.docx"
    before = letter.read_bytes()
    (work["cases"] / "case-01.yaml").write_text(good_case(1).replace('"2026-0001"', '"2026 0001"'),
                                                encoding="utf-8")
    result = batch(work, *force)
    assert result.exit_code == 1
    cases = {Path(c["case"]).name: c for c in manifest(work["out"])["cases"]}
    assert cases["case-01.yaml"]["status"] == "failed" and cases["case-01.yaml"]["outputs"] == []
    assert "an earlier letter for matter '2026-0001'" in cases["case-01.yaml"]["error"]["message"]
    assert letter.read_bytes() == before
    for c in cases.values():  # every hash is the hash of the file at that path
        for o in c["outputs"]:
            assert o["sha256"] == sha256(Path(o["path"]))


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_cleanly_and_the_manifest_says_what_was_done(work, monkeypatch, jobs):
    real_done = batch_module._Tracker.done

    def done_then_interrupt(self, outcome):
        real_done(self, outcome)
        if self.cases == 2:
            os.kill(os.getpid(), signal.SIGINT)  # as if the user pressed Ctrl-C

    monkeypatch.setattr(batch_module._Tracker, "done", done_then_interrupt)
    out = work["out"]
    with pytest.raises(BatchInterrupted) as caught:
        run_batch("advisory", [work["cases"]], draft=True, out_dir=out, jobs=jobs, letter_date=DATE,
                  templates_dir=work["templates"])
    report = caught.value.report
    assert report.interrupted
    m = manifest(out)
    statuses = [c["status"] for c in m["cases"]]
    assert "not-run" in statuses
    assert len(statuses) == 9
    # every document on disk is whole and recorded; nothing half-written
    recorded = {o["path"]: o["sha256"] for c in m["cases"] for o in c["outputs"]}
    on_disk = {str(p): sha256(p) for p in out.glob("*.docx")}
    assert on_disk == recorded
    assert not list(out.glob(".drafting-*"))
    # the rest is done by running again
    monkeypatch.undo()
    result = batch(work)
    assert result.exit_code == 1
    assert sorted(docs(out)) == GOOD_NAMES


def test_ctrl_c_exits_130_from_the_command_line(work, monkeypatch):
    def interrupt(self, outcome):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module._Tracker, "done", interrupt)
    result = batch(work, jobs=1)
    assert result.exit_code == 130
    assert "interrupted" in result.output
    assert (work["out"] / "manifest.json").exists()


def test_single_files_and_folders_can_be_mixed_and_missing_files_fail_alone(work):
    cases = work["cases"]
    args = ["batch", "advisory", str(cases / "case-01.yaml"), str(cases / "nope.yaml"), str(cases / "case-02.yaml"),
            "--out", str(work["out"]), "--templates", str(work["templates"]), "--date", DATE, "--draft"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert sorted(docs(work["out"])) == GOOD_NAMES[:2]
    assert f"{cases / 'nope.yaml'}" in result.output and "file not found" in result.output


def test_a_case_named_twice_or_through_a_link_is_run_once(work):
    from drafting.batch import expand_inputs

    cases = work["cases"]
    (cases / "zz-link.yaml").symlink_to(cases / "case-01.yaml")
    found = expand_inputs([cases / "case-01.yaml", cases, str(cases / "case-01.yaml")])
    assert [p.name for p in found].count("case-01.yaml") == 1
    assert "zz-link.yaml" not in [p.name for p in found]
    assert len(found) == 9  # 8 good + 1 broken, firm.yaml left out


def test_an_empty_folder_is_an_error(tmp_path, work):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, ["batch", "advisory", str(empty), "--out", str(work["out"])])
    assert result.exit_code == 1
    assert "no case files" in result.output


def test_pdf_copies_of_written_documents_are_in_the_manifest(work, monkeypatch):
    import drafting.pdf

    converted = []

    def fake_convert(paths, out_dir, force=True):  # LibreOffice itself is tested in test_pdf.py
        converted.extend(paths)
        pdfs = []
        for path in paths:
            pdf = Path(path).with_suffix(".pdf")
            pdf.write_bytes(b"%PDF-1.7 " + Path(path).name.encode())
            pdfs.append(pdf)
        return pdfs

    monkeypatch.setattr(drafting.pdf, "convert_to_pdf", fake_convert)
    result = batch(work, "--pdf")
    assert result.exit_code == 1  # the broken case
    assert sorted(p.name for p in converted) == GOOD_NAMES
    m = manifest(work["out"])
    for c in m["cases"]:
        if c["status"] == "written":
            paths = [o["path"] for o in c["outputs"]]
            assert [Path(p).suffix for p in paths] == [".docx", ".pdf"]
            for output in c["outputs"]:
                assert output["sha256"] == sha256(Path(output["path"]))
    # a rerun converts nothing: nothing new was written
    converted.clear()
    batch(work, "--pdf")
    assert converted == []


def test_a_pdf_failure_still_leaves_the_documents_and_the_manifest(work, monkeypatch):
    import drafting.pdf
    from drafting.errors import PdfError

    def no_office(paths, out_dir, force=True):
        raise PdfError(drafting.pdf.NOT_INSTALLED)

    monkeypatch.setattr(drafting.pdf, "convert_to_pdf", no_office)
    result = batch(work, "--pdf")
    assert result.exit_code == 1
    assert "LibreOffice is not installed" in result.output
    assert "written" in result.output  # the summary is shown
    assert sorted(docs(work["out"])) == GOOD_NAMES
    assert {c["status"] for c in manifest(work["out"])["cases"]} == {"written", "failed"}


def test_a_template_is_compiled_once_before_the_workers_fork_and_then_read_from_the_cache(work, monkeypatch,
                                                                                         tmp_path):
    import drafting.render as render_module

    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(tmp_path / "fresh-cache"))
    compiled_here = []
    real = render_module.load_or_compile

    def counting(path):
        compiled_here.append(path)
        return real(path)

    monkeypatch.setattr(render_module, "load_or_compile", counting)
    monkeypatch.setattr(render_module, "_COMPILED", {})
    result = batch(work, jobs=2)
    assert result.exit_code == 1
    assert sorted(docs(work["out"])) == GOOD_NAMES
    # once, in the parent: the two workers inherit it
    assert compiled_here == [work["templates"] / "advisory.docx"]


def test_a_compiled_template_survives_pickling_byte_for_byte(work):
    import datetime as dt
    import pickle

    from drafting.docx_template import Properties, compile_template
    from drafting.render import Renderer, _locator, get_kind

    template = compile_template(work["templates"] / "advisory.docx")
    copy = pickle.loads(pickle.dumps(template))
    inputs, letters = Renderer(draft=True).letters("advisory", work["cases"] / "case-03.yaml", letter_date=DATE)
    (_, letter), = letters
    props = Properties(title="t", subject="s", author="a", letter_date=dt.date(2026, 11, 28))
    locate = _locator(get_kind("advisory"), letter, inputs.loaded, inputs.firm)
    assert copy.render(letter.context, props, locate=locate) == template.render(letter.context, props, locate=locate)
    assert copy.key == template.key


HOSTILE_ID = r"[bold]x[/] [link=https://evil.example]y \x9b31m \x9d8;;https://evil.example\x9c z"


@pytest.mark.parametrize("terminal", [True, False])
def test_case_text_reaches_the_terminal_inert(work, monkeypatch, terminal):
    """Issue 12.14: a '[bold' in a case crashed the summary table (MarkupError); C1
    sequences (CSI, OSC 8 hyperlinks) reached the terminal."""
    import drafting.cli.common as cli_common

    monkeypatch.setattr(cli_common, "_terminal", lambda: terminal)
    case = work["cases"] / "case-03.yaml"
    case.write_text(case.read_text().replace("offense: us-2252a-possession", f'offense: "{HOSTILE_ID}"'),
                    encoding="utf-8")
    result = batch(work)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "[bold]x[/]" in result.output  # shown as typed
    for active in ("\x9b", "\x9d", "\x9c", "\x1b]8"):
        assert active not in result.output


@pytest.mark.parametrize("command", ["preview", "context"])
def test_c1_control_sequences_in_a_case_never_reach_the_terminal(tmp_path, command):
    import shutil

    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(EXAMPLES / "firm.yaml", folder / "firm.yaml")
    case = folder / "case.yaml"
    case.write_text((EXAMPLES / "cases" / "fl-ruiz.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = case.read_text(encoding="utf-8")
    name = text.split("  name: ", 1)[1].split("\n", 1)[0]
    case.write_text(text.replace(f"  name: {name}", '  name: "Ana \\x9b2J\\x9d0;pwned\\x9c Ruiz"', 1),
                    encoding="utf-8")
    result = CliRunner().invoke(app, [command, "advisory", str(case), "--draft"])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x9b\x9d\x9c\x1b")
    assert "\\u009b2J" in result.output
    if command == "context":
        (context,) = json.loads(result.output).values()
        assert context["client"]["name"] == "Ana \x9b2J\x9d0;pwned\x9c Ruiz"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_case_without_the_kinds_section_is_not_applicable_not_failed(tmp_path, jobs):
    """SPEC: `batch preservation FOLDER` reports a case with no preservation: section as
    not applicable (make demo needed a grep around it)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", "preservation", str(EXAMPLES / "cases"), "--out", str(out),
                                      "--jobs", str(jobs), "--date", DATE])
    assert result.exit_code == 0, result.output
    cases = {Path(c["case"]).name: c for c in manifest(out)["cases"]}
    without = [n for n in cases if "preservation:" not in (EXAMPLES / "cases" / n).read_text()]
    assert without, "the examples should hold a case without preservation:"
    for name in without:
        assert cases[name]["status"] == "not-applicable" and cases[name]["error"] is None
        assert "no preservation: section" in cases[name]["note"]
    assert all(c["status"] == "written" for n, c in cases.items() if n not in without)
    assert "not applicable" in result.output


def test_a_batch_of_another_kind_keeps_the_first_kinds_manifest(work):
    """A second kind batched into the same --out replaced the first kind's manifest."""
    for path in work["cases"].glob("case-*.yaml"):
        path.write_text(path.read_text() + "engagement: {fee: {type: flat, amount: 1000}}\n", encoding="utf-8")
    (work["templates"] / "engagement.docx").write_bytes((work["templates"] / "advisory.docx").read_bytes())
    batch(work)
    first = json.loads((work["out"] / "manifest-advisory.json").read_text(encoding="utf-8"))
    args = ["batch", "engagement", str(work["cases"]), "--out", str(work["out"]), "--templates",
            str(work["templates"]), "--date", DATE]
    CliRunner().invoke(app, args)
    assert json.loads((work["out"] / "manifest-advisory.json").read_text(encoding="utf-8")) == first
    assert manifest(work["out"])["kind"] == "engagement"
    assert json.loads((work["out"] / "manifest-engagement.json").read_text(encoding="utf-8")) == manifest(work["out"])


def test_errors_and_the_manifest_never_echo_a_long_value_whole(work):
    """An error echoed a typed value of any length (here 20,000 characters of an id)."""
    case = work["cases"] / "case-03.yaml"
    secret = "allegation " * 500  # under the 10,000-character limit: an unknown id, quoted
    case.write_text(case.read_text().replace("offense: us-2252a-possession", f'offense: "{secret}"'),
                    encoding="utf-8")
    result = batch(work)
    assert result.exit_code == 1
    (entry,) = [c for c in manifest(work["out"])["cases"] if c["case"].endswith("case-03.yaml")]
    assert entry["error"]["field"] == "charges[0].offense" and len(entry["error"]["message"]) <= 1000
    assert secret not in result.output and "allegation allegation" in entry["error"]["message"]
    assert max(len(line) for line in result.output.splitlines()) < 1500


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_oversized_or_endless_case_never_stops_the_others(work, jobs):
    """Issue 12.12: a 6 GB sparse case file killed the whole batch (MemoryError, no
    manifest): it was read whole, and hashed outside the per-case error handling."""
    with open(work["cases"] / "case-00-huge.yaml", "wb") as fh:
        fh.truncate(6 * 2**30)
    os.mkfifo(work["cases"] / "case-00-fifo.yaml")
    result = CliRunner().invoke(app, ["batch", "advisory", str(work["cases"]), str(work["cases"] / "case-00-fifo.yaml"),
                                      "--out", str(work["out"]), "--templates", str(work["templates"]),
                                      "--date", DATE, "--jobs", str(jobs), "--draft"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    cases = {Path(c["case"]).name: c for c in manifest(work["out"])["cases"]}
    assert "larger than 5 MB" in cases["case-00-huge.yaml"]["error"]["message"]
    assert "not a regular file" in cases["case-00-fifo.yaml"]["error"]["message"]
    assert cases["case-00-huge.yaml"]["case_sha256"] is None
    assert sorted(p.name for p in work["out"].glob("*.docx")) == GOOD_NAMES


@pytest.mark.parametrize("kind", sorted(__import__("drafting.kinds", fromlist=["KINDS"]).KINDS))
def test_the_names_a_batch_checks_first_are_the_names_its_letters_take(kind, tmp_path):
    """A batch names every document before it writes any, from ``Kind.suffixes`` without
    building the letters: those names must be exactly the ones the letters are written under."""
    from drafting.errors import SectionMissingError
    from drafting.render import Renderer

    renderer = Renderer(draft=True)
    seen = 0
    for case in sorted((EXAMPLES / "cases").glob("*.yaml")):
        try:
            built = [stem for stem, _ in renderer.letters(kind, case, letter_date=DATE)[1]]
        except SectionMissingError:
            continue
        assert renderer.stems(kind, case) == built, case.name
        seen += len(built)
    assert seen >= 2  # every kind has examples, and the preservation ones several letters
