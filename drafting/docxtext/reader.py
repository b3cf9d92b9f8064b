"""Reading a .docx into the ``model`` with lxml straight from the zip parts: styles and
their inheritance, list numbering, fields (layout- and time-dependent ones become
placeholders), hidden text, runs merged where a reader sees no boundary."""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from .. import ooxml
from ..ooxml import Source, w
from .model import Block, Cell, Document, Paragraph, Run, Table
from .styles import _Numbering, _ppr_props, _rpr_props, _Styles  # noqa: F401

VOLATILE_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE",
    "SAVEDATE", "PRINTDATE", "EDITTIME", "NUMWORDS", "NUMCHARS", "FILESIZE", "FILENAME",
})
class _Field:
    __slots__ = ("instr", "phase", "emitted")

    def __init__(self) -> None:
        self.instr: list[str] = []
        self.phase = "instr"
        self.emitted = False

    @property
    def name(self) -> str:
        words = "".join(self.instr).split()
        return words[0].upper() if words else ""

    @property
    def volatile(self) -> bool:
        return self.name in VOLATILE_FIELDS


def _hidden_by(stack: list[_Field]) -> bool:
    # Instruction text is never shown; the cached result of a volatile field is replaced.
    return any(f.phase == "instr" or f.volatile for f in stack)


