"""Turn a case file into documents: the library entry point (``render_case``).

A ``Renderer`` keeps what is expensive to build — compiled templates, firm profiles,
rule data — for the life of the process, so a batch worker compiles each template once.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .dates import parse_date
from .docx_template import CompiledTemplate, Properties, bundled_templates  # noqa: F401 (re-exported)
from .errors import (
    CaseFileError,
    DraftingError,
    NameClashError,
    OutputError,
    OutputExistsError,
    TemplateError,
    UsageError,
)
from .kinds import KINDS, Inputs, Kind, Letter
from .kinds.base import field_for
from .loading import LoadedCase, LoadedFirm, find_firm, load_case, load_firm
from .naming import output_path, slug
from .output import prepare_out_dir, remove_stale_pdf, write_atomic
from .rules import load_rules
from .template_cache import load_or_compile

# Compiled templates for the life of the process, shared by every Renderer: compiling
# is most of docxtpl's cost, and a template file that changes gets a new key.
_COMPILED: dict[tuple, CompiledTemplate] = {}


@dataclass
class Document:
    """A rendered document, not yet written."""

    path: Path
    data: bytes


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # PDFs of replaced documents (now stale)


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UsageError(f"unknown kind {name!r}; known kinds: {', '.join(KINDS)}") from None


class Renderer:
    """Renders cases; caches compiled templates, firm profiles and rule data."""

    def __init__(self, *, templates_dir: str | Path | None = None, firm_path: str | Path | None = None,
                 draft: bool = False) -> None:
        self.draft = draft  # render letters the rule data cannot yet make client-ready, marked as drafts
        self.templates_dir = Path(templates_dir) if templates_dir else None
        self.firm_path = Path(firm_path) if firm_path else None
        self._firms: dict[Path, LoadedFirm] = {}
        self._firm_paths: dict[str, Path] = {}  # case folder -> its firm profile
        self._resolved: dict[Path, str] = {}  # template path -> its real path (a cache key)
        self._trusted_rules: set[Path] = set()  # rule folders checked (once per process)

    # -- lookups ------------------------------------------------------------------
    def firm_for(self, case_path: Path) -> LoadedFirm:
        # Found once per folder: a batch has hundreds of cases in one folder, and the
        # search resolves every parent.
        folder = os.path.abspath(os.path.dirname(case_path))
        path = self._firm_paths.get(folder)
        if path is None:
            path = self._firm_paths[folder] = find_firm(Path(case_path), self.firm_path).resolve()
        if path not in self._firms:
            self._firms[path] = load_firm(path)
        return self._firms[path]

    @staticmethod
    def _check_rules_folder(rules_dir: Path, firm: LoadedFirm) -> None:
        """The firm's rule folder, and each rule file in it, writable by its owner only."""
        from .loading import untrusted_reason

        try:
            files = sorted(rules_dir.rglob("*.y*ml")) if rules_dir.is_dir() else []
        except OSError:
            files = []
        for path in [rules_dir, *files]:
            reason = untrusted_reason(path, explicit=True)
            if reason:
                what = "rule folder" if path == rules_dir else f"rule file {path.name}"
                raise CaseFileError(f"{what} {reason}; drafting will not use it", field="rules",
                                    **firm.source.where(("rules",)))

    def template_path(self, kind: Kind, firm: LoadedFirm | None = None) -> Path:
        """The template in use: ``--templates``, else the firm's folder, else the bundled one."""
        folders = []
        if self.templates_dir is not None:
            if not self.templates_dir.is_dir():
                raise TemplateError("templates folder not found", file=self.templates_dir)
            folders.append(self.templates_dir)
        if firm is not None and firm.firm.templates:
            folder = firm.folder(firm.firm.templates)
            if not folder.is_dir():
                raise CaseFileError("templates folder not found", field="templates",
                                    **firm.source.where(("templates",)))
            folders.append(folder)
        for folder in folders:
            _refuse_untrusted(folder, what="templates folder", explicit=True)
            candidate = folder / kind.template_name
            if candidate.is_file():
                _refuse_untrusted(candidate, what="template", explicit=True)
                return candidate
            _refuse_lookalike(folder, kind.template_name)
        bundled = bundled_templates() / kind.template_name
        if bundled.is_file():
            return bundled
        raise TemplateError(f"no template {kind.template_name}", file=bundled.parent)

    def compiled(self, path: Path) -> CompiledTemplate:
        try:
            stat = path.stat()
        except OSError as exc:
            raise TemplateError(f"cannot be read ({exc.strerror})", file=path) from exc
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = str(path.resolve())
        key = (resolved, stat.st_mtime_ns, stat.st_size)
        if key not in _COMPILED:
            _COMPILED[key] = load_or_compile(path)
        return _COMPILED[key]

    # -- rendering ----------------------------------------------------------------
    def letters(self, kind_name: str, case: str | Path | LoadedCase, *, letter_date: object = None):
        """The letters a case yields for a kind: ``(inputs, [(file stem, Letter)])``."""
        kind = get_kind(kind_name)
        loaded = case if isinstance(case, LoadedCase) else load_case(case)
        kind.require_sections(loaded)
        firm = self.firm_for(loaded.path)
        rules_dir = firm.folder(firm.firm.rules)
        if rules_dir is not None and rules_dir not in self._trusted_rules:
            self._check_rules_folder(rules_dir, firm)
            self._trusted_rules.add(rules_dir)
        rules = load_rules(rules_dir, attorneys=tuple(a.id for a in firm.firm.attorneys))
        when = _letter_date(letter_date, loaded)
        attorney = firm.attorney(loaded.case.matter.attorney, **loaded.where("matter", "attorney"))
        inputs = Inputs(loaded=loaded, firm=firm, attorney=attorney, rules=rules, letter_date=when, draft=self.draft)
        matter_slug = slug(loaded.case.matter.id, what="matter id", where=loaded.where("matter", "id"))
        return inputs, [(f"{matter_slug}-{letter.suffix}", letter) for letter in kind.build(inputs)]

    def stems(self, kind_name: str, case: str | Path | LoadedCase) -> list[str]:
        """The file stems a case's letters take, built only if the kind cannot say them
        without (``Kind.suffixes``): a batch names every document before it writes any."""
        kind = get_kind(kind_name)
        loaded = case if isinstance(case, LoadedCase) else load_case(case)
        if kind.suffixes is None:
            return [stem for stem, _ in self.letters(kind_name, loaded)[1]]
        kind.require_sections(loaded)
        matter_slug = slug(loaded.case.matter.id, what="matter id", where=loaded.where("matter", "id"))
        return [f"{matter_slug}-{suffix}" for suffix in kind.suffixes(loaded)]

    def documents(
        self, kind_name: str, case: str | Path | LoadedCase, *, out_dir: Path, letter_date: object = None
    ) -> list[Document]:
        """Build every document a case yields for a kind, in memory."""
        return self._documents(kind_name, case, out_dir=out_dir, letter_date=letter_date)[0]

    def _documents(self, kind_name, case, *, out_dir: Path, letter_date: object = None, skip_existing: bool = False):
        """``(documents, existing)``; with ``skip_existing`` a document whose file exists is
        not rendered (a rerun of a batch only checks names) but listed in ``existing``."""
        kind = get_kind(kind_name)
        inputs, letters = self.letters(kind_name, case, letter_date=letter_date)
        firm, loaded = inputs.firm, inputs.loaded
        template = self.compiled(self.template_path(kind, firm))
        docs, existing = [], []
        for stem, letter in letters:
            path = output_path(out_dir, stem)
            title = f"{letter.title} — {loaded.case.matter.id}"
            if path.exists():
                _check_owner(path, title, loaded)
                if skip_existing:
                    existing.append(path)
                    continue
            props = Properties(title=title, subject=kind.title, author=firm.firm.name,
                               letter_date=inputs.letter_date)
            data = template.render(letter.context, props, locate=_locator(kind, letter, loaded, firm))
            docs.append(Document(path, data))
        return docs, existing

    def plan_case(
        self,
        kind_name: str,
        case_path: str | Path,
        *,
        out_dir: str | Path = "out",
        letter_date: object = None,
        force: bool = False,
        skip_existing: bool = False,
        pdf: bool = False,
    ) -> tuple[list[Document], list[Path]]:
        """Render a case in memory and decide what to write: ``(documents, existing ones left)``.
        An existing document is an error unless ``force`` or ``skip_existing``."""
        out_dir = Path(out_dir)
        if skip_existing and not force:
            docs, existing = self._documents(kind_name, case_path, out_dir=out_dir, letter_date=letter_date,
                                             skip_existing=True)
        else:
            docs, existing = self.documents(kind_name, case_path, out_dir=out_dir, letter_date=letter_date), []
            found = [d.path for d in docs if d.path.exists()]
            if found and not force:
                raise OutputExistsError(path=found[0])
        if not force:  # a PDF is an output too: never replaced (nor left stale) without --force
            for d in docs:
                if os.path.lexists(d.path.with_suffix(".pdf")):  # (not OutputExistsError: not a skip)
                    raise OutputError("already exists; not overwritten (use --force to replace it)",
                                      file=d.path.with_suffix(".pdf"))
        return docs, existing

    def render_case(
        self,
        kind_name: str,
        case_path: str | Path,
        *,
        out_dir: str | Path = "out",
        letter_date: object = None,
        force: bool = False,
        skip_existing: bool = False,
        pdf: bool = False,
    ) -> RenderResult:
        """Render and write one case. Nothing is written if any document fails or exists
        (unless ``force``; with ``skip_existing`` existing ones are left and reported).
        An existing PDF beside a document counts as an existing document; with ``force``
        the PDF of a document replaced is removed (``removed``), so none is left stale."""
        docs, existing = self.plan_case(kind_name, case_path, out_dir=out_dir, letter_date=letter_date,
                                        force=force, skip_existing=skip_existing, pdf=pdf)
        written = write_documents(docs, Path(out_dir), force=force)
        # A PDF made from a document just replaced would say something else: removed now,
        # even when a new one is to be made (the conversion may fail).
        removed = [p for p in map(remove_stale_pdf, written) if p is not None]
        return RenderResult(written=written, skipped=existing, removed=removed)


