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

VOLATILE_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE",
    "SAVEDATE", "PRINTDATE", "EDITTIME", "NUMWORDS", "NUMCHARS", "FILESIZE", "FILENAME",
})
_BUILTIN_LOWER = re.compile(
    r"(heading|toc|index) [1-9]|caption|header|footer|footnote text|endnote text|title|subtitle|normal"
)


def _on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(w("val"), "true").lower() not in ("0", "false", "off", "none")


def _rpr_props(rpr: etree._Element | None) -> dict[str, bool]:
    props: dict[str, bool] = {}
    if rpr is None:
        return props
    for key, tag in (("b", "b"), ("i", "i"), ("hidden", "vanish")):
        value = _on(rpr.find(w(tag)))
        if value is not None:
            props[key] = value
    u = rpr.find(w("u"))
    if u is not None:
        props["u"] = u.get(w("val"), "single") != "none"
    return props


def _twips(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def _ppr_props(ppr: etree._Element | None) -> dict:
    props: dict = {}
    if ppr is None:
        return props
    sp = ppr.find(w("spacing"))
    if sp is not None:
        for key in ("before", "after"):
            if sp.get(w(key)) is not None or sp.get(w(key + "Autospacing")) is not None:
                auto = _on_attr(sp.get(w(key + "Autospacing")))
                props[key] = 1 if auto else _twips(sp.get(w(key)))
    if (cs := _on(ppr.find(w("contextualSpacing")))) is not None:
        props["contextual"] = cs
    num = ppr.find(w("numPr"))
    if num is not None:
        if (el := num.find(w("numId"))) is not None:
            props["numId"] = el.get(w("val"), "0")
        if (el := num.find(w("ilvl"))) is not None:
            props["ilvl"] = _twips(el.get(w("val")))
    return props


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in ("0", "false", "off")


def _display_style_name(name: str) -> str:
    # Word stores some built-in names in lower case ("heading 1") but shows them capitalised.
    if _BUILTIN_LOWER.fullmatch(name):
        return "TOC" + name[3:] if name.startswith("toc") else name.title()
    return name


class _Styles:
    """styles.xml: names, basedOn chains, and the run/paragraph properties each style sets."""

    def __init__(self, root: etree._Element | None) -> None:
        self.names: dict[str, str] = {}
        self.based: dict[str, str] = {}
        self.rpr: dict[str, dict] = {}
        self.ppr: dict[str, dict] = {}
        self.default_para: str | None = None
        self.default_rpr: dict = {}
        self.default_ppr: dict = {}
        self._cache: dict = {}
        if root is None:
            return
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.default_rpr = _rpr_props(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"))
            self.default_ppr = _ppr_props(defaults.find(f"{w('pPrDefault')}/{w('pPr')}"))
        for st in root.iter(w("style")):
            sid = st.get(w("styleId"))
            if sid is None:
                continue
            name = st.find(w("name"))
            self.names[sid] = _display_style_name(name.get(w("val"), sid) if name is not None else sid)
            if (based := st.find(w("basedOn"))) is not None:
                self.based[sid] = based.get(w("val"), "")
            self.rpr[sid] = _rpr_props(st.find(w("rPr")))
            self.ppr[sid] = _ppr_props(st.find(w("pPr")))
            if st.get(w("type")) == "paragraph" and _on_attr(st.get(w("default"))):
                self.default_para = sid

    def name(self, sid: str | None) -> str:
        return self.names.get(sid, sid) if sid else "Normal"

    def _chain_props(self, sid: str | None, table: dict[str, dict]) -> dict:
        key = (id(table), sid)
        if key not in self._cache:
            chain, seen = [], set()
            while sid and sid in self.names and sid not in seen:  # basedOn loops exist in the wild
                seen.add(sid)
                chain.append(sid)
                sid = self.based.get(sid)
            merged: dict = {}
            for s in reversed(chain):
                merged.update(table.get(s, {}))
            self._cache[key] = merged
        return self._cache[key]

    def paragraph_props(self, sid: str | None, direct: dict) -> dict:
        return {**self.default_ppr, **self._chain_props(sid, self.ppr), **direct}

    def run_format(self, psid: str | None, rsid: str | None, direct: dict) -> tuple[bool, bool, bool, bool]:
        """(bold, italic, underline, hidden) for a run."""
        pv = self._chain_props(psid, self.rpr)
        cv = self._chain_props(rsid, self.rpr)
        out = []
        for key in ("b", "i", "u", "hidden"):
            if key in direct:
                out.append(direct[key])
            elif key == "u":
                out.append(cv.get("u", pv.get("u", self.default_rpr.get("u", False))))
            elif key in pv or key in cv:
                # Toggle properties: a bold character style inside a bold paragraph style
                # turns bold off in Word (ECMA-376 17.7.3).
                out.append(pv.get(key, False) ^ cv.get(key, False))
            else:
                out.append(self.default_rpr.get(key, False))
        return out[0], out[1], out[2], out[3]


class _Numbering:
    """numbering.xml, and the counters that turn a numbered paragraph into "1." or "b)"."""

    def __init__(self, root: etree._Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counts: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract = {a.get(w("abstractNumId")): {_twips(lvl.get(w("ilvl"))): self._level(lvl)
                                                  for lvl in a.findall(w("lvl"))}
                    for a in root.iter(w("abstractNum"))}
        for num in root.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            levels = dict(abstract.get(ref.get(w("val")) if ref is not None else None, {}))
            for ov in num.iter(w("lvlOverride")):
                ilvl = _twips(ov.get(w("ilvl")))
                if (lvl := ov.find(w("lvl"))) is not None:
                    levels[ilvl] = self._level(lvl)
                if (start := ov.find(w("startOverride"))) is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _twips(start.get(w("val"))))
            self.levels[num.get(w("numId"))] = levels

    @staticmethod
    def _level(lvl: etree._Element) -> tuple[str, str, int]:
        """(numFmt, lvlText, start) of one w:lvl."""
        fmt = lvl.find(w("numFmt"))
        text = lvl.find(w("lvlText"))
        start = lvl.find(w("start"))
        return (
            fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
            text.get(w("val"), "") if text is not None else "",
            _twips(start.get(w("val"))) if start is not None else 1,
        )

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id, {})
        fmt, text, start = levels[ilvl]
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if fmt == "bullet":
            # Symbol/Wingdings bullets live in the private-use area; show a plain bullet.
            return text if text and ord(text[0]) < 0xE000 else "•"
        if fmt == "none":
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            kfmt, _, kstart = levels.get(k, ("decimal", "", 1))
            return _format_number(counts.get(k, kstart), kfmt)

        return re.sub(r"%([1-9])", number, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        s = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                               (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                s, n = s + numeral, n - value
        return s.upper() if fmt == "upperRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


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
