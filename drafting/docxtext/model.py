"""What a reader of a .docx sees, as data: paragraphs (style, runs, list label), tables
of cells, and the document's body, headers and footers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Paragraph:
    """A paragraph: style display name, its runs, and its list label ("1.", "•") if any."""

    style: str
    runs: list[Run] = field(default_factory=list)
    label: str = ""
    level: int = 0
    gap_after: bool = field(default=False, repr=False)  # space before the next block (preview only)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    """A table cell: its blocks (paragraphs, rarely nested tables)."""

    blocks: list["Paragraph | Table"] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block)
            else:
                out.extend(p for row in block.rows for cell in row for p in cell.paragraphs)
        return out


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


Block = Paragraph | Table


@dataclass
class Document:
    """Body blocks, and blocks of each header/footer part keyed by part name (``header1.xml``)."""

    body: list[Block] = field(default_factory=list)
    headers: dict[str, list[Block]] = field(default_factory=dict)
    footers: dict[str, list[Block]] = field(default_factory=dict)
    default_style: str = "Normal"
    # part stem ("header2") -> its role ("header (first page)"), from the sections'
    # references: Word and LibreOffice number the parts as they please, the roles stay
    roles: dict[str, str] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, list[Block]]]:
        """``("body", …)`` then each header, then each footer, named by part stem."""
        out = [("body", self.body)]
        for parts in (self.headers, self.footers):
            out.extend((name.removesuffix(".xml"), blocks) for name, blocks in parts.items())
        return out
