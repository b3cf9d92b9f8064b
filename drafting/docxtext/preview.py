"""A document as plain text wrapped to the terminal (``drafting preview``)."""

from __future__ import annotations

import re
import textwrap
import unicodedata

from .model import Block, Document, Table


def _width(text: str) -> int:
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0f":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return total


def _plain(text: str) -> list[str]:
    return [line.expandtabs(8) for line in text.replace("\f", "\n").split("\n")]


def _wrap(lines: list[str], width: int | None, indent: str = "", hang: str = "") -> list[str]:
    if not width:
        return [indent + line if line else line for line in lines]
    out = []
    for line in lines:
        out.extend(textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=hang,
                                 break_on_hyphens=False, drop_whitespace=True) or [""])
    return out


def _table_text(table: Table, width: int | None) -> list[str]:
    rows = [[[line for p in cell.paragraphs for line in _plain(p.label + " " + p.text if p.label else p.text)]
             for cell in row] for row in table.rows]
    ncols = max((len(r) for r in rows), default=0)
    widths = [0] * ncols
    for row in rows:
        for c, cell in enumerate(row):
            widths[c] = max([widths[c], *(_width(line) for line in cell)])
    if width and sum(widths) + 2 * (ncols - 1) > width:
        # Too wide for the terminal: give each column its share and wrap inside cells.
        share = max(8, (width - 2 * (ncols - 1)) // max(ncols, 1))
        widths = [min(wd, share) for wd in widths]
        rows = [[_wrap(cell, widths[c]) for c, cell in enumerate(row)] for row in rows]
    out = []
    for row in rows:
        height = max((len(cell) for cell in row), default=0)
        for k in range(height):
            parts = []
            for c, cell in enumerate(row):
                text = cell[k] if k < len(cell) else ""
                parts.append(text + " " * (widths[c] - _width(text)))
            out.append("  ".join(parts).rstrip())
    return out


def _blocks_text(blocks: list[Block], width: int | None) -> list[str]:
    out: list[str] = []
    gap = False
    for block in blocks:
        if isinstance(block, Table):
            if out and out[-1]:
                out.append("")
            out.extend(_table_text(block, width))
            out.append("")
            gap = False
            continue
        heading = block.style == "Title" or block.style.startswith("Heading")
        if out and out[-1] and (gap or heading):
            out.append("")
        if block.label:
            indent = "  " * block.level
            lines = _plain(block.label + " " + block.text)
            out.extend(_wrap(lines, width, indent, indent + " " * (_width(block.label) + 1)))
        else:
            out.extend(_wrap(_plain(block.text), width))
        if heading and block.text.strip():
            rule = "=" if block.style in ("Title", "Heading 1") else "-"
            out.append(rule * min(max(_width(line) for line in _plain(block.text)), width or 10**6))
        gap = block.gap_after or heading
    return out


def to_text(doc: Document, *, width: int | None = None) -> str:
    """Plain text for a terminal preview: headers, body, footers; tables aligned in columns.

    ``width`` wraps long paragraphs (and narrows tables) to that many columns.
    """
    chunks: list[list[str]] = []
    sections = doc.sections()
    # Letterhead on top and page footers at the bottom, as on paper.
    ordered = sections[1 : 1 + len(doc.headers)] + sections[:1] + sections[1 + len(doc.headers) :]
    for name, blocks in ordered:
        lines = _blocks_text(blocks, width)
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if name == "body":
            chunks.append(lines)
        elif lines:
            chunks.append([f"[{name}]", *lines])
    # Collapse runs of blank lines that empty paragraphs leave behind.
    text = "\n\n".join("\n".join(chunk) for chunk in chunks if chunk)
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"
