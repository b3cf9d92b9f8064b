"""Turn finished .docx files into PDFs with LibreOffice (``--pdf``).

One soffice process converts many files (start-up dominates the cost). Each call gets its
own throw-away LibreOffice profile, because two soffice processes sharing a profile block
on its lock or hand their work to each other; parallel batches must not fight. PDFs are
written into a private temporary folder and then renamed next to their .docx, so a
reader never sees half a PDF, and temporary files go away even on Ctrl-C.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import PdfError
from .output import make_private_dirs

NOT_INSTALLED = (
    "LibreOffice is not installed; install it "
    "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui) to use --pdf"
)
# Where LibreOffice lives when it is not on PATH (globs; newest version first).
SOFFICE_CANDIDATES: tuple[str, ...] = (
    "/usr/bin/soffice",
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def _natural(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


def find_soffice() -> str | None:
    """The LibreOffice executable: ``soffice``/``libreoffice`` on PATH, else a usual place."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for pattern in SOFFICE_CANDIDATES:
        for candidate in sorted(glob.glob(pattern), key=_natural, reverse=True):
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def _kill(proc: subprocess.Popen) -> None:
    # soffice is often a shell wrapper around soffice.bin: kill the whole group.
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _tail(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return f" ({lines[-1][:200]})" if lines else ""


def _run_soffice(soffice: str, docs: list[Path], outdir: Path, profile: Path, timeout: float) -> str:
    """Run one conversion; returns LibreOffice's stderr tail for later messages."""
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", "pdf", "--outdir", str(outdir),
        *(str(d.resolve()) for d in docs),
    ]
    what = f" (converting {len(docs)} documents)" if len(docs) > 1 else ""
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise PdfError(f"cannot start LibreOffice ({exc.strerror or exc})", file=docs[0]) from exc
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise PdfError(f"PDF conversion timed out after {timeout:g} s{what}", file=docs[0]) from None
    except BaseException:  # KeyboardInterrupt too: never leave soffice running
        _kill(proc)
        raise
    if proc.returncode != 0:
        raise PdfError(
            f"PDF conversion failed: LibreOffice exited with status {proc.returncode}{what}{_tail(err)}",
            file=docs[0],
        )
    return _tail(err)


def _groups(docs: list[Path]) -> list[list[Path]]:
    # soffice names each PDF after its input's stem in one --outdir, so two inputs with
    # the same stem (from different folders) must go to separate runs.
    groups: list[list[Path]] = []
    for doc in docs:
        for group in groups:
            if all(d.stem != doc.stem for d in group):
                group.append(doc)
                break
        else:
            groups.append([doc])
    return groups


def _place(tmp_pdf: Path, final: Path, *, force: bool = True) -> None:
    os.chmod(tmp_pdf, 0o600)
    if not force:  # a hard link fails if the name exists: never over a PDF without --force
        try:
            os.link(tmp_pdf, final)
            return
        except FileExistsError:
            raise PdfError("already exists; not overwritten (use --force to replace it)", file=final) from None
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise PdfError(f"cannot write the PDF ({exc.strerror or exc})", file=final) from exc
            if os.path.lexists(final):
                raise PdfError("already exists; not overwritten (use --force to replace it)", file=final) from None
    try:
        os.replace(tmp_pdf, final)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise PdfError(f"cannot write the PDF ({exc.strerror or exc})", file=final) from exc
    # --out on another file system than the .docx: copy beside it, then rename.
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as fh, open(tmp_pdf, "rb") as src:
            shutil.copyfileobj(src, fh)
        os.chmod(name, 0o600)
        os.replace(name, final)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def convert_to_pdf(docx_paths: list[Path], out_dir: Path, *, timeout: float = 180, force: bool = True) -> list[Path]:
    """Write ``X.pdf`` next to each ``X.docx`` (mode 0600); returns the PDF paths in order.

    Temporary files live in a hidden folder inside ``out_dir``. If some documents
    convert and others do not, the good PDFs are kept and the ``PdfError`` names the first
    failure; its ``converted`` lists the PDFs that were written.
    """
    docs = [Path(p) for p in docx_paths]
    if not docs:
        return []
    for doc in docs:
        if not doc.is_file():
            raise PdfError("cannot convert to PDF: the document does not exist", file=doc)
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(NOT_INSTALLED)
    out_dir = Path(out_dir)
    try:
        make_private_dirs(out_dir)
        work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out_dir))
    except OSError as exc:
        raise PdfError(f"cannot create a temporary folder ({exc.strerror or exc})", file=out_dir) from exc
    profile = Path(tempfile.mkdtemp(prefix="drafting-lo-profile-"))
    try:
        produced: dict[Path, Path] = {}
        failed: list[tuple[Path, str]] = []
        for index, group in enumerate(_groups(docs)):
            outdir = work / str(index)
            outdir.mkdir()
            hint = _run_soffice(soffice, group, outdir, profile, timeout)
            for doc in group:
                pdf = outdir / (doc.stem + ".pdf")
                if _is_pdf(pdf):
                    produced[doc] = pdf
                else:
                    failed.append((doc, hint))
        written = []
        for doc in docs:
            if doc in produced:
                final = doc.with_suffix(".pdf")
                _place(produced[doc], final, force=force)
                written.append(final)
        if failed:
            doc, hint = failed[0]
            others = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            raise PdfError(f"LibreOffice produced no PDF{hint}{others}", file=doc, converted=written)
        return written
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


# Characters that draw nothing of their own (controls, format marks such as ZWJ and
# bidi controls, spaces, combining marks): a font need not carry them.
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me")


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that no installed font can draw (fontconfig's view,
    which is LibreOffice's on Linux): they print as empty boxes. Empty when fontconfig's
    ``fc-list`` is not there to ask."""
    import unicodedata

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    wanted = sorted({c for c in text if ord(c) > 0x7E and unicodedata.category(c) not in _INVISIBLE})

    def covered(chars: list[str]) -> bool:
        charset = " ".join(f"{ord(c):x}" for c in chars)
        run = subprocess.run([fc_list, f":charset={charset}", "family"], capture_output=True, text=True,
                             timeout=30)
        return bool(run.stdout.strip())

    missing: list[str] = []
    # most letters need one question: does some font draw every character at once?
    pending = [wanted] if wanted else []
    while pending:
        chunk = pending.pop()
        if covered(chunk):
            continue
        if len(chunk) == 1:
            missing.extend(chunk)
        else:
            half = len(chunk) // 2
            pending += [chunk[:half], chunk[half:]]
    return sorted(missing)
