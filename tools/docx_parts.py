"""Shared pieces for the bundled letter templates (used by ``tools/build_templates.py``).

Everything a letter has in common lives here: the page set-up, the named styles, the
numbering definitions, the letterhead and the headers and footers (with real Word
fields), the opening parts (legend, date, inside address, Re: block), tables with a
repeating header row, the signature block and the ``cc:`` line.

Conventions of the docxtpl dialect, kept by every helper below:

* every Jinja tag is a run of its own (``{{ x }}``, ``{% if %}`` ...), added with its full
  text at once, so Word never sees a tag split across runs;
* ``{%p ... %}`` tags are alone in their own paragraph (:func:`tag`);
* ``{%tr ... %}`` tags are alone in their own table row, first cell (:func:`data_table`);
* formatting comes from named styles, never from direct run formatting.

Body text is written in a small markup understood by :func:`para`: ``**bold**`` (the
"Strong" character style), ``*italic*`` (the "Emphasis" style, for case names), ``\\n``
(a line break inside the paragraph) and ``\\t`` (a tab).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt

from drafting.docx_template import APP_XML  # the extended properties every letter carries

BODY_FONT = "Times New Roman"
BODY_SIZE = Pt(12)

# ECMA-376 order of the children of w:pPr, so that raw elements go in the right place.
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()

NUM_ITEM = 1  # w:numId of the "Numbered Item" list
NUM_BULLET = 2  # w:numId of the "Bullet Item" list


# ---------------------------------------------------------------------------------------
# Low-level XML helpers
# ---------------------------------------------------------------------------------------


def _insert_ppr_child(ppr, child) -> None:
    """Insert ``child`` into ``w:pPr`` at its schema position (replacing one of its kind)."""
    name = child.tag.split("}")[1]
    old = ppr.find(qn("w:" + name))
    if old is not None:
        ppr.replace(old, child)
        return
    later = _PPR_ORDER[_PPR_ORDER.index(name) + 1 :]
    for i, existing in enumerate(ppr):
        if existing.tag.split("}")[1] in later:
            ppr.insert(i, child)
            return
    ppr.append(child)


def _border(side: str, size: int = 6, space: int = 1) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="000000"/>'


def _fixed_widths(table, widths_in: list[float]) -> None:
    """Give a table a fixed layout and column widths (grid and every cell)."""
    tbl = table._tbl
    tblPr = tbl.tblPr
    total = sum(int(w * 1440) for w in widths_in)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(total))
    tblW.set(qn("w:type"), "dxa")
    table.autofit = False  # w:tblLayout w:type="fixed"
    for col, width in zip(table.columns, widths_in, strict=False):
        col.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_in, strict=False):
            cell.width = Inches(width)


def _mark_header_row(row) -> None:
    """Repeat ``row`` at the top of every page the table runs onto; never split it."""
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    trPr.append(OxmlElement("w:tblHeader"))


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex Word field (``PAGE``, ``NUMPAGES``): begin, instruction, result, end."""

    def fld_char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")


# ---------------------------------------------------------------------------------------
# Document, styles, numbering
# ---------------------------------------------------------------------------------------


def new_document(title: str):
    """A blank US Letter document with 1-inch margins and the house styles."""
    doc = Document()
    _drop_template_leftovers(doc)
    _define_styles(doc)
    _define_numbering(doc)

    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)
    section.different_first_page_header_footer = True

    props = doc.core_properties
    props.title = title
    props.author = "drafting"
    props.last_modified_by = "drafting"
    props.comments = ""
    props.subject = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = _dt.datetime(2026, 1, 1)

    # the body starts with one empty paragraph in python-docx's default template
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    return doc


def _drop_template_leftovers(doc) -> None:
    """Remove what python-docx's stock template carries but a letter template should not:
    the thumbnail, customXml, stylesWithEffects, rsids and 150 unused styles."""
    package = doc.part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rId)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
            doc.part.rels.pop(rId)
    settings = doc.settings.element
    for name in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        for el in settings.findall(qn(name)):
            settings.remove(el)
    # Word 2013 and later open a compatibility mode 14 document in Compatibility Mode
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    # East Asian text in these letters is mostly Chinese (clients' names): the theme's
    # Simplified Chinese font, not its Japanese one
    for el in settings.findall(qn("w:themeFontLang")):
        el.set(qn("w:eastAsia"), "zh-CN")

    styles = doc.styles.element
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
    for el in doc.element.body.iter():
        for attr in list(el.attrib):
            if "rsid" in attr:
                del el.attrib[attr]

    # document defaults: the body font, 12 pt, US English
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr_default.clear()
    rpr_default.append(
        parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" '
            f'w:eastAsiaTheme="minorEastAsia" w:cs="{BODY_FONT}"/><w:sz w:val="24"/>'
            '<w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
        )
    )
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    ppr_default.clear()
    ppr_default.append(
        parse_xml(f'<w:pPr {nsdecls("w")}><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>')
    )


