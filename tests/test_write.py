"""The writer: atomic, no path twice, nothing outside the root, identical bytes not rewritten."""

from __future__ import annotations

import os

import pytest

from generator.build.write import Artifact, WriteError, Writer


def test_writes_and_skips_identical_content(tmp_path):
    Writer(tmp_path).write(Artifact("2023/a.md", b"one"))
    writer = Writer(tmp_path)
    writer.write(Artifact("2023/a.md", b"one"))
    assert (writer.written, writer.unchanged) == ([], ["2023/a.md"])
    assert os.listdir(tmp_path / "2023") == ["a.md"]


def test_refuses_a_path_twice_and_outside_the_root(tmp_path):
    writer = Writer(tmp_path / "out")
    writer.write(Artifact("a.md", b"1"))
    with pytest.raises(WriteError, match="重复写入"):
        writer.write(Artifact("a.md", b"2"))
    with pytest.raises(WriteError, match="不在输出目录"):
        writer.write(Artifact("../escape.md", b"x"))
    assert not (tmp_path / "escape.md").exists()


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    Writer(tmp_path).write(Artifact("a.md", b"old"))

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # as if Ctrl-C arrived between writing and renaming

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        Writer(tmp_path).write(Artifact("a.md", b"new"))
    assert (tmp_path / "a.md").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.md"]
