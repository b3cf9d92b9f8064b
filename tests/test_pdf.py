"""PDF conversion with LibreOffice: real conversion where installed, failures with a stand-in soffice."""

from __future__ import annotations

import ast
import os
import stat
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from drafting import pdf
from drafting.errors import PdfError

pytestmark = pytest.mark.slow  # LibreOffice


def letter(document) -> None:
    document.add_heading("Engagement letter", 1)
    document.add_paragraph("Dear Mr. Ortiz:")


@pytest.fixture
def system_tmp(tmp_path, monkeypatch) -> Path:
    """A private stand-in for /tmp, where LibreOffice profiles go, so leftovers can be seen."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def fake_soffice(bin_dir: Path, body: str) -> Path:
    """An executable named soffice running ``body`` (Python) with ``args``, ``outdir``, ``docs`` set."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "soffice"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent("""\
        import os, pathlib, sys, time
        args = sys.argv[1:]
        outdir = pathlib.Path(args[args.index("--outdir") + 1])
        docs = [pathlib.Path(a) for a in args if a.endswith(".docx")]
        log = os.environ.get("FAKE_SOFFICE_LOG")
        if log:
            with open(log, "a") as fh:
                fh.write(repr(args) + "\\n")
        """) + textwrap.dedent(body))
    script.chmod(0o755)
    return script


@pytest.fixture
def only_fake(tmp_path, monkeypatch):
    """PATH holds only the stand-in soffice; the usual install locations are not searched."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(pdf, "SOFFICE_CANDIDATES", ())
    return bin_dir


@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice is not installed")
def test_converts_documents_next_to_them(tmp_path, make_docx, system_tmp):
    out = tmp_path / "out"
    docs = [make_docx("out/2026-0142-engagement", letter), make_docx("out/2026-0142-advisory", letter)]
    pdfs = pdf.convert_to_pdf(docs, out)
    assert pdfs == [out / "2026-0142-engagement.pdf", out / "2026-0142-advisory.pdf"]
    for path in pdfs:
        assert path.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["2026-0142-engagement.docx", "2026-0142-advisory.docx", "2026-0142-engagement.pdf",
         "2026-0142-advisory.pdf"]
    )
    assert list(system_tmp.iterdir()) == []


def test_find_soffice_uses_path(only_fake):
    script = fake_soffice(only_fake, "")
    assert pdf.find_soffice() == str(script)


def test_find_soffice_none_when_absent(only_fake):
    assert pdf.find_soffice() is None


def test_missing_libreoffice_names_the_package(tmp_path, make_docx, only_fake):
    doc = make_docx("a", letter)
    with pytest.raises(PdfError, match="libreoffice-writer-nogui") as info:
        pdf.convert_to_pdf([doc], tmp_path)
    assert "LibreOffice is not installed" in str(info.value)


def test_one_soffice_call_with_a_private_profile(tmp_path, make_docx, system_tmp, only_fake, monkeypatch):
    fake_soffice(only_fake, """\
        for d in docs:
            (outdir / (d.stem + ".pdf")).write_bytes(b"%PDF-1.7 fake")
        """)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    docs = [make_docx(f"out/{n}", letter) for n in ("a", "b", "c")]
    assert pdf.convert_to_pdf(docs, tmp_path / "out") == [d.with_suffix(".pdf") for d in docs]
    (call,) = log.read_text().splitlines()
    args = ast.literal_eval(call)
    (profile,) = [a for a in args if a.startswith("-env:UserInstallation=")]
    assert profile.startswith("-env:UserInstallation=" + system_tmp.as_uri() + "/")
    assert list(system_tmp.iterdir()) == []
    assert {"--headless", "--norestore"} <= set(args)
    assert [Path(a).name for a in args if a.endswith(".docx")] == ["a.docx", "b.docx", "c.docx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.docx", "a.pdf", "b.docx", "b.pdf", "c.docx", "c.pdf"
    ]


def test_same_name_in_two_folders_is_not_confused(tmp_path, make_docx, only_fake):
    fake_soffice(only_fake, """\
        for d in docs:
            (outdir / (d.stem + ".pdf")).write_bytes(b"%PDF-1.7 " + str(d.parent.name).encode())
        """)
    a = make_docx("x/letter", letter)
    b = make_docx("y/letter", letter)
    pdf.convert_to_pdf([a, b], tmp_path)
    assert (tmp_path / "x" / "letter.pdf").read_bytes() == b"%PDF-1.7 x"
    assert (tmp_path / "y" / "letter.pdf").read_bytes() == b"%PDF-1.7 y"


