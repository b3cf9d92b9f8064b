"""A document as lines of text, one per paragraph or table row, with its style and
(optionally) its bold/italic/underline marked: what the golden tests and ``drafting diff``
compare."""

from __future__ import annotations

import unicodedata

from .model import Block, Cell, Document, Paragraph, Run

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\f": "\\f"}


def _escape(text: str, pipe: bool = False) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif pipe and ch == "|":
            out.append("\\|")
        elif unicodedata.category(ch) == "Cc":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def _markup(runs: list[Run], pipe: bool) -> str:
    segments: list[list] = []
    for run in runs:
        b, i, u = run.bold, run.italic, run.underline
        if not run.text.strip() and segments and not u:
            # A bold or italic space looks like any other space: don't split the markup for it.
            b, i = segments[-1][1], segments[-1][2]
        if segments and segments[-1][1:] == [b, i, u]:
            segments[-1][0] += run.text
        else:
            segments.append([run.text, b, i, u])
    out = []
    for text, b, i, u in segments:
        marks = ("**" if b else "") + ("*" if i else "")
        if u:
            out.append(f"__{marks}{_escape(text, pipe)}{marks[::-1]}__")
        elif marks and text.strip():
            core = text.strip()
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out.append(_escape(lead, pipe) + marks + _escape(core, pipe) + marks[::-1] + _escape(trail, pipe))
        else:
            out.append(_escape(text, pipe))
    return "".join(out)


def _paragraph_line(p: Paragraph, formatting: bool, default_style: str, pipe: bool = False) -> str:
    text = _markup(p.runs, pipe) if formatting else _escape(p.text, pipe)
    parts = []
    if p.style != default_style:
        parts.append(f"[{p.style}]")
    if p.label:
        parts.append(_escape(p.label, pipe))
    if text or not parts:
        parts.append(text)
    return " ".join(parts)


def _row_line(row: list[Cell], formatting: bool, default_style: str) -> str:
    cells = []
    for cell in row:
        pieces = []
        for block in cell.blocks:
            if isinstance(block, Paragraph):
                pieces.append(_paragraph_line(block, formatting, default_style, pipe=True))
            else:
                pieces.append("[" + " ".join(_row_line(r, formatting, default_style) for r in block.rows) + "]")
        cells.append(" ¶ ".join(pieces))
    return "| " + " | ".join(cells) + " |"


def block_lines(blocks: list[Block], *, formatting: bool = False, default_style: str = "Normal") -> list[str]:
    """One line per paragraph and per table row (``| a | b |``)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(_paragraph_line(block, formatting, default_style))
        else:
            lines.extend(_row_line(row, formatting, default_style) for row in block.rows)
    return lines


def to_lines(doc: Document, *, formatting: bool = False) -> list[str]:
    """Stable, readable lines: the body, then each header/footer prefixed ``header1: ``.

    Paragraphs in the default style have no ``[Style]`` prefix; tabs and breaks show as
    ``\\t``/``\\n``/``\\f``. With ``formatting`` runs are marked ``**bold**``, ``*italic*``,
    ``__underline__``.
    """
    lines: list[str] = []
    for name, blocks in doc.sections():
        prefix = "" if name == "body" else f"{name}: "
        lines.extend(prefix + line for line in block_lines(blocks, formatting=formatting,
                                                           default_style=doc.default_style))
    return lines
