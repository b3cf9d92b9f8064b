"""Compiled templates kept on disk between runs.

Compiling a template (importing docxtpl and python-docx, patching the XML, compiling
the Jinja) costs ~0.3 s, which is most of a short command's start-up. The result is
pickled under the user's cache folder, keyed by the template's bytes and the versions
that shape the compiled code, and read back next time. The cache holds code, so it is
trusted only when the folder and the file belong to the user and nobody else can write
them; otherwise it is ignored. ``DRAFTING_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .docx_template import CompiledTemplate


def cache_dir() -> Path | None:
    """Where compiled templates are kept, or None when caching is off."""
    configured = os.environ.get("DRAFTING_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "no", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "drafting"


def _stamp(raw: bytes) -> str:
    return hashlib.sha256(_compiler() + b"\0" + raw).hexdigest()


@functools.cache
def _compiler() -> bytes:
    """What compiles a template, found once per process: the versions involved and the
    source of our compiler (a change to it — a new check, a new field of
    ``CompiledTemplate`` — is a new cache entry even where the version is the same)."""
    from importlib.metadata import version  # not `import docxtpl`: avoiding that is the point

    from . import __version__

    versions = "|".join([__version__, version("jinja2"), version("docxtpl"), sys.implementation.cache_tag])
    here = Path(__file__).parent  # read, not imported: ``is_cached`` runs before Jinja is imported
    return versions.encode() + b"\0" + b"".join(
        hashlib.sha256((here / name).read_bytes()).digest() for name in ("docx_template.py", "environment.py"))


def _private(path: Path, *, directory: bool) -> bool:
    """Owned by us and writable by nobody else (a cache others can write is code they can run)."""
    try:
        st = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
    return kind_ok and st.st_uid == os.getuid() and not st.st_mode & 0o022


def compile_template(path: Path) -> CompiledTemplate:
    from .docx_template import compile_template as compile_

    return compile_(path)


def _entry(path: Path) -> Path | None:
    """The cache file for this template as it is now, or None (caching off, unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return folder / f"{_stamp(path.read_bytes())}.pickle"
    except Exception:  # unreadable template, or no package metadata (a frozen install)  # noqa: BLE001
        return None


def _usable(entry: Path) -> bool:
    return _private(entry.parent, directory=True) and _private(entry, directory=False)


def is_cached(path: str | Path) -> bool:
    """Would ``load_or_compile`` find this template compiled? (Cheap: no Jinja import.)"""
    entry = _entry(Path(path))
    return entry is not None and _usable(entry)


def load_or_compile(path: str | Path) -> CompiledTemplate:
    """``compile_template(path)``, through the on-disk cache when it can be used safely."""
    from .docx_template import CompiledTemplate

    path = Path(path)
    entry = _entry(path)
    if entry is None:  # caching off, or the template unreadable (compile_template words that)
        return compile_template(path)
    if _usable(entry):
        try:
            cached = pickle.loads(entry.read_bytes())
        except Exception:  # a damaged entry is a miss, never an error  # noqa: BLE001
            cached = None
        if isinstance(cached, CompiledTemplate):
            st = path.stat()
            cached.path = path
            cached.key = (str(path.resolve()), st.st_mtime_ns, st.st_size)  # this file, not the one cached
            return cached
    compiled = compile_template(path)
    _store(entry, compiled)
    return compiled


def _store(entry: Path, compiled: CompiledTemplate) -> None:
    folder = entry.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder, directory=True):
            return
        data = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = folder / f".{entry.name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, entry)
        finally:
            if tmp.exists():
                tmp.unlink()
    except (OSError, pickle.PicklingError, TypeError):
        pass  # a cache that cannot be written is only slower
