"""Safe input, under mutation: the example case files and firm profile, damaged at random
(bytes flipped, lines lost, doubled or re-indented, YAML tags, anchors, aliases, merge
keys, huge numbers, deep nesting, bytes that are not UTF-8 …), either still render into
documents that open, or fail with a ``DraftingError`` that names the file and the line.
Any other exception is a bug, and so is an error the user cannot find in the file."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from drafting.errors import CaseFileError, DraftingError
from drafting.kinds import KINDS as ALL_KINDS
from drafting.loading import load_case
from drafting.render import Renderer
from helpers import fuzz

EXAMPLES = Path(__file__).parent.parent / "examples"
SEEDS = {p.name: p.read_bytes() for p in sorted((EXAMPLES / "cases").glob("*.yaml"))}
FIRM = (EXAMPLES / "firm.yaml").read_bytes()
KINDS = tuple(ALL_KINDS)  # every declared kind


def _laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines)


# Whole lines (or blocks of lines) to insert.
SNIPPETS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "x: !!python/object/apply:os.system ['true']",
    "!!python/object:os.system key: value",
    "- !!python/name:os.system",
    "x: !!python/object/new:tuple [[1, 2]]",
    "x: &a {p: 1}\ny:\n  <<: *a",
    "<<: {id: merged}",
    "<<: *nowhere",
    "x: &self [*self]",
    "x: *undefined",
    "&anchor",
    "? [complex, key]\n: value",
    "? {a: b}\n: value",
    "x: " + "9" * 5000,
    "x: 1e999999",
    "x: [.inf, -.inf, .nan, -0, 0x1F, 0o777, 0b101, 1_000, +12, 12:30:00]",
    "x: [yes, no, on, off, y, n, ~, null, Null, NULL, true, False]",
    "x: " + "[" * 200 + "]" * 200,
    "x: " + "{a: " * 100 + "1" + "}" * 100,
    "\n".join(" " * i + "k:" for i in range(120)),
    "- " * 150 + "x",
    "%YAML 1.1\n---",
    "%TAG ! tag:evil.example,2000:\n---",
    "---",
    "...",
    "--- |\n  text",
    "x: !custom value",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !!omap [a: 1, b: 2]",
    "x: !!timestamp 2026-01-01",
    "x: !!str 123",
    "x: !!int '12'",
    "x: !<tag:yaml.org,2002:python/object> {}",
    "x: 'unterminated",
    'x: "unterminated',
    "x: |",
    "x: >-\n  folded\n  text",
    "x: \"\\ud800\"",
    "x: \"\\x00\\x07\\x1b\"",
    "x: \"\\uFFFE\"",
    "\t",
    "#",
    "x: \"\u2028\u2029\x85\ufeff\"",
    _laughs(9),
    'x: &big "' + "A" * 4000 + '"\ny: [' + ", ".join(["*big"] * 3000) + "]",
    "date: 0000-00-00",
    "date: 9999-12-31",
    "date: 99999999999999999999",
    "date: 2026-02-30T25:61:61",
    "client: x",
    "matter:",
    "charges: {}",
    "charges: [1, 2, 3]",
    "preservation: []",
    "preservation: [{}]",
    "engagement: {fee: {type: contingent}}",
    "engagement: {fee: {type: hourly, rate: -1, retainer: 1e400}}",
    "advisory: {state: ZZ}",
    "advisory: {state: [CA]}",
    "  - offense: us-2252a-possession\n    counts: 99999999999999999999",
    "    respond_within_days: 0",
    "    items: [subscriber-records, subscriber-records, nope]",
    "      - {ip: '::ffff:1.2.3.4', port: 0, at: '2026-09-14 03:22:10 Mars/Olympus'}",
    "      - {ip: 999.1.1.1, at: 99999999999999999999}",
    "      - {ip: 'fe80::1%eth0', at: '2026-09-14T03:22:10+25:00'}",
]

# Values to put after a "key: " already in the file.
VALUES = [
    "", "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "yes", "0", "-1", "1.5", "1e309", "9" * 400,
    "0x10", "2026-13-45", "2026-02-29", "'2026-09-14 03:22:10'", '"{{ 7*7 }}"', "'<w:t>&amp;</w:t>'",
    "!!python/object/apply:os.system ['true']", "*undefined", "&a value", "!!binary aGk=", "|", ">",
    "'it''s'", '"\\u0007"', '"\\t\\n"', "- nested", "? key", "@reserved", "`reserved", "%percent",
    "US", "ZZ", "isp", "agency", "flat", "hourly", "investigation", "convicted",
    "1:001234567892026123456789999999999999999999",  # dateutil: decimal.InvalidOperation
    "202612345678999999999999999999999",  # dateutil: OverflowError
    "2026-09-14 03:22:10 PDT", "2026-09-14 03:22:10 Mars/Olympus", "2026-09-14 03:22:10 XYZ",
]

RAW = [b"\xff\xfe", b"\xc3\x28", b"\x00", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\x1b[31m"]

line_index = st.integers(min_value=0, max_value=10_000)
# Weighted towards damage that leaves the file YAML (values, inserted lines, printable
# bytes), so that most examples get past the parser to validation and rendering.
byte = st.one_of(st.integers(0x20, 0x7E), st.integers(0, 255))
value = st.tuples(st.just("value"), line_index, st.one_of(st.sampled_from(VALUES), st.text(max_size=40)))
insert = st.tuples(st.just("insert"), line_index, st.sampled_from(SNIPPETS))
mutation = st.one_of(
    value, value, value, insert, insert,
    st.tuples(st.just("flip"), line_index, byte),
    st.tuples(st.just("delete"), line_index),
    st.tuples(st.just("duplicate"), line_index),
    st.tuples(st.just("swap"), line_index, line_index),
    st.tuples(st.just("indent"), line_index, st.sampled_from([-4, -2, -1, 1, 2, 3, 4, "\t"])),
    st.tuples(st.just("raw"), line_index, st.sampled_from(RAW)),
    st.tuples(st.just("truncate"), line_index),
)


def mutate(data: bytes, mutations) -> bytes:
    for op, at, *args in mutations:
        lines = data.split(b"\n")
        n = len(lines)
        if op == "flip" and data:
            i = at % len(data)
            data = data[:i] + bytes([args[0]]) + data[i + 1:]
        elif op == "raw":
            i = at % (len(data) + 1)
            data = data[:i] + args[0] + data[i:]
        elif op == "delete":
            del lines[at % n]
            data = b"\n".join(lines)
        elif op == "duplicate":
            lines.insert(at % n, lines[at % n])
            data = b"\n".join(lines)
        elif op == "swap":
            i, j = at % n, args[0] % n
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif op == "indent":
            i = at % n
            shift = args[0]
            if shift == "\t":
                lines[i] = b"\t" + lines[i]
            elif shift > 0:
                lines[i] = b" " * shift + lines[i]
            else:
                lines[i] = lines[i][min(-shift, len(lines[i]) - len(lines[i].lstrip(b" "))):]
            data = b"\n".join(lines)
        elif op == "insert":
            i = at % (n + 1)
            indent = re.match(rb" *", lines[i % n]).group() if n else b""
            block = [indent + ln for ln in args[0].encode("utf-8").split(b"\n")]
            lines[i:i] = block
            data = b"\n".join(lines)
        elif op == "value":
            keyed = [k for k, ln in enumerate(lines) if re.match(rb"\s*(- )?[\w-]+: ", ln)]
            if keyed:
                i = keyed[at % len(keyed)]
                key = re.match(rb"\s*(- )?[\w-]+: ", lines[i]).group()
                lines[i] = key + args[0].encode("utf-8")
                data = b"\n".join(lines)
        elif op == "truncate":
            data = data[: at % (len(data) + 1)]
    return data


# ---------------------------------------------------------------- judging an outcome


def assert_located(exc: DraftingError, files: set[str]) -> None:
    """An error the user can act on: it names a file we gave it and a line in it."""
    for error in getattr(exc, "errors", [exc]):
        assert error.file in files, f"error names {error.file!r}, not the case or firm: {error}"
        assert error.line is not None and error.line >= 1, f"error without a line: {error}"
        assert "Traceback" not in str(error)


def assert_opens(data: bytes) -> None:
    """A well-formed .docx: an intact zip whose XML parts all parse."""
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False, no_network=True))


def outcome(case: Path, firm: Path, renderer: Renderer) -> dict[str, bool] | None:
    """None when the case is refused on loading, else ``{kind: rendered}``; fails on
    anything else (an exception that is not a located ``DraftingError``, a document that
    does not open, one written outside ``out``)."""
    files = {str(case), str(firm)}
    try:
        loaded = load_case(case)
    except DraftingError as exc:
        assert_located(exc, files)
        return None
    results = {}
    for kind in KINDS:
        try:
            docs = renderer.documents(kind, loaded, out_dir=case.parent / "out")
        except DraftingError as exc:
            assert_located(exc, files)
            results[kind] = False
            continue
        for doc in docs:
            assert doc.path.parent == case.parent / "out"
            assert_opens(doc.data)
        results[kind] = True
    return results


def yaml_rejects(data: bytes) -> bool:
    """The oracle: libyaml (the parser drafting reads with; PyYAML's pure Python one
    refuses tabs the YAML spec allows) finds the bytes are not YAML, or not a mapping.
    Only the syntax is asked (a node tree, nothing constructed: drafting reads
    ``2026-13-45`` as text where a constructor would fail on the date). Whatever the
    parser refuses, drafting must refuse on loading — never render."""
    import yaml

    try:
        return not isinstance(yaml.compose(data, Loader=yaml.CSafeLoader), yaml.MappingNode)
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError, OverflowError):
        return True


def judge(data: bytes, case: Path, firm: Path) -> None:
    result = outcome(case, firm, RENDERER)
    if yaml_rejects(data):
        assert result is None, "a file YAML itself refuses was rendered"


# ---------------------------------------------------------------- the fuzzers

# Templates compiled once; each example gets its own folder. --draft: whether an advisory
# is a draft depends on the rule data, not on the input's damage, which is what is judged.
RENDERER = Renderer(draft=True)


@settings(max_examples=fuzz(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(mutation, min_size=1, max_size=3))
@example(seed="us-chen.yaml", mutations=[("insert", 3, SNIPPETS[0])])
@example(seed="ca-ortiz.yaml", mutations=[("insert", 0, _laughs(9))])
@example(seed="tx-nguyen.yaml", mutations=[("insert", 12, "x: &a {p: 1}\ny:\n  <<: *a")])
@example(seed="ny-lindqvist.yaml", mutations=[("raw", 200, b"\xff\xfe")])
@example(seed="fl-ruiz.yaml", mutations=[("insert", 0, "x: " + "[" * 200 + "]" * 200)])
@example(seed="fl-ruiz.yaml", mutations=[("value", 0, "1:001234567892026123456789999999999999999999")])
def test_mutated_case_renders_or_is_refused_with_a_location(seed, mutations):
    data = mutate(SEEDS[seed], mutations)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "firm.yaml").write_bytes(FIRM)
        case = folder / seed
        case.write_bytes(data)
        judge(data, case, folder / "firm.yaml")


@settings(max_examples=fuzz(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=st.lists(mutation, min_size=1, max_size=3))
@example(mutations=[("insert", 2, "!!python/object/apply:os.system ['echo pwned']")])
@example(mutations=[("delete", 9)])
def test_mutated_firm_profile_renders_or_is_refused_with_a_location(mutations):
    data = mutate(FIRM, mutations)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "firm.yaml").write_bytes(data)
        case = folder / "us-chen.yaml"
        case.write_bytes(SEEDS["us-chen.yaml"])
        # a fresh folder per example: the renderer's firm cache is keyed by path
        result = outcome(case, folder / "firm.yaml", RENDERER)
        if yaml_rejects(data):  # the case is whole: every kind is refused for its firm
            assert result == dict.fromkeys(KINDS, False)


def test_unmutated_examples_render_every_kind_they_have(tmp_path):
    """The fuzzers start from files that work; otherwise they would test only refusals:
    each example renders exactly the kinds whose sections it has."""
    import yaml

    for name, data in SEEDS.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "firm.yaml").write_bytes(FIRM)
        (folder / name).write_bytes(data)
        sections = set(yaml.safe_load(data))
        expected = {kind: set(ALL_KINDS[kind].sections) <= sections for kind in KINDS}
        assert outcome(folder / name, folder / "firm.yaml", RENDERER) == expected, name
        assert not yaml_rejects(data)


DATE_PIECES = ["2026", "-", "09", "14", " ", "T", ":", "03", "22", "10", "+", "-07:00", "Z", "UTC", "PDT",
               "America/Los_Angeles", "Etc/GMT+25", "Mars/Olympus", "0", "99999999999999999999", ".",
               "123456789", "AM", "PM", "Sept", "of", ",", "24", "60", "1e5", "/", "\u0661\u0662", "２０２６"]


@settings(max_examples=fuzz(400), deadline=None)
@given(text=st.one_of(st.text(max_size=30), st.lists(st.sampled_from(DATE_PIECES), max_size=10).map("".join)))
@example(text="1:001234567892026123456789999999999999999999")
@example(text="202612345678999999999999999999999")
def test_dates_and_times_fail_only_with_a_message(text):
    """The models turn a ValueError into a located error; anything else would escape."""
    from drafting.dates import parse_date, parse_instant

    for parse in (parse_date, parse_instant):
        try:
            parse(text)
        except ValueError as exc:
            assert "<class" not in str(exc) and "C long" not in str(exc)


# ---------------------------------------------------------------- bombs and traps, one by one


def _refused_quickly(tmp_path: Path, text: str | bytes, *, seconds: float = 5.0) -> CaseFileError:
    shutil.copy(EXAMPLES / "firm.yaml", tmp_path / "firm.yaml")
    case = tmp_path / "case.yaml"
    case.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    start = time.perf_counter()
    with pytest.raises(CaseFileError) as info:
        load_case(case)
    assert time.perf_counter() - start < seconds, "refusal took too long"
    assert info.value.file == str(case) and info.value.line is not None
    return info.value


def test_billion_laughs_is_refused_quickly(tmp_path):
    error = _refused_quickly(tmp_path, _laughs(9) + "\nmatter: {id: x, jurisdiction: CA}\n")
    assert "aliases" in error.message


def test_one_long_value_repeated_by_aliases_is_refused_before_it_fills_memory(tmp_path):
    # 100 KB of file that would be 2 GB of client address (and a 2 GB letter)
    text = ('date: 2026-11-28\nmatter: {id: "q", jurisdiction: CA}\nclient:\n'
            f'  name: &a "{"x" * 100_000}"\n  address: [' + ", ".join(["*a"] * 20_000) + "]\n"
            "engagement: {fee: {type: flat, amount: 1}}\n")
    error = _refused_quickly(tmp_path, text)
    assert "aliases" in error.message


@pytest.mark.parametrize("text", [
    "matter: " + "[" * 5000 + "]" * 5000,
    "matter: " + "{a: " * 3000 + "1" + "}" * 3000,
    "matter:\n" + "".join(" " * i + "k:\n" for i in range(1, 500)),
    "matter: " + "- " * 3000 + "x",
], ids=["flow-sequences", "flow-mappings", "block-mappings", "block-sequences"])
def test_deep_nesting_is_refused_quickly(tmp_path, text):
    _refused_quickly(tmp_path, text)


def test_self_referencing_alias_is_refused(tmp_path):
    _refused_quickly(tmp_path, "matter: &m {id: x, jurisdiction: CA, self: *m}\n")


@pytest.mark.parametrize("text,says", [
    ("matter: !!python/object/apply:os.system ['echo pwned']\n",
     "YAML tag !!python/object/apply:os.system is not allowed"),
    ("!!python/object:os.system matter: {id: x}\n", "YAML tag !!python/object:os.system is not allowed"),
    ("matter: !<tag:yaml.org,2002:python/object/new:os.system> [x]\n",
     "YAML tag !!python/object/new:os.system is not allowed"),
    ("matter:\n  <<: {id: x, jurisdiction: CA}\n", "YAML merge keys (<<) are not supported"),
])
def test_object_tags_and_merge_keys_are_refused(tmp_path, text, says):
    error = _refused_quickly(tmp_path, text)
    assert says in error.message, error.message


@pytest.mark.parametrize("raw,line", [
    (b"matter: {id: x}\nclient: {name: \"A\xff\"}\n", 2),
    (b"matter: {id: x}\n\nclient: {name: \"A\x1b[31m\"}\n", 3),
])
def test_bytes_that_are_not_text_are_refused_at_their_line(tmp_path, raw, line):
    assert _refused_quickly(tmp_path, raw).line == line
