"""Compiled templates kept on disk between runs.

Compiling a template (importing docxtpl and python-docx, patching the XML, compiling
the Jinja) costs ~0.3 s, which is most of a short command's start-up. The result is
pickled under the user's cache folder, keyed by the template's bytes and the versions
that shape the compiled code, and read back next time. The cache holds code, so it is
trusted only when the folder and the file belong to the user and nobody else can write
them, nor any folder above them (a sticky one such as ``/tmp`` aside); both are opened
without following links and checked on the open descriptor, so swapping either for a
link between check and read gains nothing. Otherwise it is ignored. ``DRAFTING_CACHE_DIR=off`` turns it off.
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


def _trusted(st: os.stat_result, *, directory: bool) -> bool:
    """Owned by us and writable by nobody else (a cache others can write is code they can run)."""
    kind_ok = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
    return kind_ok and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _chain_trusted(folder: str) -> bool:
    """Every folder above the cache is root's or ours, and no one else can write it unless
    it is sticky (``/tmp``): otherwise another user could swap the cache folder itself."""
    parent = os.path.dirname(folder)
    while True:
        try:
            st = os.lstat(parent)
        except OSError:
            return False
        if st.st_uid not in (0, os.getuid()):
            return False
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            return False
        up = os.path.dirname(parent)
        if up == parent:
            return True
        parent = up


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _open_folder(folder: Path) -> int | None:
    """The cache folder opened (not followed through a link) and checked on the open
    descriptor, or None: what is checked is what is read, whatever is swapped meanwhile."""
    try:
        real = os.path.realpath(folder)
        if not _chain_trusted(real):
            return None
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW)
    except OSError:
        return None
    if not _trusted(os.fstat(fd), directory=True):
        os.close(fd)
        return None
    return fd


def _read_entry(folder_fd: int, name: str) -> bytes | None:
    """An entry's bytes, read through a descriptor opened without following links and
    checked (ours, a plain file, writable by no one else) before a byte is read."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not _trusted(st, directory=False):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(st.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


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
    fd = _open_folder(entry.parent)
    if fd is None:
        return False
    try:
        st = os.stat(entry.name, dir_fd=fd, follow_symlinks=False)
        return _trusted(st, directory=False)
    except OSError:
        return False
    finally:
        os.close(fd)


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
    raw = None
    fd = _open_folder(entry.parent)
    if fd is not None:
        try:
            raw = _read_entry(fd, entry.name)
        finally:
            os.close(fd)
    if raw is not None:
        try:
            cached = pickle.loads(raw)
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
    from .output import make_private_dirs

    try:
        make_private_dirs(entry.parent)
        fd = _open_folder(entry.parent)
        if fd is None:
            return
        try:
            data = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = f".{entry.name}.{os.getpid()}.tmp"
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=fd)
            try:
                with os.fdopen(out, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, entry.name, src_dir_fd=fd, dst_dir_fd=fd)
            finally:
                try:
                    os.unlink(tmp, dir_fd=fd)
                except FileNotFoundError:
                    pass
        finally:
            os.close(fd)
    except (OSError, pickle.PicklingError, TypeError):
        pass  # a cache that cannot be written is only slower