def _paragraph_style(doc, name, *, base="Normal", next_style=None, size=None, bold=None,
                     italic=None, caps=None, small_caps=None, before=None, after=None,
                     align=None, left=None, right=None, hanging=None, keep_next=None,
                     keep_lines=None, contextual=False, borders=None, num_id=None, tabs=()):
    """Define (or redefine) a paragraph style. Sizes in points, indents in inches."""
    styles = doc.styles
    if name == "Normal":
        style = styles[name]
    else:
        builtin = name in ("Header", "Footer")  # Word's own names: "header", "footer"
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=builtin)
        if builtin:
            style.style_id = name
    if name != "Normal":
        style.base_style = styles[base]
        style.quick_style = True
    if next_style:
        style.next_paragraph_style = styles[next_style]
    font = style.font
    if size is not None:
        font.size = Pt(size)
    font.bold, font.italic, font.all_caps, font.small_caps = bold, italic, caps, small_caps
    pf = style.paragraph_format
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if align is not None:
        pf.alignment = align
    if left is not None:
        pf.left_indent = Inches(left)
    if right is not None:
        pf.right_indent = Inches(right)
    if hanging is not None:
        pf.first_line_indent = Inches(-hanging)
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if keep_lines is not None:
        pf.keep_together = keep_lines
    for position, leader in tabs:  # (inches, None | "underscore")
        pf.tab_stops.add_tab_stop(
            Inches(position), leader=WD_TAB_LEADER.LINES if leader else WD_TAB_LEADER.SPACES)
    ppr = style.element.get_or_add_pPr()
    if contextual:  # no space between consecutive paragraphs of this style
        _insert_ppr_child(ppr, OxmlElement("w:contextualSpacing"))
    if borders:
        _insert_ppr_child(ppr, parse_xml(f'<w:pBdr {nsdecls("w")}>{borders}</w:pBdr>'))
    if num_id is not None:
        _insert_ppr_child(
            ppr,
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'),
        )
    return style


def _character_style(doc, name, *, bold=None, italic=None, size=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER, builtin=name in ("Strong", "Emphasis"))
    style.base_style = doc.styles["Default Paragraph Font"]
    style.quick_style = True
    style.font.bold, style.font.italic = bold, italic
    if size is not None:
        style.font.size = Pt(size)
    return style