def test_nonzero_exit_names_the_file_and_cleans_up(tmp_path, make_docx, system_tmp, only_fake):
    fake_soffice(only_fake, """\
        print("Error: source file could not be loaded", file=sys.stderr)
        sys.exit(3)
        """)
    doc = make_docx("out/letter", letter)
    with pytest.raises(PdfError, match="status 3.*could not be loaded") as info:
        pdf.convert_to_pdf([doc], tmp_path / "out")
    assert info.value.file == str(doc)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["letter.docx"]
    assert list(system_tmp.iterdir()) == []


def test_missing_output_names_the_file_and_keeps_the_good_ones(tmp_path, make_docx, only_fake):
    fake_soffice(only_fake, """\
        for d in docs:
            if d.stem != "broken":
                (outdir / (d.stem + ".pdf")).write_bytes(b"%PDF-1.7 fake")
        """)
    good, broken = make_docx("out/good", letter), make_docx("out/broken", letter)
    with pytest.raises(PdfError, match="produced no PDF") as info:
        pdf.convert_to_pdf([good, broken], tmp_path / "out")
    assert info.value.file == str(broken)
    assert info.value.converted == [good.with_suffix(".pdf")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["broken.docx", "good.docx", "good.pdf"]


def test_output_that_is_not_a_pdf_is_refused(tmp_path, make_docx, only_fake):
    fake_soffice(only_fake, """\
        for d in docs:
            (outdir / (d.stem + ".pdf")).write_bytes(b"")
        """)
    doc = make_docx("letter", letter)
    with pytest.raises(PdfError, match="produced no PDF"):
        pdf.convert_to_pdf([doc], tmp_path)
    assert not doc.with_suffix(".pdf").exists()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a killed child nobody has reaped yet is dead too


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_timeout_kills_libreoffice_and_its_children(tmp_path, make_docx, system_tmp, only_fake):
    # Like the real soffice wrapper script, the stand-in starts the worker as a child.
    pid_file = tmp_path / "pid"
    fake_soffice(only_fake, f"""\
        import subprocess
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        pathlib.Path({str(pid_file)!r}).write_text(str(child.pid))
        child.wait()
        """)
    doc = make_docx("out/letter", letter)
    start = time.monotonic()
    with pytest.raises(PdfError, match="timed out after 1 s") as info:
        pdf.convert_to_pdf([doc], tmp_path / "out", timeout=1)
    assert time.monotonic() - start < 20
    assert info.value.file == str(doc)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["letter.docx"]
    assert list(system_tmp.iterdir()) == []


def test_interrupt_cleans_temporary_files(tmp_path, make_docx, system_tmp, only_fake, monkeypatch):
    fake_soffice(only_fake, "")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf, "_run_soffice", interrupted)
    doc = make_docx("out/letter", letter)
    with pytest.raises(KeyboardInterrupt):
        pdf.convert_to_pdf([doc], tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["letter.docx"]
    assert list(system_tmp.iterdir()) == []


def test_missing_document_is_named(tmp_path):
    with pytest.raises(PdfError, match="does not exist") as info:
        pdf.convert_to_pdf([tmp_path / "gone.docx"], tmp_path)
    assert info.value.file == str(tmp_path / "gone.docx")


def test_nothing_to_convert_does_nothing(tmp_path, only_fake):
    assert pdf.convert_to_pdf([], tmp_path) == []


# ---------------------------------------------------------------- glyphs the PDF lacks

# An Egyptian hieroglyph: no font Debian installs by default or that CI adds draws it.
NO_FONT_HAS = "\U00013000"
needs_fontconfig = pytest.mark.skipif(__import__("shutil").which("fc-list") is None,
                                      reason="fontconfig (fc-list) is not installed")


@needs_fontconfig
def test_missing_glyphs_names_what_no_font_can_draw():
    assert pdf.missing_glyphs("Plain ASCII, é, § 1519") == []
    assert pdf.missing_glyphs(f"Wei Chen {NO_FONT_HAS}\u200d\u202e") == [NO_FONT_HAS]  # format marks are invisible


@needs_fontconfig
@pytest.mark.skipif(os.environ.get("CI") is None and not __import__("subprocess").run(
    ["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip(), reason="no CJK font installed here")
def test_a_cjk_font_is_installed_so_chinese_names_print():
    # .ci/run and the README install fonts-noto-cjk: 陈伟 must not print as boxes
    assert pdf.missing_glyphs("Wei Chen (陈伟) 李小龍 김민준 やまだ") == []


@needs_fontconfig
@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice is not installed")
def test_render_pdf_warns_naming_the_field_whose_text_prints_as_boxes(tmp_path):
    from typer.testing import CliRunner

    from drafting.cli import app
    from helpers import write_case

    case = write_case(tmp_path, f"""\
        date: 2026-11-28
        matter: {{id: "2026-0900", jurisdiction: CA}}
        client:
          name: "Ana {NO_FONT_HAS} Example"
          address: ["1 Main St", "Sacramento, CA 95814"]
        engagement:
          fee: {{type: flat, amount: 25000}}
        """)
    result = CliRunner().invoke(app, ["render", "engagement", str(case), "--out", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "2026-0900-engagement.pdf").exists()
    assert "U+13000" in result.output and "client.name" in result.output and "case.yaml:4:" in result.output
    assert "empty box" in result.output


@needs_fontconfig
@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice is not installed")
def test_batch_pdf_warns_too(tmp_path):
    from typer.testing import CliRunner

    from drafting.cli import app
    from helpers import write_case

    case = write_case(tmp_path, f"""\
        date: 2026-11-28
        matter: {{id: "2026-0901", jurisdiction: CA}}
        client: {{name: "Bo {NO_FONT_HAS}", address: ["1 Main St"]}}
        """)
    result = CliRunner().invoke(app, ["batch", "advisory", str(case), "--out", str(tmp_path / "out"), "--pdf",
                                      "--jobs", "1", "--draft"])
    assert result.exit_code == 0, result.output
    assert "U+13000" in result.output and "client.name" in result.output


GOOD_SOFFICE = """\
    for d in docs:
        (outdir / (d.stem + ".pdf")).write_bytes(b"%PDF-1.4 made from " + str(d.stat().st_mtime_ns).encode())
    """


def _case(tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "case"
    folder.mkdir()
    examples = Path(__file__).parent.parent / "examples"
    shutil.copy(examples / "firm.yaml", folder / "firm.yaml")
    shutil.copy(examples / "cases" / "ca-ortiz.yaml", folder / "ca-ortiz.yaml")
    return folder / "ca-ortiz.yaml"


@pytest.mark.parametrize("command", ["render", "batch"])
def test_an_existing_pdf_is_not_replaced_without_force(tmp_path, only_fake, command):
    """Issue 12.7: --pdf replaced an existing PDF unconditionally."""
    from typer.testing import CliRunner

    from drafting.cli import app

    fake_soffice(only_fake, GOOD_SOFFICE)
    case, out = _case(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "2026-0142-engagement.pdf").write_bytes(b"%PDF- the attorney's signed copy")
    result = CliRunner().invoke(app, [command, "engagement", str(case), "--out", str(out), "--pdf"])
    assert result.exit_code == 1
    assert f"{out / '2026-0142-engagement.pdf'}" in result.output and "already exists; not overwritten" in result.output
    assert (out / "2026-0142-engagement.pdf").read_bytes() == b"%PDF- the attorney's signed copy"
    assert not (out / "2026-0142-engagement.docx").exists()  # refused before anything was written


@pytest.mark.parametrize("command", ["render", "batch"])
def test_a_pdf_is_never_left_older_than_its_document(tmp_path, only_fake, command):
    """Issue 12.7: render --pdf, change the fee, render --force without --pdf: the .docx
    said one fee and the PDF another."""
    from typer.testing import CliRunner

    from drafting.cli import app

    fake_soffice(only_fake, GOOD_SOFFICE)
    case, out = _case(tmp_path), tmp_path / "out"
    args = [command, "engagement", str(case), "--out", str(out)]
    assert CliRunner().invoke(app, [*args, "--pdf"]).exit_code == 0
    assert (out / "2026-0142-engagement.pdf").exists()
    case.write_text(case.read_text().replace("amount: 25000", "amount: 30000"))
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert not (out / "2026-0142-engagement.pdf").exists()
    if command == "render":
        assert "removed" in result.output and "2026-0142-engagement.pdf" in result.output
    else:
        import json

        (entry,) = json.loads((out / "manifest.json").read_text())["cases"]
        assert entry["removed"] == [str(out / "2026-0142-engagement.pdf")]
    result = CliRunner().invoke(app, [*args, "--force", "--pdf"])
    assert result.exit_code == 0, result.output
    docx, made = out / "2026-0142-engagement.docx", (out / "2026-0142-engagement.pdf").read_bytes()
    assert made == b"%PDF-1.4 made from " + str(docx.stat().st_mtime_ns).encode()
