"""One build at a time per output folder: a second build waits for the first, or says that
another build is running; a lock left by a build that was killed is taken over, with a message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT

import generator.build.lock
from generator.build.build import build
from generator.build.lock import NAME, output_lock, process_alive
from generator.cli import main


def tree(root: Path, count: int = 2) -> Path:
    folder = root / "src" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"d{number:03d}.yaml").write_text(
            text.replace("测试局", f"测试局{number:03d}"), encoding="utf-8"
        )
    return root / "src"


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert not process_alive(process.pid)
    return process.pid


def test_a_build_while_another_holds_the_folder_waits_then_says_so(tmp_path, capsys, monkeypatch):
    source, out = tree(tmp_path), tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(generator.build.lock, "WAIT", 0.3)
    with output_lock(out) as notes:
        assert notes == []
        started = time.monotonic()
        assert main(["build", str(source), "--out", str(out)]) == 2
        assert time.monotonic() - started >= 0.3  # it waited before giving up
    assert capsys.readouterr().err == (
        f"另一个构建正在写入 {out}（{socket.gethostname()} 上的进程 {os.getpid()}），等待它结束……\n"
        f"错误：{out}：另一个构建正在写入这个输出目录（{socket.gethostname()} 上的进程 "
        f"{os.getpid()}），等它结束后再构建；若确定没有构建在运行，删除 {out / NAME} 后重试\n"
    )
    assert sorted(p.name for p in out.iterdir()) == []  # nothing written, the lock released
    assert main(["build", str(source), "--out", str(out)]) == 0
    assert not (out / NAME).exists()


def test_a_lock_from_another_host_is_never_taken_over(tmp_path, monkeypatch):
    source, out = tree(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / NAME).write_text(f"{dead_pid()}\nanother-host\n", encoding="utf-8")
    monkeypatch.setattr(generator.build.lock, "WAIT", 0.1)
    with pytest.raises(generator.build.lock.LockedError, match="another-host 上的进程"):
        build([source], out)
    assert (out / NAME).read_text(encoding="utf-8").endswith("another-host\n")


def test_a_stale_lock_is_taken_over_with_a_message(tmp_path, capsys):
    source, out = tree(tmp_path), tmp_path / "out"
    out.mkdir()
    pid = dead_pid()
    (out / NAME).write_text(f"{pid}\n{socket.gethostname()}\n", encoding="utf-8")
    assert main(["build", str(source), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"警告：{out / NAME}：上一次构建（进程 {pid}）没有正常结束，已接管它留下的锁"
    )
    assert (out / "2023/d000.md").is_file() and not (out / NAME).exists()


def test_the_lock_is_released_whatever_the_build_ends_with(tmp_path):
    source, out = tree(tmp_path), tmp_path / "out"
    templates = tmp_path / "templates"
    templates.mkdir()
    with pytest.raises(Exception, match="templates"):
        build([source], out, templates)  # no templates: an error half-way
    assert not out.exists()  # made for the lock, and left empty: removed again
    bad = source / "2023" / "bad.yaml"
    bad.write_text("表样: 上海整体\n", encoding="utf-8")
    assert not build([source], out).ok
    assert not (out / NAME).exists()


# A build slowed down so that a second one starts while it is writing.
SLOW_BUILD = """
import sys, time
import generator.render.templates
real = generator.render.templates.Renderer.declaration_files
def slow(self, context):
    time.sleep(0.03)
    return real(self, context)
generator.render.templates.Renderer.declaration_files = slow
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="paths of the staging files")
def test_two_builds_into_one_folder_at_once_both_succeed(tmp_path):
    source, out = tree(tmp_path, 40), tmp_path / "out"
    env = {**os.environ, "GENERATOR_WORKERS": "1"}
    command = [sys.executable, "-c", SLOW_BUILD, "build", str(source), "--out", str(out)]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list(out.glob("2023/.*.tmp")):  # the first build is staging its files
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    _, first_err = first.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second.stderr
    assert "无法写入" not in first_err + second.stderr
    assert len(list(out.glob("2023/d*.md"))) == 40 and not list(out.rglob("*.tmp"))
