"""Nothing lost, under random hostile input: every text field of every kind, filled with
any text XML 1.0 can hold (markup, Jinja, right-to-left, emoji, line breaks, tabs …),
reaches the bundled letters verbatim; text XML cannot hold is refused naming the field;
no matter id or recipient name can put a file outside --out.

Case files and firm profiles are written as YAML double-quoted scalars with every
character YAML would not keep as typed written as an escape, so the generator cannot
produce YAML that means something else than the value it intends.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from drafting.docxtext import Paragraph, Table, read_document
from drafting.errors import CaseFileError
from drafting.kinds import KINDS as ALL_KINDS
from drafting.loading import load_case, load_firm
from drafting.render import Renderer
from helpers import fuzz

KINDS = tuple(ALL_KINDS)  # every declared kind
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------- generating text

# XML 1.0 Char: tab, newline, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
XML_ILLEGAL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]

HOSTILE_PIECES = [
    "&", "<", ">", '"', "'", "&amp;", "&lt;", "&#0;", "&#x1;", "&nbsp;", "]]>", "<![CDATA[x]]>",
    "{{ 7*7 }}", "{{", "}}", "{%", "%}", "{% if x %}", "{%p endfor %}", "{%tr for r in x %}", "{#", "#}",
    "{{ client.__class__.__mro__ }}", "{% raw %}", "${x}", "%s", "{0}",
    "</w:t></w:r></w:p>", '<w:t xml:space="preserve">', "<w:br/>", "<!-- -->", "<?xml ?>",
    "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "\\", "\\n", "\\u0000",
    "Zoë", "Ñúñez", "李小龍", "שלום", "مرحبا", "\u200f", "\u202e", "\u200d", "\ufeff", "\u00a0",
    "🙂", "👩\u200d👩\u200d👧", "\U0010fffd", "\ufdd0", "\U0001fffe", "e\u0301",
    "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
    "\n", "\t", "\r\n", "\r", "  ", " ", "x" * 300,
]

# Every character XML 1.0 can hold; control characters and breaks are fine too.
xml_char = st.characters(blacklist_categories=("Cs",)).filter(lambda c: c not in XML_ILLEGAL)
hostile_text = st.lists(
    st.one_of(st.text(xml_char, max_size=12), st.sampled_from(HOSTILE_PIECES)), max_size=6
).map("".join)


def yaml_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as exactly ``value``."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            # not printable in a YAML stream, or a YAML line break that would be folded
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def as_written(value: str) -> str:
    """What a reader sees: a line break for CR LF, CR or LF (documented in SECURITY.md)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- case and firm files

# field -> (file, dotted path, kinds whose bundled template prints it)
FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "client_name": ("case", "client.name", KINDS),
    "client_salutation": ("case", "client.salutation", ("engagement", "advisory")),
    "client_address0": ("case", "client.address[0]", ("engagement", "advisory")),
    "client_address1": ("case", "client.address[1]", ("engagement", "advisory")),
    "client_email": ("case", "client.email", ()),  # no bundled letter prints it; see below
    "matter_id": ("case", "matter.id", KINDS),
    "court": ("case", "matter.court", KINDS),
    "case_number": ("case", "matter.case_number", KINDS),
    "agency": ("case", "matter.agency", ("engagement",)),
    "statute": ("case", "charges[0].statute", ("engagement", "advisory")),
    "charge_title": ("case", "charges[0].title", ("engagement", "advisory")),
    "recipient_name": ("case", "preservation[0].recipient.name", ("preservation",)),
    "attention": ("case", "preservation[0].recipient.attention", ("preservation",)),
    "recipient_address0": ("case", "preservation[0].recipient.address[0]", ("preservation",)),
    "recipient_address1": ("case", "preservation[0].recipient.address[1]", ("preservation",)),
    "recipient_email": ("case", "preservation[0].recipient.email", ("preservation",)),
    "recipient_reference": ("case", "preservation[0].recipient.reference", ("preservation",)),
    "account": ("case", "preservation[0].account", ("preservation",)),
    "software": ("case", "preservation[0].observations[0].software", ("preservation",)),
    "firm_name": ("firm", "name", KINDS),
    "firm_address0": ("firm", "address[0]", KINDS),
    "firm_address1": ("firm", "address[1]", KINDS),
    "firm_phone": ("firm", "phone", KINDS),
    "firm_email": ("firm", "email", KINDS),
    "firm_website": ("firm", "website", KINDS),
    "attorney_name": ("firm", "attorneys[0].name", KINDS),
    "attorney_title": ("firm", "attorneys[0].title", KINDS),
    "attorney_bar": ("firm", "attorneys[0].bar", KINDS),
    "attorney_email": ("firm", "attorneys[0].email", KINDS),
    "attorney_phone": ("firm", "attorneys[0].phone", KINDS),
}


def plain_values() -> dict[str, str]:
    """Ordinary values for every field (each test replaces some of them)."""
    return {key: f"{key.replace('_', ' ')} value" for key in FIELDS}


