"""``output.write_group``: the documents of a few batch cases written with one flush to
disk instead of one per file, and still each whole or not at all, owner-only, never over
an existing document without ``--force``."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

import drafting.output as output
from drafting.errors import OutputError, OutputExistsError

pytestmark = pytest.mark.skipif(output._syncfs() is None or not hasattr(os, "O_TMPFILE"),
                                reason="grouped writes need O_TMPFILE and syncfs (Linux)")


def items(folder: Path, n: int = 4) -> list[tuple[Path, bytes]]:
    return [(folder / f"doc-{i}.docx", f"letter {i} & <more>".encode() * 100) for i in range(n)]


@pytest.fixture
def calls(monkeypatch):
    """Count the flushes: one syncfs for the group, no fsync per file."""
    seen = {"syncfs": 0, "fsync": 0}
    real_syncfs, real_fsync = output._syncfs(), os.fsync

    def syncfs(fd):
        seen["syncfs"] += 1
        return real_syncfs(fd)

    def fsync(fd):
        seen["fsync"] += 1
        return real_fsync(fd)

    monkeypatch.setattr(output, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_a_group_is_written_whole_owner_only_with_one_flush(tmp_path, calls):
    group = items(tmp_path)
    assert output.write_group(group, force=False) == [None] * 4
    for path, data in group:
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert calls == {"syncfs": 1, "fsync": 0}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"doc-{i}.docx" for i in range(4)]


def test_an_existing_document_is_kept_and_reported_the_others_written(tmp_path, calls):
    group = items(tmp_path)
    group[1][0].write_bytes(b"edited by the attorney")
    results = output.write_group(group, force=False)
    assert isinstance(results[1], OutputExistsError)
    assert [r is None for r in results] == [True, False, True, True]
    assert group[1][0].read_bytes() == b"edited by the attorney"
    assert group[2][0].read_bytes() == group[2][1]


def test_a_document_created_while_the_group_was_flushed_is_not_overwritten(tmp_path, monkeypatch):
    """The name is taken with a hard link, which fails if someone got there first."""
    group = items(tmp_path, 2)
    real = output._flush

    def racing_flush(fds, **kw):
        group[0][0].write_bytes(b"a racing writer")
        real(fds, **kw)

    monkeypatch.setattr(output, "_flush", racing_flush)
    results = output.write_group(group, force=False)
    assert isinstance(results[0], OutputExistsError) and results[1] is None
    assert group[0][0].read_bytes() == b"a racing writer"


def test_force_replaces_existing_documents(tmp_path, calls):
    group = items(tmp_path)
    for path, _ in group:
        path.write_bytes(b"old")
    assert output.write_group(group, force=True) == [None] * 4
    assert all(path.read_bytes() == data for path, data in group)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(output.TEMP_PREFIX)]


def test_a_full_disk_fails_that_document_only_and_leaves_no_part_of_it(tmp_path, monkeypatch):
    group = items(tmp_path)
    real_write = os.write
    count = {"n": 0}

    def write(fd, data):
        count["n"] += 1
        if count["n"] == 2:  # the second document
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    open_fds = len(os.listdir("/proc/self/fd"))
    results = output.write_group(group, force=False)
    assert len(os.listdir("/proc/self/fd")) == open_fds  # no descriptor left open
    assert isinstance(results[1], OutputError) and "No space left on device" in str(results[1])
    assert [r is None for r in results] == [True, False, True, True]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc-0.docx", "doc-2.docx", "doc-3.docx"]


def test_a_failed_flush_names_nothing(tmp_path, monkeypatch):
    """Bytes that may not be on disk never get a name: a crash then could leave a torn letter."""
    def failing(fds, **kw):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(output, "_flush", failing)
    results = output.write_group(items(tmp_path), force=False)
    assert all(isinstance(r, OutputError) and "Input/output error" in str(r) for r in results)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_before_the_names_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(fds, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_flush", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_group(items(tmp_path), force=False)
    assert list(tmp_path.iterdir()) == []


def test_without_syncfs_each_file_is_flushed_on_its_own(tmp_path, monkeypatch, calls):
    monkeypatch.setattr(output, "_syncfs", lambda: None)
    group = items(tmp_path, 3)
    assert output.write_group(group, force=False) == [None] * 3
    assert calls["fsync"] == 3
    assert all(path.read_bytes() == data for path, data in group)
