"""How documents are written: owner-only folders and files, written whole or not at all,
never over an existing file unless asked (the names they get: ``drafting.naming``)."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import OutputError, OutputExistsError

TEMP_PREFIX = ".drafting-"


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
    """Write ``data`` to ``path`` whole, mode 0600: a temporary file in the same folder,
    fsync, then a hard link to the name (which fails if the name exists, so not even a
    racing writer is overwritten) or, with ``force``, a rename over it; then the folder is
    fsynced so the name survives a power loss. A ``kill -9`` mid-write can leave only a
    hidden ``.drafting-*.tmp``, which the next run removes (``remove_leftovers``)."""
    if not force and path.exists():
        raise OutputExistsError(path=path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write ({exc.strerror or exc})", file=path) from exc
    finally:
        if tmp is not None:
            _unlink_quietly(tmp)


def _link_new(tmp: str, path: Path) -> None:
    """Give the complete temporary file its name, never over an existing file."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(path=path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():  # a file system without hard links: check, then rename
            raise OutputExistsError(path=path) from None
        os.replace(tmp, path)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a system that cannot open folders (Windows) has nothing to sync there
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the file itself is on disk
    finally:
        os.close(fd)


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
