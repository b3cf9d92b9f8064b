"""Comparing documents: readable paragraph diffs, and part-by-part canonical comparison for golden tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import check_golden

from drafting.docxdiff import canonical_parts, compare_parts, diff_documents


def engagement(document, *, fee="payable in advance", bold_client=False, retainer="$10,000",
               firm="Harper & Vale LLP") -> None:
    document.sections[0].header.paragraphs[0].text = firm
    document.add_heading("Fees", 1)
    p = document.add_paragraph("We represent ")
    p.add_run("Daniel R. Ortiz").bold = bold_client
    p.add_run(".")
    document.add_paragraph(f"The fee is {fee}.")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Item", "Amount"), ("Retainer", retainer)]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("Sincerely,")


def rezip(src: bytes, *, reverse: bool = False, date=(2001, 2, 3, 4, 5, 6), level: int = 9,
          edit=None) -> bytes:
    """Same parts, written in another order, with other timestamps and compression; ``edit`` changes parts."""
    with zipfile.ZipFile(io.BytesIO(src)) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    if reverse:
        parts.reverse()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, edit(name, data) if edit else data, compresslevel=level)
    return out.getvalue()


def test_identical_documents_have_no_diff(make_docx):
    a = make_docx("a", engagement)
    b = make_docx("b", engagement)
    assert diff_documents(a, b, a_label="a.docx", b_label="b.docx") == []
    assert compare_parts(canonical_parts(a), canonical_parts(b)) == []


def test_changed_word_shows_old_and_new_paragraph(make_docx):
    a = make_docx("a", engagement)
    b = make_docx("b", lambda d: engagement(d, fee="payable monthly"))
    diff = diff_documents(a, b, a_label="a.docx", b_label="b.docx")
    assert diff[:2] == ["--- a.docx (body)", "+++ b.docx (body)"]
    assert "-The fee is payable in advance." in diff
    assert "+The fee is payable monthly." in diff
    assert not any(line.startswith(("-We", "+We", "-| ", "+| ")) for line in diff)  # unchanged lines are context
    assert "word/document.xml (differs)" in compare_parts(canonical_parts(b), canonical_parts(a))


def test_bold_toggled_shows_in_diff(make_docx):
    a = make_docx("a", engagement)
    b = make_docx("b", lambda d: engagement(d, bold_client=True))
    diff = diff_documents(a, b, a_label="a", b_label="b")
    assert "-We represent Daniel R. Ortiz." in diff
    assert "+We represent **Daniel R. Ortiz**." in diff


def test_table_cell_change_shows_the_row(make_docx):
    a = make_docx("a", engagement)
    b = make_docx("b", lambda d: engagement(d, retainer="$12,000"))
    diff = diff_documents(a, b, a_label="a", b_label="b")
    assert "-| Retainer | $10,000 |" in diff
    assert "+| Retainer | $12,000 |" in diff


def test_header_change_is_reported_under_its_part(make_docx):
    a = make_docx("a", engagement)
    b = make_docx("b", lambda d: engagement(d, firm="Harper, Vale & Kim LLP"))
    diff = diff_documents(a, b, a_label="a", b_label="b")
    assert diff[:2] == ["--- a (header1, header (other pages))", "+++ b (header1, header (other pages))"]
    assert "-[Header] Harper & Vale LLP" in diff
    assert "+[Header] Harper, Vale & Kim LLP" in diff
    assert not any("(body)" in line for line in diff)


def test_run_splits_alone_are_not_a_difference(make_docx):
    def split(d):
        p = d.add_paragraph("The fee ")
        p.add_run("is ")
        p.add_run("due.")

    a = make_docx("a", lambda d: d.add_paragraph("The fee is due."))
    b = make_docx("b", split)
    assert diff_documents(a, b) == []
    assert compare_parts(a, b) == ["word/document.xml (differs)"]


def test_canonical_parts_ignore_zip_order_times_and_compression(make_docx):
    src = make_docx("a", engagement).read_bytes()
    other = rezip(src, reverse=True, date=(2030, 1, 1, 0, 0, 0), level=1)
    assert other != src
    assert compare_parts(canonical_parts(other), canonical_parts(src)) == []


def test_canonical_parts_ignore_indentation_between_elements(make_docx):
    src = make_docx("a", engagement).read_bytes()

    def indent(name, data):
        if name != "word/document.xml":
            return data
        return data.replace(b"><w:p>", b">\n    <w:p>").replace(b"</w:p>", b"</w:p>\n  ")

    pretty = rezip(src, edit=indent)
    assert b"\n    <w:p>" in zipfile.ZipFile(io.BytesIO(pretty)).read("word/document.xml")
    assert compare_parts(pretty, src) == []


@pytest.mark.parametrize("old,new", [
    (b">The fee is payable in advance.<", b">The fee is payable  in advance.<"),  # doubled space
    (b"<w:t>Fees</w:t>", b'<w:t xml:space="preserve">Fees </w:t>'),                 # trailing space
])
def test_canonical_parts_keep_text_whitespace(make_docx, old, new):
    src = make_docx("a", engagement).read_bytes()

    def edit(name, data):
        if name == "word/document.xml":
            assert old in data
            return data.replace(old, new)
        return data

    assert compare_parts(rezip(src, edit=edit), src) == ["word/document.xml (differs)"]


def test_compare_parts_names_added_and_removed_parts(make_docx):
    src = make_docx("a", engagement).read_bytes()
    parts = canonical_parts(src)
    actual = {**parts, "word/media/image1.png": b"\x89PNG"}
    del actual["docProps/app.xml"]
    assert compare_parts(actual, parts) == [
        "docProps/app.xml (only in expected)",
        "word/media/image1.png (only in actual)",
    ]
    assert parts["word/document.xml"].startswith(b"<w:document")  # C14N: no XML declaration


# ---------------------------------------------------------------- the golden fixture's helper


def test_golden_missing_fails_and_tells_how_to_create(tmp_path, make_docx):
    doc = make_docx("a", engagement)
    with pytest.raises(pytest.fail.Exception, match=r"pytest --update-golden"):
        check_golden("letter", doc, update=False, golden_dir=tmp_path / "g", actual_dir=tmp_path / "x")
    assert not (tmp_path / "g").exists()


def test_golden_update_writes_then_matches(tmp_path, make_docx):
    doc = make_docx("a", engagement)
    dirs = {"golden_dir": tmp_path / "g", "actual_dir": tmp_path / "x"}
    check_golden("letter", doc, update=True, **dirs)
    assert (tmp_path / "g" / "letter.docx").read_bytes() == doc.read_bytes()
    check_golden("letter", rezip(doc.read_bytes(), reverse=True), update=False, **dirs)
    assert not (tmp_path / "x" / "letter.docx").exists()


def test_golden_mismatch_saves_actual_and_shows_text_diff(tmp_path, make_docx):
    dirs = {"golden_dir": tmp_path / "g", "actual_dir": tmp_path / "x"}
    check_golden("letter", make_docx("a", engagement), update=True, **dirs)
    changed = make_docx("b", lambda d: engagement(d, fee="payable monthly"))
    with pytest.raises(pytest.fail.Exception) as info:
        check_golden("letter", changed, update=False, **dirs)
    message = str(info.value)
    assert "word/document.xml (differs)" in message
    assert "-The fee is payable in advance." in message
    assert "+The fee is payable monthly." in message
    assert (tmp_path / "x" / "letter.docx").read_bytes() == changed.read_bytes()


def test_golden_mismatch_without_text_change_shows_xml(tmp_path, make_docx):
    dirs = {"golden_dir": tmp_path / "g", "actual_dir": tmp_path / "x"}
    check_golden("letter", make_docx("a", lambda d: d.add_paragraph("Due.")), update=True, **dirs)
    centred = make_docx("b", lambda d: setattr(d.add_paragraph("Due."), "alignment", 1))
    with pytest.raises(pytest.fail.Exception, match=r'(?s)XML differs.*\+.*<w:jc w:val="center"/>'):
        check_golden("letter", centred, update=False, **dirs)


def test_golden_name_cannot_escape_the_folder(tmp_path, make_docx):
    with pytest.raises(ValueError):
        check_golden("../evil", make_docx("a", engagement), update=True, golden_dir=tmp_path / "g")


def _renumber_headers(data: bytes) -> bytes:
    """The same letter with header1/header2 and footer1/footer2 swapped, as a word
    processor that re-saves it may number them."""
    swap = {b"header1.xml": b"header2.xml", b"header2.xml": b"header1.xml",
            b"footer1.xml": b"footer2.xml", b"footer2.xml": b"footer1.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            name = info.filename
            for old, new in swap.items():
                if name == "word/" + old.decode():
                    name = "word/" + new.decode()
                    break
            if info.filename in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                for old in swap:
                    body = body.replace(old, old.replace(b".xml", b".tmp"))
                for old, new in swap.items():
                    body = body.replace(old.replace(b".xml", b".tmp"), new)
            zout.writestr(name, body)
    return out.getvalue()


def test_headers_and_footers_are_compared_by_role_not_part_name():
    from pathlib import Path

    from drafting.docxtext import read_document
    from drafting.render import Renderer

    case = Path(__file__).parent.parent / "examples" / "cases" / "ca-ortiz.yaml"
    (doc,) = Renderer().documents("engagement", case, out_dir=Path("unused"))
    renumbered = _renumber_headers(doc.data)
    assert read_document(renumbered).headers["header1.xml"] != read_document(doc.data).headers["header1.xml"]
    assert diff_documents(doc.data, renumbered) == []
    roles = read_document(doc.data).roles
    assert sorted(roles.values()) == ["footer (first page)", "footer (other pages)",
                                      "header (first page)", "header (other pages)"]
    # a real change in the letterhead is still reported, under its role
    with zipfile.ZipFile(io.BytesIO(renumbered)) as z:
        first = next(n for n in z.namelist() if n.startswith("word/header") and b"LetterheadName" in z.read(n))
    edited = rezip(renumbered, edit=lambda name, xml: xml.replace(b"Harper &amp; Vale LLP", b"Harper LLP")
                   if name == first else xml)
    lines = diff_documents(doc.data, edited)
    assert any("header (first page))" in line for line in lines)
    assert any(line.startswith("+") and "Harper LLP" in line for line in lines)


def test_a_letter_resaved_by_libreoffice_keeps_its_letterhead_in_the_diff(tmp_path):
    """LibreOffice renumbers the header and footer parts when it saves: the diff must not
    report the letterhead removed and re-added."""
    import subprocess
    from pathlib import Path

    from drafting.pdf import find_soffice
    from drafting.render import Renderer

    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    case = Path(__file__).parent.parent / "examples" / "cases" / "ca-ortiz.yaml"
    (doc,) = Renderer().documents("engagement", case, out_dir=tmp_path)
    original = tmp_path / "letter.docx"
    original.write_bytes(doc.data)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"),
                    str(original)], check=True, capture_output=True, timeout=180)
    lines = diff_documents(original, tmp_path / "saved" / "letter.docx")
    labels = [line for line in lines if line.startswith(("---", "+++"))]
    assert not any("header" in line or "footer" in line for line in labels), "\n".join(lines[:40])


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_diff_of_a_pipe_or_device_is_refused_not_waited_on(tmp_path, special):
    """A FIFO as a diff argument hung; /dev/zero was a MemoryError."""
    import os

    from typer.testing import CliRunner

    from drafting.cli import app

    if special == "fifo":
        path = tmp_path / "a.docx"
        os.mkfifo(path)
    else:
        path = Path(special)
    result = CliRunner().invoke(app, ["diff", str(path), str(path)])
    assert result.exit_code in (1, 2), result.output
    assert "not a regular file" in result.output and "Traceback" not in result.output