def case_text(v: dict[str, str]) -> str:
    q = {k: yaml_quoted(x) for k, x in v.items()}
    return f"""\
date: 2026-11-28
matter:
  id: {q['matter_id']}
  jurisdiction: CA
  stage: charged
  court: {q['court']}
  case_number: {q['case_number']}
  agency: {q['agency']}
client:
  name: {q['client_name']}
  salutation: {q['client_salutation']}
  address: [{q['client_address0']}, {q['client_address1']}]
  email: {q['client_email']}
charges:
  - statute: {q['statute']}
    title: {q['charge_title']}
    counts: 2
engagement:
  fee: {{type: flat, amount: 25000}}
preservation:
  - recipient:
      name: {q['recipient_name']}
      kind: isp
      attention: {q['attention']}
      address:
        - {q['recipient_address0']}
        - {q['recipient_address1']}
      email: {q['recipient_email']}
      reference: {q['recipient_reference']}
    account: {q['account']}
    identify_client: true            # so that every field of the case reaches this letter
    period: {{from: 2026-08-01, to: 2026-10-31}}
    observations:
      - ip: 203.0.113.45
        port: 51413
        at: "2026-09-14 03:22:10 -07:00"
        software: {q['software']}
advisory:
  state: CA
"""


def firm_text(v: dict[str, str]) -> str:
    q = {k: yaml_quoted(x) for k, x in v.items()}
    return f"""\
name: {q['firm_name']}
address:
  - {q['firm_address0']}
  - {q['firm_address1']}
phone: {q['firm_phone']}
email: {q['firm_email']}
website: {q['firm_website']}
attorneys:
  - id: a1
    name: {q['attorney_name']}
    title: {q['attorney_title']}
    bar: {q['attorney_bar']}
    email: {q['attorney_email']}
    phone: {q['attorney_phone']}
"""


