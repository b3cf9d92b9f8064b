"""Reading a .docx as a reader sees it: styles, formatting, tables, fields, headers; unsafe input refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from drafting import ooxml
from drafting.docxtext import Paragraph, Table, read_document, to_lines, to_text
from drafting.errors import TemplateError


def add_complex_field(paragraph, instr: str, cached: str) -> None:
    """PAGE-style field as Word writes it: begin, instrText, separate, cached result, end."""
    def fld(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(el)

    fld("begin")
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    paragraph.add_run()._r.append(instr_el)
    fld("separate")
    paragraph.add_run(cached)
    fld("end")


def add_simple_field(paragraph, instr: str, cached: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = cached
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def replace_part(src: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info.filename))
    return out.getvalue()


def letter(document) -> None:
    document.add_heading("Scope of representation", 1)
    p = document.add_paragraph("We will represent ")
    p.add_run("Daniel R. Ortiz").bold = True
    p.add_run(" in the ")
    p.add_run("investigation").italic = True
    p.add_run(" only.")


def test_styles_resolve_to_their_display_names(make_docx):
    def build(d):
        letter(d)
        d.styles.add_style("Letter Body", WD_STYLE_TYPE.PARAGRAPH)
        d.add_paragraph("Fee terms follow.", style="Letter Body")
        d.add_paragraph("first", style="List Number")
        d.add_paragraph("second", style="List Number")

    lines = to_lines(read_document(make_docx("styles", build)))
    assert lines == [
        "[Heading 1] Scope of representation",
        "We will represent Daniel R. Ortiz in the investigation only.",
        "[Letter Body] Fee terms follow.",
        "[List Number] 1. first",
        "[List Number] 2. second",
    ]


def test_formatting_marks_runs_and_merges_invisible_run_splits(make_docx):
    def build(d):
        p = d.add_paragraph("Fee: ")
        for piece in ("$25,", "000", ".00"):  # one visible bold span split in three runs
            p.add_run(piece).bold = True
        p.add_run(" payable ")
        under = p.add_run("before")
        under.underline = True
        p.add_run(" ")
        both = p.add_run("signing")
        both.bold = both.italic = True

    doc = read_document(make_docx("fmt", build))
    assert [r.text for r in doc.body[0].runs] == ["Fee: ", "$25,000.00", " payable ", "before", " ", "signing"]
    assert to_lines(doc, formatting=True) == ["Fee: **$25,000.00** payable __before__ ***signing***"]
    assert to_lines(doc) == ["Fee: $25,000.00 payable before signing"]


def test_bold_from_paragraph_and_character_styles(make_docx):
    def build(d):
        emphatic = d.styles.add_style("Emphatic", WD_STYLE_TYPE.PARAGRAPH)
        emphatic.base_style = d.styles["Normal"]
        emphatic.font.bold = True
        term = d.styles.add_style("Defined Term", WD_STYLE_TYPE.CHARACTER)
        term.font.underline = True
        d.add_paragraph("Notice", style="Emphatic")
        p = d.add_paragraph("the ")
        p.add_run("Client", style="Defined Term")
        inside = d.add_paragraph("plain ", style="Emphatic")
        inside.add_run("direct off").bold = False

    lines = to_lines(read_document(make_docx("styled", build)), formatting=True)
    assert lines == ["[Emphatic] **Notice**", "the __Client__", "[Emphatic] **plain** direct off"]


def test_hidden_text_is_not_read(make_docx):
    def build(d):
        p = d.add_paragraph("Visible")
        p.add_run(" secret").font.hidden = True

    assert to_lines(read_document(make_docx("hidden", build))) == ["Visible"]


def test_tabs_and_breaks_are_visible_in_lines(make_docx):
    def build(d):
        p = d.add_paragraph("Re:\tMatter 2026-0142")
        p.add_run().add_break()
        p.add_run("Second line")

    doc = read_document(make_docx("breaks", build))
    assert doc.body[0].text == "Re:\tMatter 2026-0142\nSecond line"
    assert to_lines(doc) == ["Re:\\tMatter 2026-0142\\nSecond line"]


def test_tables_are_rows_of_cells(make_docx):
    def build(d):
        table = d.add_table(rows=2, cols=2)
        for r, row in enumerate([("Item", "Amount"), ("Retainer", "$10,000 | due now")]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        table.cell(1, 0).add_paragraph("second paragraph")

    doc = read_document(make_docx("table", build))
    (table,) = doc.body
    assert isinstance(table, Table)
    assert [[c.paragraphs[0].text for c in row] for row in table.rows] == [
        ["Item", "Amount"], ["Retainer", "$10,000 | due now"]
    ]
    assert to_lines(doc) == [
        "| Item | Amount |",
        "| Retainer ¶ second paragraph | $10,000 \\| due now |",
    ]


def test_page_fields_become_placeholders(make_docx):
    def build(d):
        footer = d.sections[0].footer.paragraphs[0]
        footer.text = "Page "
        add_complex_field(footer, "PAGE", "7")
        footer.add_run(" of ")
        add_simple_field(footer, "NUMPAGES \\* MERGEFORMAT", "9")
        body = d.add_paragraph("See ")
        add_simple_field(body, "REF clause_4 \\h", "clause 4")  # not volatile: cached text is kept

    doc = read_document(make_docx("fields", build))
    assert list(doc.footers) == ["footer1.xml"]
    assert to_lines(doc) == ["See clause 4", "footer1: [Footer] Page {PAGE} of {NUMPAGES}"]


def test_headers_are_read_by_part(make_docx):
    def build(d):
        d.sections[0].header.paragraphs[0].text = "Harper & Vale LLP"
        d.add_paragraph("Body")

    doc = read_document(make_docx("header", build))
    assert list(doc.headers) == ["header1.xml"]
    assert isinstance(doc.headers["header1.xml"][0], Paragraph)
    assert to_lines(doc) == ["Body", "header1: [Header] Harper & Vale LLP"]


def test_to_text_preview(make_docx):
    def build(d):
        d.sections[0].header.paragraphs[0].text = "Harper & Vale LLP"
        letter(d)
        table = d.add_table(rows=2, cols=2)
        for r, row in enumerate([("Retainer", "$10,000"), ("Costs deposit for experts", "$5,000")]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text

    text = to_text(read_document(make_docx("preview", build)))
    lines = text.splitlines()
    assert lines[:4] == ["[header1]", "Harper & Vale LLP", "", "Scope of representation"]
    assert lines[4] == "=" * len("Scope of representation")
    assert "We will represent Daniel R. Ortiz in the investigation only." in lines
    rows = [ln for ln in lines if ln.startswith(("Retainer", "Costs"))]
    assert [r.index("$") for r in rows] == [len("Costs deposit for experts") + 2] * 2
    assert "**" not in text


def test_to_text_wraps_to_width(make_docx):
    def build(d):
        d.add_paragraph("word " * 40)

    lines = to_text(read_document(make_docx("wrap", build)), width=30).splitlines()
    assert len(lines) > 5 and max(len(ln) for ln in lines) <= 30


def test_reads_bytes_as_well_as_paths(make_docx):
    path = make_docx("bytes", letter)
    assert to_lines(read_document(path.read_bytes())) == to_lines(read_document(path))


# ---------------------------------------------------------------- unsafe or broken input


def test_not_a_zip_is_refused(tmp_path):
    bad = tmp_path / "letter.docx"
    bad.write_text("this is not a Word document")
    with pytest.raises(TemplateError, match=r"not a \.docx \(zip\) file") as info:
        read_document(bad)
    assert info.value.file == str(bad)


def test_missing_file_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match="cannot be read"):
        read_document(tmp_path / "nope.docx")


def test_zip_without_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError, match="not a Word document"):
        read_document(out.getvalue())


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_doctype_entities_are_refused(make_docx, doctype):
    src = make_docx("entity", letter).read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        xml = zf.read("word/document.xml")
    head, sep, rest = xml.partition(b"?>")
    evil = replace_part(src, "word/document.xml", head + sep + doctype + rest.replace(b"Daniel", b"&b;", 1))
    with pytest.raises(TemplateError, match="DOCTYPE or ENTITY"):
        read_document(evil)


def test_doctype_in_utf16_part_is_refused():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>'
    with pytest.raises(TemplateError, match="DOCTYPE"):
        ooxml.parse_part(xml.encode("utf-16"), name="word/document.xml", file="x.docx")


def test_malformed_xml_is_a_template_error(make_docx):
    src = make_docx("broken", letter).read_bytes()
    with pytest.raises(TemplateError, match="word/document.xml is not well-formed"):
        read_document(replace_part(src, "word/document.xml", b"<w:document><unclosed>"))


def test_highly_compressed_part_is_refused(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (11 * 1024 * 1024))
    with pytest.raises(TemplateError, match="zip bomb"):
        read_document(bomb)


def test_total_uncompressed_size_is_limited(make_docx, monkeypatch):
    path = make_docx("big", letter)
    monkeypatch.setattr(ooxml, "MAX_TOTAL_UNCOMPRESSED", 10_000)
    with pytest.raises(TemplateError, match="unpack to more than"):
        read_document(path)
