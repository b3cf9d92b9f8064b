"""The on-disk cache of compiled templates: used when it is private, ignored otherwise,
and never a different letter from a fresh compile."""

from __future__ import annotations

import os

import pytest

import drafting.template_cache as tc
from drafting.render import bundled_templates


def _render(compiled) -> str:
    return repr(sorted(compiled.variables))


def test_second_load_comes_from_the_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(folder))
    calls = []
    real = tc.compile_template
    monkeypatch.setattr(tc, "compile_template", lambda p: calls.append(p) or real(p))
    template = bundled_templates() / "advisory.docx"
    first = tc.load_or_compile(template)
    second = tc.load_or_compile(template)
    assert len(calls) == 1
    assert _render(first) == _render(second)
    (entry,) = folder.glob("*.pickle")
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_a_cache_others_can_write_is_ignored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(folder))
    template = bundled_templates() / "advisory.docx"
    tc.load_or_compile(template)
    os.chmod(folder, 0o777)
    calls = []
    real = tc.compile_template
    monkeypatch.setattr(tc, "compile_template", lambda p: calls.append(p) or real(p))
    tc.load_or_compile(template)
    assert len(calls) == 1


def test_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(folder))
    template = bundled_templates() / "advisory.docx"
    tc.load_or_compile(template)
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert tc.load_or_compile(template).variables


@pytest.mark.parametrize("value", ["off", ""])
def test_cache_can_be_turned_off(tmp_path, monkeypatch, value):
    monkeypatch.setenv("DRAFTING_CACHE_DIR", value)
    assert tc.cache_dir() is None


def test_cached_and_fresh_templates_give_identical_letters(tmp_path, monkeypatch):
    import drafting.render as render_module
    from drafting.render import Renderer

    case = bundled_templates().parent / "examples" / "cases" / "us-chen.yaml"
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(tmp_path / "cache"))
    outputs = []
    for _ in range(3):  # compile, then from the disk cache twice
        monkeypatch.setattr(render_module, "_COMPILED", {})
        (doc,) = Renderer(draft=True).documents("advisory", case, out_dir=tmp_path / "out")
        outputs.append(doc.data)
    assert outputs[0] == outputs[1] == outputs[2]
