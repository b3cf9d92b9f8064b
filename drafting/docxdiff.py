"""Compare two .docx files: what a reader would see differ, and which zip parts differ.

``diff_documents`` is for people (``drafting diff``, golden-test failures);
``canonical_parts``/``compare_parts`` are for golden tests, which must hold across zlib
versions and zip entry orders, so they compare canonical XML rather than zip bytes.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from lxml import etree

from . import ooxml
from .docxtext import Document, block_lines, read_document
from .ooxml import Source

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_PRESERVE = f"{{{ooxml.XML_NS}}}space"


def _as_document(src: Document | Source) -> Document:
    return src if isinstance(src, Document) else read_document(src)


def diff_documents(
    a: Document | Source,
    b: Document | Source,
    *,
    a_label: str = "a",
    b_label: str = "b",
    context: int = 2,
) -> list[str]:
    """Unified diff, one line per paragraph or table row, of the body and each header/footer.

    Formatting is included (``**bold**``…). An empty list means the documents read the same.
    """
    da, db = _as_document(a), _as_document(b)
    # headers and footers are matched by role, not part name: a word processor that saves
    # the letter may renumber header1.xml and header2.xml
    sections_a = {da.roles.get(name, name): (name, blocks) for name, blocks in da.sections()}
    sections_b = {db.roles.get(name, name): (name, blocks) for name, blocks in db.sections()}
    roles = list(sections_a) + [n for n in sections_b if n not in sections_a]
    out: list[str] = []
    for role in roles:
        part_a, blocks_a = sections_a.get(role, (None, []))
        part_b, blocks_b = sections_b.get(role, (None, []))
        lines_a = block_lines(blocks_a, formatting=True, default_style=da.default_style)
        lines_b = block_lines(blocks_b, formatting=True, default_style=db.default_style)
        if lines_a != lines_b:
            out.extend(difflib.unified_diff(
                lines_a, lines_b, f"{a_label} ({_label(role, part_a)})", f"{b_label} ({_label(role, part_b)})",
                n=context, lineterm=""
            ))
    return out


def _label(role: str, part: str | None) -> str:
    """``header1, header (first page)``; the body is ``body``."""
    if part is None or part == role:
        return role
    return f"{part}, {role}"


def _strip_insignificant_whitespace(root: etree._Element) -> None:
    # WordprocessingML has no mixed content: text lives only in leaf elements (w:t,
    # w:instrText, a:t…), so whitespace between elements is indentation. Leaf text and
    # anything under xml:space="preserve" is kept as is.
    def walk(el: etree._Element, preserve: bool) -> None:
        space = el.get(_PRESERVE)
        if space is not None:
            preserve = space == "preserve"
        children = [c for c in el if isinstance(c.tag, str)]
        if not preserve and children and el.text is not None and not el.text.strip():
            el.text = None
        for child in el:
            if isinstance(child.tag, str):
                walk(child, preserve)
            if not preserve and children and child.tail is not None and not child.tail.strip():
                child.tail = None

    walk(root, False)


def canonical_parts(src: Source) -> dict[str, bytes]:
    """Every part of the .docx by name; XML parts as C14N without layout whitespace."""
    file = ooxml.source_name(src)
    parts: dict[str, bytes] = {}
    with ooxml.open_docx_zip(src, what=file) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            data = ooxml.read_part(zf, info.filename, file=file)
            if info.filename.lower().endswith(_XML_SUFFIXES):
                root = ooxml.parse_part(data, name=info.filename, file=file)
                _strip_insignificant_whitespace(root)
                data = etree.tostring(root, method="c14n", with_comments=False)
            parts[info.filename] = data
    return parts


def compare_parts(
    actual: Mapping[str, bytes] | Source, expected: Mapping[str, bytes] | Source
) -> list[str]:
    """Parts that differ, sorted: ``name (only in actual)``, ``(only in expected)``, ``(differs)``."""
    pa = actual if isinstance(actual, Mapping) else canonical_parts(actual)
    pe = expected if isinstance(expected, Mapping) else canonical_parts(expected)
    out = []
    for name in sorted(set(pa) | set(pe)):
        if name not in pe:
            out.append(f"{name} (only in actual)")
        elif name not in pa:
            out.append(f"{name} (only in expected)")
        elif pa[name] != pe[name]:
            out.append(f"{name} (differs)")
    return out
