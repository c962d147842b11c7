"""The writer: atomic, no path twice, nothing outside the root, identical bytes not rewritten."""

from __future__ import annotations

import os

import pytest

from generator.build.write import STAGING, Artifact, WriteError, Writer


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


def test_a_staged_file_is_named_after_its_target(tmp_path):
    writer = Writer(tmp_path)
    writer.stage(Artifact("2023/a.md", b"new"))
    (staged,) = os.listdir(tmp_path / "2023")
    assert STAGING.fullmatch(staged) and STAGING.fullmatch(staged).group(1) == "a.md"
    writer.abort()
    assert os.listdir(tmp_path / "2023") == []


def test_sweep_removes_only_our_own_staging_files(tmp_path):
    folder = tmp_path / "2023"
    folder.mkdir()
    ours = [".a.md.k3j_x9a2.tmp", ".index.xlsx.abcdefgh.tmp"]
    others = [
        ".a.md.k3j_x9a2.txt",  # not .tmp
        ".notes.txt.abcdefgh.tmp",  # a name the build never writes
        "a.md.abcdefgh.tmp",  # no leading dot
        ".a.md.toolong123.tmp",  # not our random part
        "a.md",
    ]
    for name in ours + others:
        (folder / name).write_bytes(b"x")
    (folder / ".b.md.abcdefgh.tmp").mkdir()  # a folder is never ours
    writer = Writer(tmp_path)
    removed = writer.sweep("2023", lambda name: name.endswith((".md", ".xlsx")))
    assert sorted(removed) == sorted(f"2023/{name}" for name in ours)
    assert sorted(os.listdir(folder)) == sorted([*others, ".b.md.abcdefgh.tmp"])
    assert writer.sweep("2024", lambda name: True) == []  # a missing folder is nothing to do


def test_removal_happens_at_commit_and_only_inside_the_root(tmp_path):
    (tmp_path / "out/2023").mkdir(parents=True)
    (tmp_path / "out/2023/old.md").write_bytes(b"old")
    (tmp_path / "outside.md").write_bytes(b"keep")
    writer = Writer(tmp_path / "out")
    writer.stage_removal("2023/old.md")
    writer.stage_removal("2023/never-there.md")
    with pytest.raises(WriteError, match="不在输出目录"):
        writer.stage_removal("../outside.md")
    assert (tmp_path / "out/2023/old.md").exists()
    writer.commit()
    assert not (tmp_path / "out/2023/old.md").exists()
    assert writer.removed == ["2023/old.md"]
    assert (tmp_path / "outside.md").read_bytes() == b"keep"


def test_an_interrupted_stage_leaves_no_temporary(tmp_path, monkeypatch):
    real = os.fsync

    def interrupted(descriptor):
        real(descriptor)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    writer = Writer(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        writer.stage(Artifact("a.md", b"new"))
    writer.abort()
    assert os.listdir(tmp_path) == []
