"""The on-disk cache of compiled templates: used when it is private, ignored otherwise,
and never a different letter from a fresh compile."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

import drafting.template_cache as tc
from drafting.render import Properties, Renderer, bundled_templates

EXAMPLE = Path(__file__).parent.parent / "examples" / "cases" / "us-rivera.yaml"


def _render(compiled) -> bytes:
    """The advisory of an example case, rendered with ``compiled``: the whole .docx."""
    (_stem, letter), = Renderer().letters("advisory", EXAMPLE, letter_date="2026-11-28")[1]
    props = Properties(title="t", subject="s", author="a", letter_date=dt.date(2026, 11, 28))
    return compiled.render(letter.context, props, locate=lambda field: {})


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
    assert _render(first) == _render(second) == _render(real(template))  # the cached one is a fresh compile's letter
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


class _Payload:
    """A pickle that creates a folder when it is loaded: proof that it was executed."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


SWAPPER = """
import os, sys
home = sys.argv[1]
cache, real, link = (os.path.join(home, n) for n in ("cache", "real", "link"))
while True:
    try:
        os.rename(cache, real); os.rename(link, cache); os.rename(cache, link); os.rename(real, cache)
    except OSError:
        pass
"""


def _plant(folder, template, marker) -> None:
    """Another user's cache folder (writable by all) holding a hostile entry for ``template``."""
    import pickle

    folder.mkdir()
    entry = folder / tc._entry(template).name
    entry.write_bytes(pickle.dumps(_Payload(marker)))
    os.chmod(entry, 0o666)
    os.chmod(folder, 0o777)


def test_a_folder_swapped_for_a_link_while_checked_is_never_unpickled(tmp_path, monkeypatch):
    """Issue 12.4: the folder was checked by path, then opened by path again; a racing
    swapper that alternates it with a link to another user's folder got its pickle run."""
    import subprocess
    import sys
    import time

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    cache = home / "cache"
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(cache))
    template = bundled_templates() / "advisory.docx"
    tc.load_or_compile(template)  # our own, genuine entry
    marker = tmp_path / "pwned"
    _plant(tmp_path / "evil", template, marker)
    (home / "link").symlink_to(tmp_path / "evil")
    swapper = subprocess.Popen([sys.executable, "-c", SWAPPER, str(home)])  # another process: a real race
    monkeypatch.setattr(tc, "compile_template", lambda p: None)  # a miss is fine; a run is not
    monkeypatch.setattr(tc, "_store", lambda entry, compiled: None)
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not marker.exists():
            tc.load_or_compile(template)
            tc.is_cached(template)
    finally:
        swapper.kill()
        swapper.wait()
    assert not marker.exists()


def test_a_link_to_another_users_cache_is_never_unpickled(tmp_path, monkeypatch):
    template = bundled_templates() / "advisory.docx"
    marker = tmp_path / "pwned"
    _plant(tmp_path / "evil", template, marker)
    (tmp_path / "cache").symlink_to(tmp_path / "evil")
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(tmp_path / "cache"))
    assert not tc.is_cached(template)
    assert tc.load_or_compile(template).variables
    assert not marker.exists()


def test_a_cache_under_a_folder_others_can_write_is_ignored(tmp_path, monkeypatch):
    """Another user who can write the parent can swap the cache folder: not trusted."""
    parent = tmp_path / "shared"
    parent.mkdir()
    os.chmod(parent, 0o777)  # not sticky
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(parent / "cache"))
    template = bundled_templates() / "advisory.docx"
    tc.load_or_compile(template)
    calls = []
    real = tc.compile_template
    monkeypatch.setattr(tc, "compile_template", lambda p: calls.append(p) or real(p))
    tc.load_or_compile(template)
    assert len(calls) == 1 and not tc.is_cached(template)


def test_cache_folders_are_created_owner_only_under_umask_000(tmp_path, monkeypatch):
    """Issue 12.8: mkdir(parents=True) gave a fresh ~/.cache the umask's 0777."""
    monkeypatch.setenv("DRAFTING_CACHE_DIR", str(tmp_path / "fresh" / "cache" / "drafting"))
    old = os.umask(0)
    try:
        tc.load_or_compile(bundled_templates() / "advisory.docx")
    finally:
        os.umask(old)
    for folder in (tmp_path / "fresh", tmp_path / "fresh" / "cache", tmp_path / "fresh" / "cache" / "drafting"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700", folder
    assert tc.is_cached(bundled_templates() / "advisory.docx")