_WRAPPERS = frozenset(w(t) for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "dir", "bdo"))
_TEXT = {w("tab"): "\t", w("ptab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def blocks(self, container: etree._Element) -> list[Block]:
        out: list[Block] = []
        spacing: list[tuple[int, int, bool]] = []
        for child in _children(container, (w("p"), w("tbl"))):
            if child.tag == w("p"):
                para, before, after, contextual = self.paragraph(child)
                out.append(para)
                spacing.append((before, after, contextual))
            else:
                out.append(Table([[Cell(self.blocks(tc)) for tc in _children(tr, (w("tc"),))]
                                  for tr in _children(child, (w("tr"),))]))
                spacing.append((0, 0, False))
        for i, block in enumerate(out[:-1]):
            nxt = out[i + 1]
            if isinstance(block, Paragraph) and isinstance(nxt, Paragraph):
                same = block.style == nxt.style
                after = 0 if same and spacing[i][2] else spacing[i][1]
                before = 0 if same and spacing[i + 1][2] else spacing[i + 1][0]
                block.gap_after = after > 0 or before > 0
        return out

    def paragraph(self, p: etree._Element) -> tuple[Paragraph, int, int, bool]:
        ppr = p.find(w("pPr"))
        style_el = ppr.find(w("pStyle")) if ppr is not None else None
        sid = style_el.get(w("val")) if style_el is not None else None
        if sid not in self.styles.names:
            sid = self.styles.default_para
        props = self.styles.paragraph_props(sid, _ppr_props(ppr))
        label, level = "", 0
        if props.get("numId", "0") != "0":
            level = props.get("ilvl", 0)
            label = self.numbering.label(props["numId"], level)
        runs: list[Run] = []
        self._walk(p, sid, runs, [])
        para = Paragraph(self.styles.name(sid), _merge(runs), label, level)
        return para, props.get("before", 0), props.get("after", 0), props.get("contextual", False)

    def _walk(self, el: etree._Element, sid: str | None, out: list[Run], stack: list[_Field]) -> None:
        for child in el:
            tag = child.tag
            if tag == w("r"):
                self._run(child, sid, out, stack)
            elif tag in _WRAPPERS:
                self._walk(child, sid, out, stack)
            elif tag == w("sdt"):
                if (content := child.find(w("sdtContent"))) is not None:
                    self._walk(content, sid, out, stack)
            elif tag == w("fldSimple"):
                f = _Field()
                f.instr.append(child.get(w("instr"), ""))
                if _hidden_by(stack):
                    continue
                if f.volatile:
                    first = child.find(f".//{w('r')}")
                    fmt = self._format(first, sid) if first is not None else self._format(None, sid)
                    out.append(Run("{%s}" % f.name, *fmt[:3]))
                else:
                    self._walk(child, sid, out, stack)

    def _format(self, r: etree._Element | None, sid: str | None) -> tuple[bool, bool, bool, bool]:
        rpr = r.find(w("rPr")) if r is not None else None
        rstyle = rpr.find(w("rStyle")) if rpr is not None else None
        rsid = rstyle.get(w("val")) if rstyle is not None else None
        return self.styles.run_format(sid, rsid, _rpr_props(rpr))

    def _run(self, r: etree._Element, sid: str | None, out: list[Run], stack: list[_Field]) -> None:
        bold, italic, underline, hidden = self._format(r, sid)

        def emit(text: str) -> None:
            if text and not hidden:
                out.append(Run(text, bold, italic, underline))

        for child in r:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    stack.append(_Field())
                elif kind == "separate" and stack:
                    f = stack[-1]
                    f.phase = "result"
                    if f.volatile and not _hidden_by(stack[:-1]):
                        emit("{%s}" % f.name)
                        f.emitted = True
                elif kind == "end" and stack:
                    f = stack.pop()
                    # A field without a cached result has no "separate"; show it anyway.
                    if f.volatile and not f.emitted and not _hidden_by(stack):
                        emit("{%s}" % f.name)
            elif tag == w("instrText"):
                if stack and stack[-1].phase == "instr":
                    stack[-1].instr.append(child.text or "")
            elif _hidden_by(stack):
                continue
            elif tag == w("t"):
                emit(child.text or "")
            elif tag == w("br"):
                emit("\f" if child.get(w("type")) == "page" else "\n")
            elif tag in _TEXT:
                emit(_TEXT[tag])
            elif tag == w("sym"):
                try:
                    emit(chr(int(child.get(w("char"), ""), 16)))
                except ValueError:
                    pass


def _children(el: etree._Element, tags: tuple[str, ...]):
    """Children with one of ``tags``, looking through content controls and custom XML."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, tags)
        elif child.tag == w("customXml"):
            yield from _children(child, tags)


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].underline) == (
            run.bold, run.italic, run.underline
        ):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic, run.underline)
        else:
            merged.append(run)
    return merged


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def read_document(src: Source) -> Document:
    """Read a .docx (path, bytes or binary file) into its reader-level model."""
    file = ooxml.source_name(src)
    with ooxml.open_docx_zip(src, what=file) as zf:
        names = set(zf.namelist())

        def parse(name: str) -> etree._Element:
            return ooxml.parse_part(ooxml.read_part(zf, name, file=file), name=name, file=file)

        main = ooxml.main_document_name(zf, file=file)
        rels = ooxml.relationships(zf, main, file=file)

        def related(rtype: str) -> etree._Element | None:
            targets = [t for _, rt, t in rels if rt == rtype and t in names]
            return parse(targets[0]) if targets else None

        styles = _Styles(related(ooxml.REL_STYLES))
        numbering_root = related(ooxml.REL_NUMBERING)
        root = parse(main)
        body = root.find(w("body"))
        doc = Document(default_style=styles.name(styles.default_para))
        doc.body = _Reader(styles, _Numbering(numbering_root)).blocks(body) if body is not None else []
        for rtype, into in ((ooxml.REL_HEADER, doc.headers), (ooxml.REL_FOOTER, doc.footers)):
            targets = sorted({t for _, rt, t in rels if rt == rtype and t in names}, key=_natural)
            for target in targets:
                # Each header/footer numbers its lists on its own.
                reader = _Reader(styles, _Numbering(numbering_root))
                into[posixpath.basename(target)] = reader.blocks(parse(target))
        doc.roles = _roles(root, rels)
        return doc


_ROLE_NAMES = {"first": "first page", "default": "other pages", "even": "even pages"}


def _roles(root: etree._Element, rels) -> dict[str, str]:
    """Each header and footer part's role (first page, other pages, even pages), by the
    section properties that refer to it; a section number where there are several."""
    targets = {rid: posixpath.basename(t).removesuffix(".xml") for rid, _, t in rels}
    sections = list(root.iter(w("sectPr")))
    roles: dict[str, list[str]] = {}
    for n, sect in enumerate(sections, 1):
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                stem = targets.get(ref.get(f"{{{ooxml.R_NS}}}id", ""))
                if stem is None:
                    continue
                role = _ROLE_NAMES.get(ref.get(w("type"), "default"), ref.get(w("type"), "default"))
                where = f", section {n}" if len(sections) > 1 else ""
                roles.setdefault(stem, []).append(f"{kind} ({role}{where})")
    return {stem: " and ".join(names) for stem, names in roles.items()}