def write_files(folder: Path, values: dict[str, str]) -> Path:
    (folder / "firm.yaml").write_text(firm_text(values), encoding="utf-8")
    case = folder / "case.yaml"
    case.write_text(case_text(values), encoding="utf-8")
    return case


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``text`` on which ``needle`` starts."""
    return text[: text.index(needle)].count("\n") + 1


# ---------------------------------------------------------------- reading letters back


def paragraph_texts(blocks) -> list[str]:
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    out.extend(paragraph_texts(cell.blocks))
    return out


def document_text(data: bytes) -> str:
    """Every paragraph of body, headers and footers, one per line-of-NULs (NUL never
    occurs in a letter, so a value cannot be "found" across two paragraphs)."""
    doc = read_document(data)
    texts = []
    for _name, blocks in doc.sections():
        texts.extend(paragraph_texts(blocks))
    return "\x00".join(texts)


# One renderer for the module: templates are compiled once. Each example writes into its
# own fresh folder, so the renderer's firm cache never serves a stale profile.
RENDERER = Renderer(draft=True)


def render_texts(case: Path, kinds=KINDS) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind in kinds:
        docs = RENDERER.documents(kind, case, out_dir=case.parent / "out")
        out[kind] = [document_text(d.data) for d in docs]
    return out


def marked(tag: str, inner: str) -> str:
    """A value whose start and end are unmistakable in the letter."""
    return f"‹{tag}›{inner}‹/{tag}›"


# ---------------------------------------------------------------- nothing lost


@st.composite
def hostile_values(draw) -> dict[str, str]:
    values = {}
    for i, key in enumerate(FIELDS):
        values[key] = marked(f"f{i}", draw(hostile_text))
    # a matter id that looks like a path is slugged for the file name, printed as it is
    return values


@settings(max_examples=fuzz(50), **SETTINGS)
@given(values=hostile_values())
@example(values={key: marked(f"f{i}", "".join(HOSTILE_PIECES[i::len(FIELDS)]))
                 for i, key in enumerate(FIELDS)})
def test_every_text_field_reaches_every_kind_verbatim(values):
    with tempfile.TemporaryDirectory() as tmp:
        case = write_files(Path(tmp), values)
        texts = render_texts(case)
    for key, (_file, path, kinds) in FIELDS.items():
        expected = as_written(values[key])
        for kind in kinds:
            for text in texts[kind]:
                # verbatim also means never evaluated: "{{ 7*7 }}" stays, no "49" in its place
                assert expected in text, f"{path} lost or changed in the {kind} letter: {values[key]!r}"


@pytest.fixture(scope="module")
def email_renderer(tmp_path_factory) -> Renderer:
    """A firm template that prints client.email, which the bundled letters do not."""
    from docx import Document

    templates = tmp_path_factory.mktemp("tpl")
    doc = Document()
    doc.add_paragraph().add_run("{{ client.email }}")
    doc.save(templates / "engagement.docx")
    return Renderer(templates_dir=templates)


@settings(max_examples=fuzz(30), **SETTINGS)
@given(email=hostile_text)
def test_a_field_no_bundled_letter_prints_reaches_a_template_that_does(email_renderer, email):
    values = plain_values()
    values["client_email"] = marked("e", email)
    with tempfile.TemporaryDirectory() as tmp:
        case = write_files(Path(tmp), values)
        (doc,) = email_renderer.documents("engagement", case, out_dir=case.parent / "out")
    assert document_text(doc.data) == as_written(values["client_email"])


# ---------------------------------------------------------------- names of files


@settings(max_examples=fuzz(80), **SETTINGS)
@given(field=st.sampled_from(["matter_id", "recipient_name"]), name=hostile_text)
@example(field="matter_id", name="../../etc/passwd")
@example(field="matter_id", name="/")
@example(field="matter_id", name="李小龍 🙂")
@example(field="recipient_name", name="..")
@example(field="recipient_name", name="C:\\Windows\\system32")
def test_names_stay_inside_out_or_are_refused_naming_the_field(field, name):
    assume(name.strip())
    values = plain_values()
    values[field] = name
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        case = write_files(folder, values)
        out = folder / "deep" / "out"
        try:
            docs = RENDERER.documents("preservation", case, out_dir=out)
        except CaseFileError as exc:
            # a name without letters or digits cannot name a file: said, and where
            assert exc.field == FIELDS[field][1]
            key = "id: " if field == "matter_id" else "      name: "
            assert exc.file == str(case) and exc.line == line_of(case_text(values), key + yaml_quoted(name))
            assert "no letters or digits" in exc.message or "no visible character" in exc.message
            return
    (doc,) = docs
    assert doc.path.parent == out
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-preservation-[a-z0-9]+(-[a-z0-9]+)*\.docx", doc.path.name)
    assert len(doc.path.name) < 160


# ---------------------------------------------------------------- text XML cannot hold

TEXT_FIELDS = list(FIELDS)


@settings(max_examples=fuzz(80), **SETTINGS)
@given(field=st.sampled_from(TEXT_FIELDS), bad=st.sampled_from(XML_ILLEGAL), before=hostile_text,
       after=hostile_text)
def test_text_xml_cannot_hold_is_refused_naming_the_field(field, bad, before, after):
    file, path, _kinds = FIELDS[field]
    values = plain_values()
    values[field] = "x" + before + "S3CR3T" + bad + after
    with tempfile.TemporaryDirectory() as tmp:
        case = write_files(Path(tmp), values)
        with pytest.raises(CaseFileError) as info:
            load_case(case) if file == "case" else load_firm(case.parent / "firm.yaml")
    errors = getattr(info.value, "errors", [info.value])
    (error,) = errors
    assert error.field == path
    assert Path(error.file).name == f"{file}.yaml"
    text = case_text(values) if file == "case" else firm_text(values)
    assert error.line == line_of(text, yaml_quoted(values[field]))
    assert f"U+{ord(bad):04X}" in error.message and "cannot hold" in error.message
    # Confidential: the error says where, not what the client's text is.
    assert "S3CR3T" not in str(error)


@pytest.mark.parametrize("surrogate", LONE_SURROGATES)
@pytest.mark.parametrize("field", ["client_name", "software", "firm_name", "attorney_bar"])
def test_lone_surrogate_is_refused_at_its_line(field, surrogate):
    """A lone surrogate can only be written as a YAML escape; it never reaches a letter."""
    file, _path, _kinds = FIELDS[field]
    values = plain_values()
    values[field] = f"a{surrogate}b"
    with tempfile.TemporaryDirectory() as tmp:
        case = write_files(Path(tmp), values)
        target = case if file == "case" else case.parent / "firm.yaml"
        with pytest.raises(CaseFileError) as info:
            load_case(target) if file == "case" else load_firm(target)
    text = case_text(values) if file == "case" else firm_text(values)
    assert info.value.file == str(target)
    assert info.value.line == line_of(text, yaml_quoted(values[field]))


@pytest.mark.parametrize("bad", [c for c in XML_ILLEGAL if c not in "\x00"])
def test_raw_control_character_in_the_file_is_refused_at_its_line(tmp_path, bad):
    """Typed (or pasted) straight into the file rather than escaped."""
    values = plain_values()
    case = write_files(tmp_path, values)
    text = case_text(values).replace(yaml_quoted(values["agency"]), f'"Agen{bad}cy"')
    case.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case(case)
    assert info.value.file == str(case)
    assert info.value.line == line_of(text, "Agen")
    assert f"U+{ord(bad):04X}" in str(info.value) or f"#x{ord(bad):04x}" in str(info.value)


def test_line_breaks_of_every_kind_become_word_line_breaks(tmp_path):
    values = plain_values()
    values["client_name"] = "A\r\nB\rC\nD\tE"
    case = write_files(tmp_path, values)
    for text in itertools.chain.from_iterable(render_texts(case).values()):
        assert "A\nB\nC\nD\tE" in text
        assert "\r" not in text


def test_generator_round_trips_through_the_yaml_loader(tmp_path):
    """The escaping above is what makes the other tests meaningful: check it on its own."""
    from drafting.yamlio import parse_yaml

    everything = "".join(HOSTILE_PIECES) + "".join(chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000)
    located = parse_yaml(f"a: {yaml_quoted(everything)}\n".encode(), tmp_path / "x.yaml")
    assert located.data == {"a": everything}

