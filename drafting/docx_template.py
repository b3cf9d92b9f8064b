"""A .docx template compiled once and rendered many times.

docxtpl re-reads the package, re-patches the XML and recompiles the Jinja source on
every render; most of its time goes there. Here a template is opened, checked, patched
with docxtpl's own ``patch_xml`` (so its dialect — ``{%p %}``, ``{%tr %}``, ``{%r %}`` —
works unchanged) and compiled once; each render only runs the compiled templates and
compresses the parts that changed.

Per letter the cost is the Jinja run and one deflate of each part whose text differs
from the last letter's (measured with ``benchmarks/bench.py``): a part whose structure is
proven well-formed for any data when it is compiled (``proven_well_formed``; every bundled
template) only has its characters checked, any other part is parsed by expat after each
rendering; a header that comes out the same as last time reuses its compressed bytes, and
letter parts are deflated at a lower level than the static parts (a third of the time,
~10% larger).
"""

from __future__ import annotations

import datetime as dt
import marshal
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
import jinja2.meta
import jinja2.nodes
from jinja2.sandbox import SecurityError

from .bundled import bundled_templates  # noqa: F401 (re-exported)
from .environment import EmptyValue, IllegalCharacter, MissingValue, Record, make_environment
from .errors import MissingFieldError, TemplateError
from .wellformed import _check_well_formed, _legal_characters, proven_well_formed  # noqa: F401
from .zipwriter import LETTER_LEVEL, Entry, make_entry, write_zip

_TAG = re.compile(r"\{[{%#]")
MAX_PART_CHARS = 50 * 10**6  # a letter's part is a few hundred kB; 5,000 observations ~5 MB
_CORE = "docProps/core.xml"
_APP = "docProps/app.xml"
# Extended properties that are true of every letter: the application that wrote it. A
# template's own (Word's page, word and line counts of the template, its name for Word)
# would describe another document; Word recomputes the counts when it saves.
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>drafting</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
).encode("utf-8")
# The parts of a .docx that hold a template's text (the linter reads the same ones).
TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_PARAGRAPH_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


@dataclass(frozen=True)
class Properties:
    """Document properties, fixed for reproducibility (derived from the letter date)."""

    title: str
    subject: str
    author: str
    letter_date: dt.date


