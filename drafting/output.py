"""Where documents go and how they are written: slugged names inside ``--out``,
owner-only files, written whole or not at all, never over an existing file unless asked."""

from __future__ import annotations

import errno
import functools
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import CaseFileError, OutputError, OutputExistsError

MAX_SLUG = 60
TEMP_PREFIX = ".drafting-"


def slug(text: str, *, what: str = "name", where: dict | None = None) -> str:
    """Lower-case ASCII letters, digits and single hyphens (``Harper & Vale`` -> ``harper-vale``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(out) > MAX_SLUG:  # cut at a word boundary where there is one
        cut = out[: MAX_SLUG + 1]
        out = cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG // 2 :] else cut[:MAX_SLUG]
    out = out.strip("-")
    if not out:
        raise CaseFileError(
            f"the {what} has no letters or digits (A–Z, 0–9) to name the output file with", **(where or {})
        )
    return out


def output_path(out_dir: Path, stem: str) -> Path:
    """``<out>/<stem>.docx``. The stem is a slug (lower-case letters, digits, hyphens; see
    ``slug``), so the name cannot climb out of ``out_dir`` or name a hidden file."""
    if not _SLUG.fullmatch(stem):
        raise ValueError(f"not a slug: {stem!r}")  # a bug: names come from slug()
    path = out_dir / f"{stem}.docx"
    if os.path.islink(path):  # planted there: a letter never goes through (or replaces) a link
        raise OutputError("is a symbolic link; drafting does not write through links", file=path)
    return path


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def make_private_dirs(folder: Path) -> None:
    """``mkdir -p`` where every folder created is 0700 whatever the umask (``mkdir(parents=True)``
    gives the parents the umask's mode: 0777 under ``umask 000``)."""
    missing = []
    current = Path(os.path.abspath(folder))
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not missing and not os.path.isdir(current):
        raise FileExistsError(errno.EEXIST, "exists and is not a folder", str(current))
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
            continue  # made by someone else meanwhile: not ours to change
        os.chmod(path, 0o700)  # the umask may have taken bits off; never adds any


def prepare_out_dir(out_dir: Path) -> Path:
    """Create ``--out`` (owner-only) if needed; a clear error if it cannot be written."""
    try:
        make_private_dirs(out_dir)
    except FileExistsError as exc:
        raise OutputError("exists and is not a folder", file=out_dir) from exc
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", file=out_dir) from exc
    if not out_dir.is_dir():
        raise OutputError("is not a folder", file=out_dir)
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError("the output folder is not writable", file=out_dir)
    remove_leftovers(out_dir)
    return out_dir


LEFTOVER_AGE = 60  # seconds: a temporary file lives milliseconds; an older one's writer died


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the hidden temporary files a run killed with ``kill -9`` (or a power loss)
    left in ``out_dir``: ours (same owner), named as drafting names them, and too old to
    belong to a run still going. The paths removed."""
    import shutil
    import stat
    import time

    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        is_temp = name.startswith(TEMP_PREFIX) and name.endswith(".tmp")
        is_pdf_work = name.startswith(".pdf-")
        if not (is_temp or is_pdf_work):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_uid != os.getuid() or now - st.st_mtime < (LEFTOVER_AGE if is_temp else 3600):
                continue
            if is_temp and stat.S_ISREG(st.st_mode):
                os.unlink(entry.path)
            elif is_pdf_work and stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path)
            else:
                continue
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def remove_stale_pdf(docx: Path) -> Path | None:
    """Remove ``X.pdf`` beside a ``X.docx`` just written: made from the document it
    replaced, it would say something else. The path removed, or None."""
    pdf = Path(docx).with_suffix(".pdf")
    try:
        os.unlink(pdf)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"is older than its new .docx and cannot be removed ({exc.strerror})", file=pdf) from exc
    return pdf


def write_atomic(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` whole (temp file, fsync, link/rename), mode 0600.

    Without ``force`` an existing file is never replaced — the final step is a hard
    link, which fails if the name exists, so even a racing writer cannot be overwritten.
    Where the system allows it (Linux ``O_TMPFILE``) the temporary file has no name until
    it is complete, so even a crash or ``kill -9`` mid-write leaves nothing in ``--out``;
    elsewhere it is a hidden ``.drafting-*.tmp`` that is removed on any error or Ctrl-C.
    """
    if not force and path.exists():
        raise OutputExistsError(path=path)
    try:
        if not _write_unnamed(path, data, force=force):
            _write_named(path, data, force=force)
    except OSError as exc:
        raise OutputError(f"cannot write ({exc.strerror or exc})", file=path) from exc


def write_group(items: list[tuple[Path, bytes]], *, force: bool) -> list[Exception | None]:
    """Write several documents as ``write_atomic`` does, with one flush to disk for all of
    them instead of one per file; for each item None (written) or the error.

    Each is written to an unnamed temporary file (``O_TMPFILE``), then the file system is
    flushed once (``syncfs``), then each file is given its name: a name still appears only
    once its bytes are on disk, and a crash before that leaves nothing. Where the system
    cannot do this, each item is written by ``write_atomic`` (its own flush).
    """
    results: list[Exception | None] = [None] * len(items)
    staged: list[tuple[int, int]] = []  # (item index, fd)
    grouped = _syncfs() is not None
    try:
        for i, (path, data) in enumerate(items):
            if not force and path.exists():
                results[i] = OutputExistsError(path=path)
                continue
            try:
                fd = _open_unnamed(path.parent) if grouped else None
            except OSError as exc:
                results[i] = OutputError(f"cannot write ({exc.strerror or exc})", file=path)
                continue
            if fd is None:
                results[i] = _attempt(path, write_atomic, path, data, force=force)
                continue
            try:
                _fill(fd, data, sync=False)
            except OSError as exc:
                os.close(fd)  # the unnamed file goes with it
                results[i] = OutputError(f"cannot write ({exc.strerror or exc})", file=path)
                continue
            staged.append((i, fd))
        if staged:
            one_folder = len({items[i][0].parent for i, _ in staged}) == 1
            try:
                _flush([fd for _, fd in staged], whole_file_system=one_folder)
            except OSError as exc:  # not on disk: name none of them
                for i, _ in staged:
                    results[i] = OutputError(f"cannot write ({exc.strerror or exc})", file=items[i][0])
                return results
        for i, fd in staged:
            path, data = items[i]
            results[i] = _attempt(path, _name_staged, fd, path, data, force=force)
    finally:
        for _, fd in staged:
            os.close(fd)
    return results


def _attempt(path: Path, func, *args, **kwargs) -> Exception | None:
    """Run one write step for ``path``: None, or the error it ends in."""
    try:
        func(*args, **kwargs)
    except (OutputError, OutputExistsError) as exc:
        return exc
    except OSError as exc:
        return OutputError(f"cannot write ({exc.strerror or exc})", file=path)
    return None


def _name_staged(fd: int, path: Path, data: bytes, *, force: bool) -> None:
    """Give a flushed unnamed file its name (replacing the document only with ``force``)."""
    if not _give_name(fd, path, force=force):
        _write_named(path, data, force=force)  # this system cannot name an unnamed file


def _flush(fds: list[int], *, whole_file_system: bool) -> None:
    """Make the files' bytes durable: one ``syncfs`` where it works, else ``fsync`` each."""
    syncfs = _syncfs() if whole_file_system else None
    if syncfs is not None and syncfs(fds[0]) == 0:
        return
    for fd in fds:
        os.fsync(fd)


def _syncfs():
    """libc's ``syncfs`` (Linux), or None."""
    return _libc_function("syncfs")


# errno values meaning "this system cannot do that here": fall back to a named temp file
_UNSUPPORTED = {errno.EISDIR, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOENT, errno.EPERM,
                errno.EXDEV}


def _fill(fd: int, data: bytes, *, sync: bool = True) -> None:
    os.fchmod(fd, 0o600)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    if sync:
        os.fsync(fd)


def _write_unnamed(path: Path, data: bytes, *, force: bool) -> bool:
    """Write through an ``O_TMPFILE``; False if the system cannot (nothing was written)."""
    fd = _open_unnamed(path.parent)
    if fd is None:
        return False
    try:
        _fill(fd, data)
        return _give_name(fd, path, force=force)
    finally:
        os.close(fd)


def _open_unnamed(folder: Path) -> int | None:
    """An ``O_TMPFILE`` in ``folder`` (no name yet), or None where the system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED - {errno.ENOENT}:
            return None
        raise


def _give_name(fd: int, path: Path, *, force: bool) -> bool:
    """Name a complete unnamed file ``path``; an existing document is replaced only with
    ``force``. False if this system cannot name an unnamed file (nothing was named)."""
    try:
        return _name_unnamed(fd, path)
    except FileExistsError:
        if not force:
            raise OutputExistsError(path=path) from None
    # --force over an existing document: a named link for the moment of the rename
    tmp = path.parent / f"{TEMP_PREFIX}{os.urandom(8).hex()}.tmp"
    if not _name_unnamed(fd, tmp):
        return False
    try:
        os.replace(tmp, path)
    finally:
        _unlink_quietly(tmp)
    return True


def _name_unnamed(fd: int, path: Path) -> bool:
    """Give the ``O_TMPFILE`` ``fd`` the name ``path``; False if this system cannot."""
    try:
        # A dir_fd makes Python call linkat(AT_SYMLINK_FOLLOW); plain os.link calls
        # link(2), which links the /proc symlink itself and fails with EXDEV.
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=_root_fd())
        return True
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    # Some sandboxes resolve /proc/self/fd on another mount (EXDEV): link the descriptor
    # itself instead (linkat AT_EMPTY_PATH; Linux 6.10+, or with CAP_DAC_READ_SEARCH).
    linkat = _linkat()
    if linkat is None:
        return False
    import ctypes

    at_fdcwd, at_empty_path = -100, 0x1000
    if linkat(fd, b"", at_fdcwd, os.fsencode(path), at_empty_path) == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(path))


@functools.cache
def _root_fd() -> int:
    """An open descriptor of ``/`` (the path given with it is absolute, so any will do)."""
    return os.open("/", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))


def _linkat():
    """libc's ``linkat``, or None where there is no such thing."""
    return _libc_function("linkat")


@functools.cache
def _libc_function(name: str):
    """A function of the C library, or None where there is none (not Linux, no libc)."""
    try:
        import ctypes

        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


def _write_named(path: Path, data: bytes, *, force: bool) -> None:
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        try:
            _fill(fd, data)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputExistsError(path=path) from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                if path.exists():  # file system without hard links
                    raise OutputExistsError(path=path) from None
                os.replace(tmp, path)
    finally:
        _unlink_quietly(tmp)


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