def write_documents(docs: list[Document], out_dir: Path, *, force: bool) -> list[Path]:
    """Write rendered documents (each whole, 0600); the paths written, in order."""
    if docs:
        prepare_out_dir(out_dir)
    written = []
    for doc in docs:
        write_atomic(doc.path, doc.data, force=force)
        written.append(doc.path)
    return written


def _refuse_lookalike(folder: Path, name: str) -> None:
    """A file in the firm's folder that was meant as this template but cannot be used
    (``Engagement.docx``, a broken link, a folder) is an error, never a silent fall-back
    to the bundled template."""
    candidate = folder / name
    if os.path.lexists(candidate):
        raise TemplateError("is not a readable file (a broken link, or a folder?); the bundled template "
                            "is not used in its place", file=candidate)
    try:
        entries = os.listdir(folder)
    except OSError as exc:
        raise TemplateError(f"templates folder cannot be read ({exc.strerror})", file=folder) from exc
    for entry in entries:
        if entry != name and entry.strip().lower() == name:
            raise TemplateError(f"is named {entry!r}, but the template must be named {name} exactly; rename it "
                                "(the bundled template is not used in its place)", file=folder / entry)


def _refuse_untrusted(path: Path, *, what: str, explicit: bool) -> None:
    """A firm profile, template or folder that anyone could have written is not used."""
    from .loading import untrusted_reason

    reason = untrusted_reason(path, explicit=explicit)
    if reason:
        raise TemplateError(f"{what} {reason}; drafting will not use it", file=path)