class CompiledTemplate:
    """A template ready to render; build it with ``compile_template``."""

    def __init__(
        self,
        path: Path,
        parts: list[tuple[str, Entry | jinja2.Template | None]],
        names: set[str] | None = None,
        *,
        sources: list[str] = (),
        codes: dict[str, Any] | None = None,
        key: tuple | None = None,
        proven: set[str] | frozenset[str] = frozenset(),
    ):
        self.path = path
        self._parts = parts
        self._names = names
        self._sources = list(sources)  # the patched Jinja sources, for ``variables``
        self._codes = codes or {}  # part name -> compiled Python code, so it can be pickled
        self.key = key  # (resolved path, mtime_ns, size) of the file it was compiled from
        # Parts whose every rendering is well-formed XML (``proven_well_formed``): they
        # skip the per-letter parse; only the characters printed into them are checked.
        self.proven = frozenset(proven)
        self._last: dict[str, tuple[bytes, Entry]] = {}  # part name -> last rendered text, entry

    def __reduce__(self):
        # Picklable so another process can compile it (batch compiles ahead in a helper):
        # Jinja templates travel as their marshalled code and are rebuilt around a fresh
        # environment on arrival.
        layout = []
        for name, part in self._parts:
            if isinstance(part, jinja2.Template):
                layout.append((name, marshal.dumps(self._codes[name])))
            else:
                layout.append((name, part))
        return _restore, (str(self.path), layout, self._sources, self.key, sorted(self.proven))

    @property
    def variables(self) -> set[str]:
        """The top-level context names the template uses (worked out on first use)."""
        if self._names is None:
            env = make_environment()
            names: set[str] = set()
            for source in self._sources:
                names |= jinja2.meta.find_undeclared_variables(env.parse(source))
            self._names = names
        return self._names

    def render(self, context: dict[str, Any], properties: Properties, *, locate: Callable[[str], dict]) -> bytes:
        """The .docx bytes for ``context``. ``locate(field)`` gives file/line for an error."""
        entries = []
        for name, part in self._parts:
            if isinstance(part, Entry):
                entries.append(part)
            elif part is None:
                entries.append(make_entry(name, _core_xml(properties)))
            else:
                data = self._render_part(name, part, context, locate)
                last = self._last.get(name)
                if last is not None and last[0] == data:
                    entries.append(last[1])  # same text as the last letter (a letterhead): reuse it
                    continue
                if name not in self.proven or not _legal_characters(data):
                    _check_well_formed(data, name=name, file=self.path)
                entry = make_entry(name, data, level=LETTER_LEVEL)
                self._last[name] = (data, entry)
                entries.append(entry)
        return write_zip(entries)

    def _render_part(self, name: str, template: jinja2.Template, context: dict, locate) -> bytes:
        try:
            chunks, size = [], 0
            for chunk in template.generate(context):  # a runaway loop stops here, not in the OOM killer
                size += len(chunk)
                if size > MAX_PART_CHARS:
                    raise TemplateError(f"makes more than {MAX_PART_CHARS // 10**6} million characters in {name} "
                                        "(a runaway loop?)", file=self.path)
                chunks.append(chunk)
            xml = "".join(chunks)
        except TemplateError:
            raise
        except MissingValue as exc:
            raise MissingFieldError(
                f"the template {self.path.name} prints this field, but the case does not give it",
                field=exc.path,
                **locate(exc.path),
            ) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"uses {exc.message}, which is not a field of this kind (see `drafting context`)"
                f"{self._where(name, exc)}", file=self.path,
            ) from None
        except SecurityError as exc:
            raise TemplateError(f"is not allowed in the sandbox: {exc}{self._where(name, exc)}",
                                file=self.path) from None
        except IllegalCharacter as exc:
            found = _path_of(context, exc.value)
            where = locate(found) if found and not found.startswith(_NOT_CASE) else {}
            source = "" if where else f" (the value of {found})" if found else " (a value the template computed)"
            raise TemplateError(
                f"a value printed{self._where(name, exc)} holds the control character U+{ord(exc.char):04X}, "
                f"which a Word document cannot hold{source}; remove it from where it was typed",
                **({"file": self.path} if not where else {k: v for k, v in where.items() if k != "field"}),
                **({"field": found} if where else {}),
            ) from None
        except EmptyValue as exc:
            raise TemplateError(f"prints an empty value (none){self._where(name, exc)}", file=self.path) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"failed{self._where(name, exc)}: {exc}", file=self.path) from None
        except RecursionError as exc:
            raise TemplateError(f"recurses without end{self._where(name, exc)} (a macro or loop that calls itself?)",
                                file=self.path) from None
        except MemoryError as exc:
            raise TemplateError(f"ran out of memory{self._where(name, exc)}", file=self.path) from None
        except Exception as exc:  # noqa: BLE001 - any fault of the template's code is the template's
            # (ValueError, TypeError, ArithmeticError, LookupError, AssertionError from a
            # filter given a bad argument, RuntimeError from a dict changed while looped …)
            raise TemplateError(f"failed{self._where(name, exc)}: {type(exc).__name__}: {_cut(str(exc))}",
                                file=self.path) from None
        try:
            return xml.replace("\n<w:p", "<w:p").encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate (\ud800-\udfff) in a printed value
            raise TemplateError(f"a value printed in {name} holds U+{ord(exc.object[exc.start]):04X}, "
                                "which a Word document cannot hold", file=self.path) from None


    def _where(self, name: str, exc: BaseException) -> str:
        """`` in word/document.xml, paragraph 12 (near: 'Dear …')``: where in the template it failed."""
        lineno = None
        tb = exc.__traceback__
        while tb is not None:  # Jinja rewrites its frames to the template's own line numbers
            if tb.tb_frame.f_code.co_filename == "<template>":
                lineno = tb.tb_lineno
            tb = tb.tb_next
        where = f" in {name}"
        if lineno:
            templated = [n for n, part in self._parts if isinstance(part, jinja2.Template)]
            source = self._sources[templated.index(name)] if name in templated else ""
            # each paragraph starts a line of the patched source (compile_template)
            lines = source.splitlines()[:lineno]
            where += f", paragraph {max(sum(1 for ln in lines if ln.startswith('<w:p')), 1)}"
            near = _text_of_line(source, lineno)
            if near:
                where += f" (near: {near!r})"
        return where


def _refuse_printed_none(env, tree, name: str, source: str, path: Path) -> None:
    """``{{ none }}`` is folded when compiled, and Jinja's escaping turns it into the text
    "None" before ``finalize`` can object; refuse it here as rendering would."""
    ctx = jinja2.nodes.EvalContext(env)
    for output in tree.find_all(jinja2.nodes.Output):
        for child in output.nodes:
            if isinstance(child, jinja2.nodes.TemplateData):
                continue
            try:
                value = child.as_const(ctx)
            except Exception:  # noqa: BLE001 - not a constant: rendering decides
                continue
            if value is None:
                near = _text_of_line(source, child.lineno)
                raise TemplateError(f"prints an empty value (none) in {name}" + (f" (near: {near!r})" if near else ""),
                                    file=path)


# Context paths that do not come from the case file: rule data and the firm profile.
_NOT_CASE = ("registration", "rules", "offense", "firm", "attorney", "items", "request.items")


