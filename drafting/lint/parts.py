"""Reading a .docx template for the linter: its templated parts, their paragraphs (a
finding's line is a paragraph number), and the Jinja source docxtpl would make of them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..docx_template import TEMPLATED_PART
from ..errors import DraftingError, TemplateError, located
from ..ooxml import open_docx_zip, parse_part, read_part, w

# The parts docx_template.compile_template runs through Jinja.
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
OPENER = re.compile(r"\{\{|\{%|\{#")
LEVEL = re.compile(r"^\{([{%#])-?(p|tr|tc|r)\s")
BLOCK = re.compile(r"^\{%-?(?:(p|tr|tc|r)\s+|\s*)(\w+)(.*?)-?%\}$", re.DOTALL)
OPENERS = {"for", "if", "with", "macro", "call", "filter", "block", "autoescape", "set"}
DOCXTPL_SPECIAL = {"vm", "hm", "colspan", "cellbg"}
CURLY = "“”‘’"
MARK = re.compile(r"<!--¶(\d+)-->")
_STARTS = re.compile(r"<w:(p|tr|tc)(?=[ >/])")
IGNORED_RPR = {w("lang"), w("noProof"), w("rPrChange"), w("specVanish"), w("webHidden")}
VISIBLE = {w("drawing"), w("pict"), w("object"), w("sym"), w("fldSimple"), w("instrText")}
LINT_DATE = dt.date(2026, 11, 28)
MAX_RETRIES = 25


@dataclass(frozen=True)
class Finding:
    """One problem: ``file:line:col field: message`` (the line of a template is a paragraph number)."""

    file: str | None
    line: int | None
    severity: str  # "error" | "warning"
    message: str
    col: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        return located(self.message, file=self.file, line=self.line, col=self.col, field=self.field)

    @classmethod
    def from_error(cls, exc: DraftingError, severity: str = "error") -> list[Finding]:
        """A ``DraftingError`` as findings (one per problem for ``ValidationErrors``); a problem
        with a whole file is put on its line 1, so every finding reads ``file:line:``."""
        from ..errors import DraftRequired

        if isinstance(exc, DraftRequired):
            head = cls(exc.file, 1, severity, f"the advisory would be a draft: {len(exc.gaps)} fact(s) it needs are "
                       "missing from the rule data or rest only on a secondary source (listed below); `render` "
                       "refuses it until they are confirmed in the firm's rules folder; `render --draft` marks them",
                       None, exc.field)
            return [head] + [cls(str(g.file), g.line, severity, g.describe(), None, None) for g in exc.gaps]
        errors = getattr(exc, "errors", None) or [exc]
        return [cls(e.file, e.line if e.line is not None or e.file is None else 1, severity, e.message,
                    e.col, e.field) for e in errors]


@dataclass
class Paragraph:
    number: int
    element: etree._Element
    pieces: list[tuple[etree._Element, int, int]]  # (w:t, start, end) in .text
    text: str
    row: etree._Element | None
    cell: etree._Element | None

    def tags(self) -> list[re.Match]:
        return list(TAG.finditer(self.text))


@dataclass
class Part:
    name: str
    raw: str
    paragraphs: list[Paragraph]
    source: str = ""  # patched Jinja source, each line opening with <!--¶N-->
    lines: list[int] = field(default_factory=list)  # Jinja line (1-based) -> paragraph number

    @property
    def label(self) -> str:
        stem = self.name.rsplit("/", 1)[-1].removesuffix(".xml")
        return "body" if stem == "document" else stem

    def para_of_line(self, lineno: int | None) -> int:
        if not lineno:
            return 1
        return self.lines[min(lineno, len(self.lines)) - 1] if self.lines else 1


def read_parts(path: Path) -> list[Part]:
    parts = []
    with open_docx_zip(path, what=path) as zf:
        names = {i.filename for i in zf.infolist()}
        if "word/document.xml" not in names:
            raise TemplateError("is not a Word document (no word/document.xml)", file=path)
        for name in sorted(names, key=lambda n: (n != "word/document.xml", n)):
            if not TEMPLATED_PART.match(name):
                continue
            data = read_part(zf, name, file=path)
            root = parse_part(data, name=name, file=path)
            parts.append(Part(name, data.decode("utf-8"), _paragraphs(root)))
    return parts


def _paragraphs(root: etree._Element) -> list[Paragraph]:
    paras = list(root.iter(w("p")))
    index = {id(p): i for i, p in enumerate(paras)}
    pieces: dict[int, list] = {i: [] for i in range(len(paras))}
    for t in root.iter(w("t")):
        owner = next(t.iterancestors(w("p")), None)
        if owner is not None:
            pieces[index[id(owner)]].append(t)
    out = []
    for i, p in enumerate(paras):
        spans, text, pos = [], "", 0
        for t in pieces[i]:
            s = t.text or ""
            spans.append((t, pos, pos + len(s)))
            text += s
            pos += len(s)
        out.append(Paragraph(i + 1, p, spans, text, next(p.iterancestors(w("tr")), None),
                              next(p.iterancestors(w("tc")), None)))
    return out


def marked(raw: str) -> str:
    """The raw XML on one line per paragraph, table row and cell, each opening with ``<!--¶N-->``.

    The marks survive docxtpl's patch (they sit outside the elements it replaces), so a
    Jinja line number leads back to a paragraph even after ``{%p``/``{%tr`` rows vanish.
    """
    flat = raw.replace("\r", " ").replace("\n", " ")  # Word writes none inside text
    out, pos, count = [], 0, 0
    for m in _STARTS.finditer(flat):
        out.append(flat[pos:m.start()])
        if m.group(1) == "p":
            count += 1
            out.append(f"\n<!--¶{count}-->")
        else:
            out.append(f"\n<!--¶{count + 1}-->")
        pos = m.start()
    out.append(flat[pos:])
    return "".join(out)


def patch(raw: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, raw)
