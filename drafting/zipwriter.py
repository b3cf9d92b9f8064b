"""A deterministic .docx (zip) writer that can reuse already-compressed parts.

The standard library's ``zipfile`` compresses every part on every write. A template's
static parts (styles, settings, theme, images) are the same in every letter, so we
compress them once per process and copy the bytes; only the parts the letter's data
changes are compressed per document. Entry times are fixed (1980-01-01) and the order
is the template's, so the same input gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_STORED, _DEFLATED = 0, 8
_UTF8_FLAG = 0x800
COMPRESSION_LEVEL = 6
# A letter's own parts are compressed once per letter: level 3 takes about a third of
# level 6's time for ~10% more bytes (document.xml, 30 KB: 0.24 ms vs 0.86 ms).
LETTER_LEVEL = 3

# Already-compressed media gains nothing from deflate; store it.
_STORE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".emf.gz", ".wdp", ".zip", ".odttf")


@dataclass(frozen=True)
class Entry:
    """One zip member, compressed and ready to write."""

    name: str
    data: bytes  # as stored in the archive
    crc: int
    size: int  # uncompressed
    method: int


def make_entry(name: str, raw: bytes, *, level: int = COMPRESSION_LEVEL) -> Entry:
    """Compress ``raw`` (or store it, for media) into an ``Entry``."""
    crc = zlib.crc32(raw) & 0xFFFFFFFF
    if name.lower().endswith(_STORE_SUFFIXES) or len(raw) < 64:
        return Entry(name, raw, crc, len(raw), _STORED)
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = comp.compress(raw) + comp.flush()
    return Entry(name, data, crc, len(raw), _DEFLATED)


def write_zip(entries: list[Entry]) -> bytes:
    """The archive bytes for ``entries``, in order."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = len(out)
        flags = _UTF8_FLAG if not e.name.isascii() else 0
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, e.method, _DOS_TIME, _DOS_DATE,
            e.crc, len(e.data), e.size, len(name), 0,
        )
        out += name
        out += e.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, e.method, _DOS_TIME, _DOS_DATE,
            e.crc, len(e.data), e.size, len(name), 0, 0, 0, 0, 0, offset,
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    if len(out) >= 0xFFFFFFFF:
        raise ValueError("document too large for a zip without ZIP64")
    return bytes(out)
