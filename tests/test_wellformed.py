"""Every letter drafting writes is well-formed XML. A template part whose structure is
proven well-formed for any data (``proven_well_formed``: every bundled template) skips the
per-letter parse and has only its characters checked; any other part is parsed after each
rendering, so a template that can break the XML still never yields a broken document."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from drafting.docx_template import Properties, compile_template, proven_well_formed
from drafting.environment import make_environment
from drafting.errors import TemplateError
from drafting.render import bundled_templates
from helpers import make_template

HEAD = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:w"><w:body>'
TAIL = "</w:body></w:document>"
PROPS = Properties(title="t", subject="s", author="a", letter_date=dt.date(2026, 11, 28))


def proven(body: str) -> bool:
    env = make_environment()
    source = HEAD + body + TAIL
    return proven_well_formed(env, source, env.parse(source))


@pytest.mark.parametrize("body", [
    "<w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p>",
    "{% if b %}<w:p/>{% elif c %}<w:p><w:r/></w:p>{% else %}{% endif %}",
    "{% for i in c %}<w:p><w:r><w:t>{{ i|upper }}, {{ loop.index }}</w:t></w:r></w:p>{% else %}<w:p/>{% endfor %}",
    # an if that opens in one paragraph's text and closes in the next one's: the names match
    "<w:p><w:r><w:t>x{% if a %}</w:t></w:r></w:p><w:p><w:r><w:t>{% endif %}y</w:t></w:r></w:p>",
    "{# a note #}{% set n = 3 %}<w:p><w:r><w:t>{{ n|money }} {{ d|long_date }} {{ xs|join_and }}</w:t></w:r></w:p>",
])
def test_balanced_templates_are_proven(body):
    assert proven(body)


@pytest.mark.parametrize("body", [
    '<w:p w:val="{{ a }}"/>',                                      # a print inside a tag
    "<w:p>{{ a }}</w:p>",                                          # a print outside <w:t>
    "<w:p><w:r><w:t>{% if a %}</w:t></w:r></w:p>{% endif %}<w:p/>",  # closes at another depth
    "{% if a %}<w:p>{% else %}<w:p/>{% endif %}</w:p>",             # a branch that is not balanced
    "{% macro m() %}<w:p/>{% endmacro %}{{ m() }}",                # macros and calls
    "<w:p><w:r><w:t>{{ lipsum() }}</w:t></w:r></w:p>",              # a global that makes markup
    "<w:p><w:r><w:t>{{ a|urlize }}</w:t></w:r></w:p>",              # a filter that makes markup
    "{% set x %}<w:p/>{% endset %}<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>",  # captured output
    "{% raw %}<w:p/>{% endraw %}",
])
def test_other_templates_are_not_proven(body):
    assert not proven(body)


def test_every_bundled_template_is_proven():
    for path in sorted(bundled_templates().glob("*.docx")):
        compiled = compile_template(path)
        templated = {name for name, part in compiled._parts if hasattr(part, "render")}
        assert templated and compiled.proven == templated, path.name


def make(tmp_path, lines: list[str]):
    return compile_template(make_template(tmp_path, "t", lines))


def render(compiled, **context) -> bytes:
    return compiled.render(context, PROPS, locate=lambda path: {})


def test_a_template_that_can_break_the_xml_is_still_checked_every_time(tmp_path):
    # the if opens inside a run's text and its end is a whole paragraph: when it is false,
    # the letter would keep <w:p><w:r><w:t> and lose their ends
    compiled = make(tmp_path, ["Dear {% if client.email %}", "{%p endif %}", "Yours"])
    assert compiled.proven == set()
    data = render(compiled, client={"email": "x@example.com"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"x@example.com" not in zf.read("word/document.xml")  # printed nowhere; renders
    with pytest.raises(TemplateError) as info:
        render(compiled, client={"email": ""})
    assert "t.docx: part word/document.xml is not well-formed XML (Opening and ending tag mismatch" in str(info.value)


@pytest.mark.parametrize("value, message", [
    # the template is named with where it printed the value, and the value's field
    ("a\x07b", "word/document.xml, paragraph 1 (near: 'Dear {{ client.name }}:') holds the control character "
                "U+0007, which a Word document cannot hold (the value of client.name)"),
    ("a\ufffeb", "holds the control character U+FFFE, which a Word document cannot hold (the value of client.name)"),
    ("a\ud800b", "holds the control character U+D800, which a Word document cannot hold"),
])
def test_a_character_xml_cannot_hold_is_caught_in_a_proven_part(tmp_path, value, message):
    """The models refuse such characters in case data; this is the backstop for text from
    anywhere else (a firm's rule data, say)."""
    compiled = make(tmp_path, ["Dear {{ client.name }}:"])
    assert compiled.proven == {"word/document.xml"}
    render(compiled, client={"name": "Ann & <Bo>\nline two\tcolumn"})  # fine
    with pytest.raises(TemplateError) as info:
        render(compiled, client={"name": value})
    assert message in str(info.value)