def _check_owner(path: Path, title: str, loaded: LoadedCase) -> None:
    """An existing document at a letter's name must be this matter's letter (its title
    ends with the matter id); another matter's letter is a clash, ``--force`` or not."""
    theirs = existing_title(path)
    # Letter titles hold no " — ": what follows the first one is the matter id. The
    # letter's own title may change (a recipient's kind); its matter may not.
    # A file with no readable properties (not a document, or stripped by hand) cannot be
    # told apart from this case's letter edited by hand: it is left to --force as before.
    if theirs is None:
        return
    matter = theirs.partition(" — ")[2]
    if matter == title.partition(" — ")[2]:
        return
    other = f"an earlier letter for matter {_cut(matter)!r}"
    writer = _manifest_case_for(path)
    if writer and os.path.abspath(writer) != os.path.abspath(loaded.path):
        other += f" from {writer}"
    raise NameClashError(document=path, other=other, **loaded.where("matter", "id"))


def existing_title(path: Path) -> str | None:
    """The title in a document's properties (drafting writes kind and matter id there), or None."""
    from lxml import etree

    from .ooxml import open_docx_zip, parse_part, read_part

    try:
        with open_docx_zip(path) as zf:
            root = parse_part(read_part(zf, "docProps/core.xml"), name="docProps/core.xml", file=path)
    except (DraftingError, OSError, etree.XMLSyntaxError):
        return None
    node = root.find("{http://purl.org/dc/elements/1.1/}title")
    return node.text or "" if node is not None else None


def _manifest_case_for(path: Path) -> str | None:
    """The case file an earlier batch recorded as writing ``path`` (for the message only)."""
    import json

    for manifest in sorted(path.parent.glob("manifest*.json")):
        try:
            if manifest.stat().st_size > 50 * 2**20:
                continue
            for case in json.loads(manifest.read_text(encoding="utf-8")).get("cases", []):
                if any(o.get("path") == str(path) for o in case.get("outputs", [])):
                    return str(case.get("case"))
        except (OSError, ValueError, AttributeError, TypeError):
            continue
    return None


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_case(kind: str, case_path: str | Path, **options) -> RenderResult:
    """Render one case with a fresh ``Renderer`` (see ``Renderer.render_case`` for options)."""
    templates_dir = options.pop("templates_dir", None)
    firm_path = options.pop("firm_path", None)
    draft = options.pop("draft", False)
    return Renderer(templates_dir=templates_dir, firm_path=firm_path, draft=draft).render_case(kind, case_path,
                                                                                           **options)


def _letter_date(explicit: object, loaded: LoadedCase) -> dt.date:
    if explicit is not None:
        try:
            return parse_date(explicit)
        except ValueError as exc:
            raise UsageError(f"--date: {exc}") from None
    if loaded.case.date is not None:
        return loaded.case.date
    return dt.date.today()


def _locator(kind: Kind, letter: Letter, loaded: LoadedCase, firm: LoadedFirm):
    """Map a context path (``request.recipient.email``) to where the user would fix it."""

    def locate(path: str) -> dict:
        parts = kind.case_path(letter, field_for(path))
        if parts and parts[0] in ("firm", "attorney"):
            loc = parts[1:]
            if parts[0] == "attorney":
                ids = [a.id for a in firm.firm.attorneys]
                attorney_id = loaded.case.matter.attorney or ids[0]
                loc = ("attorneys", ids.index(attorney_id)) + loc
            return firm.source.where(loc, key=True)
        return loaded.source.where(parts, key=True)

    return locate