def _table_style(doc, name, *, header_fill: str | None = None):
    """A table style with thin black borders; the first row shaded and bold."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    style.quick_style = True
    cell_margins = (
        '<w:tblCellMar><w:top w:w="43" w:type="dxa"/><w:left w:w="86" w:type="dxa"/>'
        '<w:bottom w:w="43" w:type="dxa"/><w:right w:w="86" w:type="dxa"/></w:tblCellMar>'
    )
    lines = "".join(_border(side, 4, 0) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    style.element.append(
        parse_xml(f'<w:tblPr {nsdecls("w")}><w:tblBorders>{lines}</w:tblBorders>{cell_margins}</w:tblPr>')
    )
    if header_fill:
        style.element.append(
            parse_xml(
                f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
                f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{header_fill}"/></w:tcPr>'
                "</w:tblStylePr>"
            )
        )
    return style


def _define_styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    # East Asian text keeps the theme's East Asian font (Times New Roman has no CJK glyphs)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), BODY_FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(10)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.first_line_indent = Inches(0)
    pf.widow_control = True

    S = _paragraph_style
    center = WD_ALIGN_PARAGRAPH.CENTER
    # letterhead (first-page header)
    S(doc, "Letterhead Name", size=16, bold=True, small_caps=True, align=center, after=2)
    S(doc, "Letterhead Detail", size=10, align=center, after=0)
    S(doc, "Letterhead Contact", base="Letterhead Detail", after=0, borders=_border("bottom", 6, 4))
    # page furniture
    S(doc, "Header", size=10, after=0)
    S(doc, "Header Last", base="Header", after=18)
    S(doc, "Footer", size=10, after=0, align=center)
    S(doc, "Draft Banner", size=12, bold=True, caps=True, align=center, after=6)
    # opening parts
    S(doc, "Legend", bold=True, caps=True, after=12, keep_next=True)
    S(doc, "Date Line", after=12, keep_next=True)
    S(doc, "Delivery Line", after=12, keep_next=True)
    S(doc, "Inside Address", after=12, contextual=True, keep_next=True)
    S(doc, "Re Block", bold=True, left=0.5, hanging=0.5, after=12, contextual=True, keep_next=True)
    S(doc, "Salutation", after=10, keep_next=True)
    # body
    S(doc, "Section Heading", bold=True, before=8, after=6, keep_next=True, keep_lines=True, next_style="Normal")
    # a heading that starts a page of its own (a form meant to be detached)
    S(doc, "Page Heading", base="Section Heading", next_style="Normal").paragraph_format.page_break_before = True
    S(doc, "Item Title", bold=True, after=2, keep_next=True, next_style="Normal")
    S(doc, "Lead-in", keep_next=True)  # a paragraph that introduces a list or a table
    S(doc, "Final Paragraph", keep_next=True)  # the last body paragraph, kept with the closing
    S(doc, "Numbered Item", left=0.5, hanging=0.25, after=6, num_id=NUM_ITEM)
    S(doc, "Bullet Item", left=0.5, hanging=0.25, after=6, num_id=NUM_BULLET)
    S(doc, "Table Text", size=10.5, after=0)
    S(doc, "Table Text Keep", base="Table Text", keep_next=True)  # rows of a table kept on one page
    S(doc, "Table Heading", base="Table Text", bold=True, keep_next=True)
    S(doc, "Small Print", size=10, after=8)
    S(doc, "Table Gap", size=6, after=6)
    # one authority a line; the list is kept with the closing that follows it
    S(doc, "Authority", size=11, left=0.25, hanging=0.25, after=10, contextual=True, keep_next=True)
    # closing and signatures
    S(doc, "Closing", before=4, after=0, keep_next=True)
    S(doc, "Signature", after=0, keep_next=True)
    S(doc, "Signature Firm", base="Signature", caps=True)
    S(doc, "Signature Line", base="Signature", before=36, right=3.25, borders=_border("top", 6, 2))
    S(doc, "Signature Last", base="Signature", keep_next=False)
    S(doc, "Acknowledgement", after=10, keep_next=True)
    S(doc, "Acknowledgement Line", base="Signature", before=36, tabs=(
        (3.75, "underscore"), (4.25, None), (6.5, "underscore")))
    S(doc, "Acknowledgement Name", base="Signature", tabs=((4.25, None),))
    S(doc, "Copy Line", before=18, after=0)

    _character_style(doc, "Strong", bold=True)
    _character_style(doc, "Emphasis", italic=True)
    _character_style(doc, "Citation", size=10.5)

    _table_style(doc, "Letter Table", header_fill="E7E6E6")


def _define_numbering(doc) -> None:
    """Two lists: decimal ("1.") for "Numbered Item", a bullet for "Bullet Item"."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)

    def abstract(abstract_id, fmt, text, style_id, font=None):
        rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
        return parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:pStyle w:val="{style_id}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr>'
            f"{rpr}</w:lvl></w:abstractNum>"
        )

    numbering.append(abstract(0, "decimal", "%1.", "NumberedItem"))
    numbering.append(abstract(1, "bullet", "\u2022", "BulletItem", font=BODY_FONT))
    for num_id, abstract_id in ((NUM_ITEM, 0), (NUM_BULLET, 1)):
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
            )
        )


# ---------------------------------------------------------------------------------------
# Paragraphs and runs
# ---------------------------------------------------------------------------------------

_TOKENS = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\*\*|\*|\n)")


def _typography(text: str) -> str:
    """Typeset literal text as Word would: a typographic apostrophe, and a no-break space
    after a section sign so that "§ 1519" never breaks across lines. (Tag runs keep their
    straight quotes: Jinja needs them.)"""
    return text.replace("'", "\u2019").replace("\u00a7 ", "\u00a7\u00a0")


