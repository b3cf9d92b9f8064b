"""docxtpl hazards in a template's raw XML: tags split across runs or formatting, block tags
that do not stand alone in their paragraph, row or cell, pairs that cross rows, curly quotes."""

from __future__ import annotations

import html
import re
from collections import Counter

from lxml import etree

from ..ooxml import w
from .parts import BLOCK, CURLY, DOCXTPL_SPECIAL, IGNORED_RPR, LEVEL, OPENER, OPENERS, TAG, Paragraph, Part


def _rpr_key(t: etree._Element) -> bytes:
    run = t.getparent()
    rpr = run.find(w("rPr")) if run is not None else None
    if rpr is None:
        return b""
    kept = [c for c in rpr if c.tag not in IGNORED_RPR]
    return b"".join(etree.tostring(c, method="c14n") for c in kept)


def find_hazards(part: Part, say) -> None:
    for para in part.paragraphs:
        if "{" not in para.text:
            continue
        rest = TAG.sub("", para.text)
        if OPENER.search(rest):
            say(para.number, "error", "a tag opens here but does not close in this paragraph; "
                "a tag must begin and end in the same paragraph")
        for m in para.tags():
            tag = m.group()
            if any(q in tag for q in CURLY):
                say(para.number, "warning", f"curly quotes inside the tag {_short(tag)}: docxtpl straightens "
                    "them, which can break a string; type straight quotes (turn off Word's AutoFormat)")
            runs = [t for t, s, e in para.pieces if s < m.end() and e > m.start()]
            if len({_rpr_key(t) for t in runs}) > 1:
                say(para.number, "warning", f"the tag {_short(tag)} is split across runs with different "
                    "formatting; docxtpl joins them with the first run's formatting — retype it in one go")
            level = LEVEL.match(tag)
            if level and level.group(2) in ("p", "tr", "tc"):
                _alone(part, para, m, level.group(2), say)
    _blocks_across_rows(part, say)


def _alone(part: Part, para: Paragraph, m: re.Match, level: str, say) -> None:
    """``{%p``/``{%tr``/``{%tc`` replace their whole paragraph/row/cell: other text there is lost."""
    tag = m.group()
    if level == "p":
        other = para.text[: m.start()] + para.text[m.end():]
        where = "paragraph"
    else:
        box = para.row if level == "tr" else para.cell
        if box is None:
            say(para.number, "error", f"{_short(tag)} is not inside a table {'row' if level == 'tr' else 'cell'}")
            return
        other = "".join(p.text for p in part.paragraphs if p.element in set(box.iter(w("p"))))
        other = other.replace(tag, "", 1)
        where = "table row" if level == "tr" else "table cell"
    if other.strip():
        say(para.number, "error", f"{_short(tag)} shares its {where} with other text ({_short(other.strip())}); "
            f"docxtpl replaces the whole {where} with the tag, so that text would be lost — "
            f"give the tag a {where} of its own")


def _blocks_across_rows(part: Part, say) -> None:
    """A block tag and its end must sit in the same table row (or use ``{%tr``)."""
    stack: list[tuple[str, str | None, Paragraph, str]] = []
    for para in part.paragraphs:
        for m in para.tags():
            b = BLOCK.match(m.group())
            if not b:
                continue
            level, word, rest = b.group(1), b.group(2), b.group(3)
            if word in OPENERS and not (word == "set" and "=" in rest):
                stack.append((word, level, para, m.group()))
                continue
            if not word.startswith("end") or not any(s[0] == word[3:] for s in stack):
                continue
            while stack[-1][0] != word[3:]:
                stack.pop()
            opened, olevel, start, text = stack.pop()
            _pair(opened, olevel, start, para, text, say)


def _pair(word: str, level: str | None, start: Paragraph, end: Paragraph, text: str, say) -> None:
    if level == "tr":
        return
    row_hint = f"to repeat or hide table rows use {{%tr {word} … %}} … {{%tr end{word} %}}, each in a row of its own"
    if level == "tc":
        if start.row is not end.row:
            say(start.number, "error", f"{_short(text)} ends in another table row (paragraph {end.number}); "
                "a {%tc %} block must stay within one row")
        return
    if start.row is not end.row:
        if start.row is None or end.row is None:
            place = "starts outside a table and ends inside one" if start.row is None else \
                "starts inside a table and ends outside it"
        else:
            place = "ends in a different table row"
        say(start.number, "error", f"{_short(text)} {place} (paragraph {end.number}); {row_hint}")
    elif start.cell is not end.cell:
        say(start.number, "error", f"{_short(text)} ends in a different cell of its row (paragraph {end.number}); "
            "the cells between would be broken")
    elif level is None and start is not end:
        say(start.number, "warning", f"{_short(text)} ends in paragraph {end.number}: when it leaves text out, "
            f"the paragraphs around it join into one; use {{%p {word} … %}} and {{%p end{word} %}}, "
            "each in a paragraph of its own")


def find_unmended(part: Part, say) -> None:
    """Tags docxtpl's patch could not put back together (they still hold XML, or vanished)."""
    here: Counter = Counter()  # (paragraph, tag) found in the patched source
    anywhere: Counter = Counter()  # tag found anywhere in the part
    for m in re.finditer(r"\{\{(?:(?!\}\}).)*\}\}|\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\}", part.source, re.DOTALL):
        tag = m.group()
        para = part.para_of_line(part.source.count("\n", 0, m.start()) + 1)
        if re.search(r"</?w:|<!--", tag):
            say(para, "error", f"the tag {_short(re.sub(r'<[^>]*>', '', tag))} is split across "
                "runs in a way docxtpl cannot repair; delete it and type it again in one go")
        else:
            key = _tag_key(html.unescape(tag))
            here[(para, key)] += 1
            anywhere[key] += 1
    for para in part.paragraphs:
        for m in para.tags():
            tag = m.group()
            b = BLOCK.match(tag)
            if "<" in tag or (b and b.group(2) in DOCXTPL_SPECIAL):
                continue
            key = _tag_key(tag)
            # Paragraph, row and whitespace-control tags move when patched; others stay put.
            moves = bool(LEVEL.match(tag)) or "{%-" in tag or "-%}" in tag
            if anywhere[key] > 0 and (moves or here[(para.number, key)] > 0):
                anywhere[key] -= 1
                here[(para.number, key)] -= 1
            else:
                say(para.number, "error", f"the tag {_short(tag)} does not reach Jinja intact (it is split "
                    "across runs in a way docxtpl cannot repair); delete it and type it again in one go")


def _tag_key(tag: str) -> str:
    for a, b in zip(CURLY, "\"\"''", strict=False):
        tag = tag.replace(a, b)
    tag = LEVEL.sub(lambda m: "{" + m.group(1) + " ", tag)
    return re.sub(r"\s+|-(?=[%#]\})|(?<=\{[%#])-", "", tag)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