def _path_of(value: Any, wanted: str, path: str = "", depth: int = 0) -> str | None:
    """The context path of the first string equal to ``wanted`` (to name a bad value's source)."""
    if depth > 12:
        return None
    if isinstance(value, str):
        return path if value == wanted or wanted in value else None
    if isinstance(value, Record):
        value = value.fields()
    if isinstance(value, dict):
        for key, item in value.items():
            found = _path_of(item, wanted, f"{path}.{key}" if path else str(key), depth + 1)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _path_of(item, wanted, f"{path}[{i}]", depth + 1)
            if found:
                return found
    return None


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _restore(path: str, layout: list, sources: list[str], key: tuple | None, proven=()) -> CompiledTemplate:
    env = make_environment()
    parts: list[tuple[str, Entry | jinja2.Template | None]] = []
    codes = {}
    for name, part in layout:
        if isinstance(part, bytes):
            codes[name] = marshal.loads(part)
            part = env.template_class.from_code(env, codes[name], env.make_globals(None), None)
        parts.append((name, part))
    return CompiledTemplate(Path(path), parts, sources=sources, codes=codes, key=key, proven=set(proven))


def compile_template(path: str | Path) -> CompiledTemplate:
    """Open, check, patch and compile a .docx template; errors are ``TemplateError``."""
    from docxtpl import DocxTemplate

    from .ooxml import open_docx_zip, parse_part, read_part

    path = Path(path)
    env = make_environment()
    parts: list[tuple[str, Entry | jinja2.Template | None]] = []
    sources: list[str] = []
    codes: dict[str, Any] = {}
    proven: set[str] = set()
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None  # open_docx_zip reports it
    with open_docx_zip(path, what=path) as zf:
        infos = sorted(zf.infolist(), key=lambda i: (i.filename != "[Content_Types].xml"))
        if "word/document.xml" not in {i.filename for i in infos}:
            raise TemplateError("is not a Word document (no word/document.xml)", file=path)
        for info in infos:
            if info.is_dir():
                continue
            raw = read_part(zf, info.filename, file=path)
            name = info.filename
            if name.endswith(".xml") or name.endswith(".rels"):
                parse_part(raw, name=name, file=path)
            if name == _CORE:
                parts.append((name, None))
                continue
            if name == _APP:
                parts.append((name, make_entry(name, APP_XML)))
                continue
            text = _xml_text(raw) if TEMPLATED_PART.match(name) else ""
            if _TAG.search(text):
                source = DocxTemplate.patch_xml(None, text)
                source = re.sub(r"<w:t>", '<w:t xml:space="preserve">', source)
                source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
                try:
                    tree = env.parse(source)
                    if next(tree.find_all(jinja2.nodes.EvalContextModifier), None) is not None:
                        raise TemplateError(
                            f"{name} turns autoescaping off ({{% autoescape %}}); case text must always be "
                            "escaped, so drafting does not allow it", file=path)
                    _refuse_printed_none(env, tree, name, source, path)
                    if proven_well_formed(env, source, tree):
                        proven.add(name)
                    codes[name] = env.compile(tree)  # parsed once
                    parts.append((name, env.template_class.from_code(env, codes[name], env.make_globals(None), None)))
                    sources.append(source)
                except jinja2.TemplateSyntaxError as exc:
                    near = _text_of_line(source, exc.lineno)
                    raise TemplateError(
                        f"Jinja syntax error in {name}: {exc.message}" + (f" (near: {near!r})" if near else ""),
                        file=path,
                    ) from None
                except TemplateError:
                    raise
                except (Exception, RecursionError) as exc:  # noqa: BLE001 - Jinja folding a constant
                    # ({{ 10**100000 }} is printed at compile time): the template's fault
                    raise TemplateError(f"cannot be compiled: {name}: {type(exc).__name__}: {_cut(str(exc))}",
                                        file=path) from None
            else:
                parts.append((name, make_entry(name, raw)))
    return CompiledTemplate(path, parts, sources=sources, codes=codes, key=key, proven=proven)


def _xml_text(raw: bytes) -> str:
    """A part's XML as text. Word writes UTF-8, but XML allows UTF-16: such a part is
    read as what it is and rendered as UTF-8 (its declaration says so)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
        return re.sub(r'(<\?xml[^>]*encoding=["\'])[Uu][Tt][Ff]-?16(["\'])', r"\1UTF-8\2", text, count=1)
    return raw.decode("utf-8", "replace")


def _text_of_line(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    return "".join(_PARAGRAPH_TEXT.findall(lines[lineno - 1]))[:120]


def xml_escape(text: str) -> str:
    """``&``, ``<``, ``>`` as XML entities (``xml.sax.saxutils.escape``, which would import
    ``urllib.request`` and the e-mail and SSL modules at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _core_xml(p: Properties) -> bytes:
    stamp = f"{p.letter_date.isoformat()}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_escape(p.title)}</dc:title>"
        f"<dc:subject>{xml_escape(p.subject)}</dc:subject>"
        f"<dc:creator>{xml_escape(p.author)}</dc:creator>"
        f"<cp:lastModifiedBy>{xml_escape(p.author)}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")
