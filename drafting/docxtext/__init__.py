"""What a reader of a .docx sees: paragraphs and tables, in order, with their styles.

Built with lxml straight from the zip parts (no python-docx ``Document``), so it is cheap
enough to run on every golden test and in ``drafting diff``/``drafting preview``. Run
boundaries are invisible to a reader, so adjacent runs with the same formatting are
merged; fields whose value depends on layout or time (PAGE, NUMPAGES, DATE…) become
placeholders like ``{PAGE}`` so that two renderings compare equal.
"""

from .lines import block_lines, to_lines
from .model import Block, Cell, Document, Paragraph, Run, Table
from .preview import to_text
from .reader import VOLATILE_FIELDS, read_document

__all__ = ["VOLATILE_FIELDS", "Block", "Cell", "Document", "Paragraph", "Run", "Table", "block_lines",
           "read_document", "to_lines", "to_text"]
