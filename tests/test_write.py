"""The writer: atomic, no path twice, nothing outside the root, identical bytes not rewritten."""

from __future__ import annotations

import os
import stat

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
    assert staged.startswith(".budget-build-a.md.") and staged.endswith(".tmp")
    assert STAGING.fullmatch(staged) and STAGING.fullmatch(staged).group(1) == "a.md"
    writer.abort()
    assert not (tmp_path / "2023").exists()  # made for the staged file: gone with it


def test_abort_removes_only_the_folders_it_made_and_left_empty(tmp_path):
    (tmp_path / "2023").mkdir()
    writer = Writer(tmp_path)
    writer.stage(Artifact("2023/a.md", b"new"))
    writer.stage(Artifact("2024/部门/b.md", b"new"))
    (tmp_path / "2024" / "mine.txt").write_text("x")  # someone else's file in a folder it made
    writer.abort()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "2023",
        "2024",
        "2024/mine.txt",
    ]


def test_sweep_removes_only_our_own_staging_files(tmp_path):
    folder = tmp_path / "2023"
    folder.mkdir()
    ours = [".budget-build-a.md.k3j_x9a2.tmp", ".budget-build-index.xlsx.abcdefgh.tmp"]
    others = [
        ".budget-build-a.md.k3j_x9a2.txt",  # not .tmp
        ".budget-build-notes.txt.abcdefgh.tmp",  # a name the build never writes
        "budget-build-a.md.abcdefgh.tmp",  # no leading dot
        ".budget-build-a.md.toolong123.tmp",  # not our random part
        ".a.md.k3j_x9a2.tmp",  # shaped like a staging file, but without our prefix
        ".report.md.20231231.tmp",  # a user's file (as earlier versions named their staging)
        "a.md",
    ]
    for name in ours + others:
        (folder / name).write_bytes(b"x")
    (folder / ".budget-build-b.md.abcdefgh.tmp").mkdir()  # a folder is never ours
    writer = Writer(tmp_path)
    removed = writer.sweep("2023", lambda name: name.endswith((".md", ".xlsx")))
    assert sorted(removed) == sorted(f"2023/{name}" for name in ours)
    assert sorted(os.listdir(folder)) == sorted([*others, ".budget-build-b.md.abcdefgh.tmp"])
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


# Special files: an output path that exists and is not a regular file is never renamed over. A
# character device or a FIFO is written into, as a shell's `>` would (`--out /dev/null` works);
# anything else (a folder, a socket, a block device) is refused.


def read_fifo_in_background(path):
    """Start reading the FIFO `path` (a write blocks until someone reads); returns a function
    that waits for the reader and gives what it read."""
    import threading

    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(path.read_bytes()), daemon=True)
    reader.start()

    def result() -> bytes:
        reader.join(timeout=10)
        assert not reader.is_alive(), "nothing was written to the FIFO"
        return got[0]

    return result


def make_null_device(path):
    """A character device like /dev/null at `path`, or skip (mknod needs root)."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as error:
        pytest.skip(f"cannot make a device file here: {error}")


def test_a_fifo_is_written_into_never_replaced(tmp_path):
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    result = read_fifo_in_background(fifo)
    writer = Writer(tmp_path)
    writer.write(Artifact("p", b"report"))
    assert result() == b"report"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert writer.written == ["p"] and os.listdir(tmp_path) == ["p"]


def test_a_character_device_is_written_into_never_replaced(tmp_path):
    device = tmp_path / "null"
    make_null_device(device)
    Writer(tmp_path).write(Artifact("null", b"report"))
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert os.listdir(tmp_path) == ["null"]


def test_a_socket_or_a_folder_at_the_output_path_is_refused(tmp_path, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)  # a socket's path must be short
    server = socket.socket(socket.AF_UNIX)
    server.bind("s")
    (tmp_path / "d").mkdir()
    try:
        with pytest.raises(WriteError) as refused:
            Writer(tmp_path).write(Artifact("s", b"report"))
        assert str(refused.value) == (
            f"{tmp_path / 's'}：不是普通文件（套接字），不会写入或替换它；请换一个文件名"
        )
        assert stat.S_ISSOCK(os.lstat(tmp_path / "s").st_mode)
        with pytest.raises(WriteError) as refused:
            Writer(tmp_path).write(Artifact("d", b"report"))
        assert str(refused.value) == (
            f"{tmp_path / 'd'}：不是普通文件（文件夹），不会写入或替换它；请换一个文件名"
        )
        assert sorted(os.listdir(tmp_path)) == ["d", "s"]
    finally:
        server.close()


def test_a_build_never_writes_into_a_special_file(tmp_path):
    writer = Writer(tmp_path)
    os.mkfifo(tmp_path / "a.md")
    with pytest.raises(WriteError) as refused:
        writer.stage(Artifact("a.md", b"output"))  # staged (as the build does): refused
    assert str(refused.value) == (
        f"{tmp_path / 'a.md'}：不是普通文件（FIFO 管道），不会写入或替换它；请换一个文件名"
    )
    assert stat.S_ISFIFO(os.lstat(tmp_path / "a.md").st_mode)
    assert os.listdir(tmp_path) == ["a.md"]


def test_commands_with_out_write_into_a_fifo_or_device(tmp_path, capsys):
    from conftest import SEED_YAML

    from generator.cli import main

    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    result = read_fifo_in_background(fifo)
    assert main(["diff", str(SEED_YAML), str(SEED_YAML), "--out", str(fifo)]) == 0
    assert result().startswith(b"# ")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    result = read_fifo_in_background(fifo)
    assert main(["schema", "--out", str(fifo)]) == 0
    assert result().startswith(b"{")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (tmp_path / "trend").mkdir()
    os.mkfifo(tmp_path / "trend" / "trend.md")
    result = read_fifo_in_background(tmp_path / "trend" / "trend.md")
    assert main(["trend", str(SEED_YAML.parent), "--out", str(tmp_path / "trend")]) == 0
    assert result().startswith(b"# ")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "trend" / "trend.md").st_mode)
    assert (tmp_path / "trend" / "trend.xlsx").is_file()
    device = tmp_path / "null"
    make_null_device(device)
    assert main(["schema", "--out", str(device)]) == 0
    assert main(["diff", str(SEED_YAML), str(SEED_YAML), "--out", str(device)]) == 0
    export = tmp_path / "form.txt"
    export.write_text("部门名称\t测试局\n", encoding="utf-8")
    main(["import", str(export), "-o", str(device), "--force"])
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["form.txt", "null", "p", "trend"]