def add_runs(paragraph, text: str) -> None:
    """Add ``text`` to ``paragraph``: one run per Jinja tag, styles from the markup."""
    strong = emphasis = False
    for token in _TOKENS.split(text):
        if not token:
            continue
        if token == "**":
            strong = not strong
        elif token == "*":
            emphasis = not emphasis
        elif token == "\n":
            paragraph.add_run().add_break()
        else:
            if not token.startswith(("{{", "{%")):
                token = _typography(token)
            run = paragraph.add_run(token)
            if strong:
                run.style = "Strong"
            elif emphasis:
                run.style = "Emphasis"


def para(container, style: str, text: str = ""):
    """A paragraph in ``style`` holding ``text`` (see the module docstring for markup)."""
    p = container.add_paragraph(style=style)
    add_runs(p, text)
    return p


def tag(container, jinja: str):
    """A paragraph holding nothing but a ``{%p ... %}`` tag (docxtpl removes the paragraph)."""
    assert jinja.startswith("{%p ") and jinja.endswith(" %}"), jinja
    p = container.add_paragraph(style="Normal")
    p.add_run(jinja)
    return p


def cited(container, style: str, text: str, citation: str, *, optional: bool = False):
    """``text``, then the citation on its own line in the same paragraph ("Citation" style).
    With ``optional``, the citation (a Missing-able field) is guarded by ``{% if %}``."""
    p = para(container, style, text)
    if optional:
        p.add_run("{% if " + citation + " %}")
    p.add_run().add_break()
    p.add_run("{{ " + citation + " }}").style = "Citation"
    if optional:
        p.add_run("{% endif %}")
    return p


# ---------------------------------------------------------------------------------------
# Headers and footers
# ---------------------------------------------------------------------------------------


def letterhead_and_page_furniture(doc, addressee: str) -> None:
    """First page: the letterhead. Later pages: addressee and date. Every page: "Page X
    of Y" in the footer, the page's only number. ``addressee`` is a Jinja expression."""
    section = doc.sections[0]

    head = section.first_page_header
    p = head.paragraphs[0]
    p.style = "Letterhead Name"
    p.add_run("{{ firm.name }}")
    tag(head, "{%p for line in firm.address %}")
    para(head, "Letterhead Detail", "{{ line }}")
    tag(head, "{%p endfor %}")
    para(head, "Letterhead Contact",
         "Tel. {{ firm.phone }}  \u00b7  {{ firm.email }}{% if firm.website %}  \u00b7  {{ firm.website }}{% endif %}")

    later = section.header
    p = later.paragraphs[0]
    p.style = "Header"
    add_runs(p, "{{ " + addressee + " }}")
    para(later, "Header Last", "{{ letter_date|long_date }}")

    for header in (head, later):
        draft_banner(header)

    for footer in (section.first_page_footer, section.footer):
        p = footer.paragraphs[0]
        p.style = "Footer"
        p.add_run("Page ")
        add_field(p, "PAGE")
        p.add_run(" of ")
        add_field(p, "NUMPAGES")


def draft_banner(header) -> None:
    """``DRAFT — FOR ATTORNEY REVIEW`` at the top of a header, printed only in a draft
    (``render --draft``), so a draft can never pass for a finished letter."""
    first = header.paragraphs[0]
    for style, text in (("Normal", "{%p if draft %}"), ("Draft Banner", "DRAFT \u2014 FOR ATTORNEY REVIEW"),
                        ("Normal", "{%p endif %}")):
        p = first.insert_paragraph_before(style=style)
        p.add_run(text)


# ---------------------------------------------------------------------------------------
# Opening parts
# ---------------------------------------------------------------------------------------


def opening(doc, *, legend: str, recipient_lines, re_lines, salutation: str,
            delivery=None) -> None:
    """Legend, date, delivery line, inside address, Re: block and salutation.

    ``delivery``, ``recipient_lines`` and ``re_lines`` are lists of lines (see :func:`lines`).
    The first Re: line is prefixed with "Re:" and a tab; the others are indented to match.
    """
    para(doc, "Legend", legend)
    para(doc, "Date Line", "{{ letter_date|long_date }}")
    if delivery:
        lines(doc, "Delivery Line", delivery)
    lines(doc, "Inside Address", recipient_lines)
    lines(doc, "Re Block", re_lines, prefix="\t", first_prefix="Re:\t")
    para(doc, "Salutation", salutation)


