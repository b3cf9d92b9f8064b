"""Open a .docx zip and parse its XML parts without trusting them.

Templates and documents may come from anywhere (a firm's share, an e-mail), so every
reader goes through here: zip bombs are refused before anything is decompressed, XML is
parsed without entity expansion, network access or huge-tree mode, and a part carrying a
DOCTYPE (the vehicle for entity bombs and external entities) is refused outright.
"""

from __future__ import annotations

import io
import os
import posixpath
import threading
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

from lxml import etree

from .errors import TemplateError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W_NS, "r": R_NS, "rel": PKG_REL_NS}

REL_OFFICE_DOCUMENT = R_NS + "/officeDocument"
REL_STYLES = R_NS + "/styles"
REL_NUMBERING = R_NS + "/numbering"
REL_HEADER = R_NS + "/header"
REL_FOOTER = R_NS + "/footer"

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_MIN_SIZE = 10 * 1024 * 1024

Source = str | Path | bytes | BinaryIO


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag or attribute: ``w("p")`` -> ``{...main}p``."""
    return f"{{{W_NS}}}{tag}"


def source_name(src: Source) -> str | None:
    """The file name to put in error messages, when the source has one."""
    if isinstance(src, (str, Path)):
        return str(src)
    return getattr(src, "name", None) if not isinstance(src, (bytes, bytearray)) else None


def open_docx_zip(src: Source, *, what: str | Path | None = None) -> zipfile.ZipFile:
    """Open ``src`` (path, bytes or binary file) as a zip, refusing zip bombs.

    ``what`` names the file in errors (default: the path, when there is one).
    """
    what = what if what is not None else source_name(src)
    if isinstance(src, (str, Path)):
        _refuse_special_file(Path(src), what)
    try:
        if isinstance(src, (bytes, bytearray, memoryview)):
            zf = zipfile.ZipFile(io.BytesIO(bytes(src)))
        else:
            zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise TemplateError("not a .docx (zip) file", file=what) from exc
    except OSError as exc:
        raise TemplateError(f"cannot be read ({exc.strerror or exc})", file=what) from exc
    try:
        _refuse_bomb(zf, what)
    except BaseException:
        zf.close()
        raise
    return zf


MAX_DOCX_FILE = 200 * 2**20  # compressed; what it may unpack to is limited by MAX_TOTAL_UNCOMPRESSED


def _refuse_special_file(path: Path, what: str | Path | None) -> None:
    """A FIFO would hang the zip reader and ``/dev/zero`` never ends: only regular files."""
    import stat

    try:
        st = os.stat(path)
    except OSError:
        return  # zipfile words the error
    if not stat.S_ISREG(st.st_mode):
        raise TemplateError("is not a regular file (a pipe, device or socket); not a .docx", file=what)
    if st.st_size > MAX_DOCX_FILE:
        raise TemplateError(f"is larger than {MAX_DOCX_FILE // 2**20} MB; not a letter or template", file=what)


def _refuse_bomb(zf: zipfile.ZipFile, what: str | Path | None) -> None:
    # The declared sizes are trustworthy enough: zipfile stops at file_size and then
    # fails the CRC check, so a part cannot inflate past what its header claims.
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise TemplateError(
                f"refused: the .docx would unpack to more than {MAX_TOTAL_UNCOMPRESSED // 2**20} MB",
                file=what,
            )
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TemplateError(
                f"refused: part {info.filename} is compressed more than {MAX_RATIO}:1 (zip bomb?)",
                file=what,
            )


def read_part(zf: zipfile.ZipFile, name: str, *, file: str | Path | None = None) -> bytes:
    """The bytes of part ``name``; a corrupt or unreadable entry is a TemplateError."""
    try:
        return zf.read(name)
    except KeyError as exc:
        raise TemplateError(f"part {name} is missing", file=file) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: encrypted entry; NotImplementedError: unsupported compression.
        raise TemplateError(f"part {name} cannot be read ({exc})", file=file) from exc


_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads; batch renders in parallel.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        _local.parser = parser
    return parser


def parse_part(data: bytes, *, name: str, file: str | Path | None = None) -> etree._Element:
    """Parse one XML part safely; DOCTYPE/ENTITY declarations and bad XML are TemplateErrors."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TemplateError(f"part {name} declares a DOCTYPE or ENTITY; refused", file=file)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"part {name} is not well-formed XML ({exc.msg})", file=file) from exc
    # The byte check above misses UTF-16 parts; libxml2 reports the DOCTYPE either way.
    if root.getroottree().docinfo.doctype:
        raise TemplateError(f"part {name} declares a DOCTYPE or ENTITY; refused", file=file)
    return root


def relationships(
    zf: zipfile.ZipFile, part: str, *, file: str | Path | None = None
) -> list[tuple[str, str, str]]:
    """``(rId, type, target part name)`` for each internal relationship of ``part`` ('' = package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in zf.namelist():
        return []
    root = parse_part(read_part(zf, rels_name, file=file), name=rels_name, file=file)
    out = []
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = unquote(rel.get("Target", ""))  # targets are URIs: "my%20header.xml"
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Id", ""), rel.get("Type", ""), resolved))
    return out


def main_document_name(zf: zipfile.ZipFile, *, file: str | Path | None = None) -> str:
    """The name of the main document part (normally ``word/document.xml``)."""
    for _rid, rtype, target in relationships(zf, "", file=file):
        if rtype == REL_OFFICE_DOCUMENT and target in zf.namelist():
            return target
    if "word/document.xml" in zf.namelist():
        return "word/document.xml"
    raise TemplateError("not a Word document (no word/document.xml)", file=file)