def lines(doc, style, items, *, prefix="", first_prefix=None) -> None:
    """One paragraph in ``style`` per item. An item is text; or ``(guard, text)``: the line
    is wrapped in ``{%p if guard %}``, or is the body of ``{%p for ... %}`` when the guard
    starts with "for "; or ``(guard, text, otherwise)``: ``{%p if %}`` ... ``{%p else %}``."""
    for n, item in enumerate(items):
        lead = first_prefix if n == 0 and first_prefix is not None else prefix
        if isinstance(item, str):
            para(doc, style, lead + item)
            continue
        guard, text, *otherwise = item
        if guard.startswith("for "):
            tag(doc, "{%p " + guard + " %}")
            para(doc, style, lead + text)
            tag(doc, "{%p endfor %}")
            continue
        tag(doc, "{%p if " + guard + " %}")
        para(doc, style, lead + text)
        for alternative in otherwise:
            tag(doc, "{%p else %}")
            para(doc, style, lead + alternative)
        tag(doc, "{%p endif %}")


def heading(doc, text: str):
    return para(doc, "Section Heading", text)


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


def data_table(doc, columns, loop: str, cells, *, keep_together: bool = False, rows_may_split: bool = False):
    """A bordered table: a header row that repeats on every page, then one row per item.

    ``columns``: ``[(heading, width_in_inches), ...]``; ``loop``: the ``for`` clause
    (``"charge in charges"``); ``cells``: the text of each cell of the repeated row.
    Rows: header, ``{%tr for ... %}``, the repeated row, ``{%tr endfor %}``.
    ``keep_together`` keeps a short table on one page ("Table Text Keep" style). A row is
    never split across pages unless ``rows_may_split``: a row whose cells can run to half a
    page (the advisory's charges) would otherwise leave the page before it half empty.
    """
    text_style = "Table Text Keep" if keep_together else "Table Text"
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles["Letter Table"]
    header, start, body, end = table.rows
    for cell, (title, _) in zip(header.cells, columns, strict=False):
        cell.paragraphs[0].style = "Table Heading"
        add_runs(cell.paragraphs[0], title)
    _mark_header_row(header)
    for row, text in ((start, "{%tr for " + loop + " %}"), (end, "{%tr endfor %}")):
        for cell in row.cells:
            cell.paragraphs[0].style = "Table Text"
        row.cells[0].paragraphs[0].add_run(text)
    for cell, text in zip(body.cells, cells, strict=False):
        cell.paragraphs[0].style = text_style
        add_runs(cell.paragraphs[0], text)
    if not rows_may_split:
        _cant_split(body)
    _fixed_widths(table, [w for _, w in columns])
    return table


def table_gap(doc):
    """A small empty paragraph after a table (a table has no "space after" of its own)."""
    return doc.add_paragraph(style="Table Gap")


# ---------------------------------------------------------------------------------------
# Closing parts
# ---------------------------------------------------------------------------------------


def signature_block(doc, closing: str, *, keep_with_next: bool = True) -> None:
    """Closing, firm name, signature space and the attorney's name, title, bar, phone (if
    any) and email. The block is kept on one page, and with the next paragraph (the
    ``cc:`` line) unless ``keep_with_next`` is false."""
    para(doc, "Closing", closing)
    para(doc, "Signature Firm", "{{ firm.name }}")
    para(doc, "Signature Line", "{{ attorney.name }}")
    para(doc, "Signature", "{{ attorney.title }}")
    para(doc, "Signature", "{{ attorney.bar }}")
    tag(doc, "{%p if attorney.phone %}")
    para(doc, "Signature", "{{ attorney.phone }}")
    tag(doc, "{%p endif %}")
    para(doc, "Signature" if keep_with_next else "Signature Last", "{{ attorney.email }}")


def acknowledgement(doc, statement: str, signer: str) -> None:
    """The client's acceptance: a statement, then lines for signature and date, with the
    printed name under the signature line (tab leaders draw the lines)."""
    heading(doc, "Acknowledgement and agreement")
    para(doc, "Acknowledgement", statement)
    para(doc, "Acknowledgement Line", "\t\t\t")
    para(doc, "Acknowledgement Name", signer + "\tDate")


def copy_line(doc, text: str = "cc:\tClient file") -> None:
    para(doc, "Copy Line", text)


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def save(doc, path: Path) -> None:
    """Save with fixed zip entry times, so rebuilding an unchanged template changes no byte."""
    raw = io.BytesIO()
    doc.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = APP_XML  # python-docx's says "Microsoft Macintosh Word", 1 page, 0 words
            dst.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)
