"""The worker pool: results in order, a worker's error raised in the parent, a worker that dies
reported (not waited for), and leaving early ends every worker; with workers started by fork
and by spawn (the start method of Windows and macOS), and a spawn build of every form kind
equal to a serial one, byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA, MINIMAL, ROOT, make_seed_tree

from generator.build import pool as pool_module
from generator.build.build import build
from generator.build.pool import Pool, WorkerError, available, methods
from generator.cli import main
from generator.render.templates import TemplateError

needs_fork = pytest.mark.skipif(not available("fork"), reason="needs fork")


@pytest.fixture(params=["fork", "spawn"])
def method(request: pytest.FixtureRequest) -> str:
    if request.param not in methods():
        pytest.skip(f"this platform cannot start processes by {request.param}")
    return str(request.param)


def square(number: int) -> int:
    return number * number


def fail_at_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven")
    return number


def die_at_seven(number: int) -> int:
    if number == 7:
        os._exit(3)
    return number


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_results_come_in_order(method):
    with Pool(2, square, method) as pool:
        assert list(pool.imap(range(50))) == [n * n for n in range(50)]
        assert list(pool.imap([])) == []


def test_an_error_in_a_worker_is_raised_in_the_parent(method):
    with pytest.raises(ValueError, match="seven"), Pool(2, fail_at_seven, method) as pool:
        list(pool.imap(range(20)))


def test_a_worker_that_dies_is_reported(method):
    with (
        pytest.raises(WorkerError, match=r"并行渲染的子进程意外退出（退出码 3）"),
        Pool(2, die_at_seven, method) as pool,
    ):
        list(pool.imap(range(20)))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="looks for processes in /proc")
def test_leaving_early_ends_every_worker(method):
    pool = Pool(2, square, method)
    with pool:
        pids = [process.pid for process, _ in pool._workers]
        results = pool.imap(range(100))
        assert next(results) == 0
        results.close()  # as when the build stops in the middle (an error, Ctrl-C)
    assert pool._workers == [] and not any(alive(pid) for pid in pids if pid)


def corpus(root: Path, count: int) -> Path:
    folder = root / "src" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"d{number:02d}.yaml").write_text(
            text.replace("测试局", f"测试局{number:02d}"), encoding="utf-8"
        )
    return root / "src"


@needs_fork
def test_a_template_error_in_a_parallel_build_leaves_the_earlier_build(tmp_path, monkeypatch):
    monkeypatch.setenv("GENERATOR_WORKERS", "2")
    tree = corpus(tmp_path, 30)
    out = tmp_path / "out"
    assert build([tree], out).ok
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for source in (tree / "2023").iterdir():
        source.write_text(
            source.read_text(encoding="utf-8").replace("内设机构数: 1", "内设机构数: 2"),
            encoding="utf-8",
        )
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", templates)
    summary = templates / "summary.md.j2"
    broken = "{% if d.slug == 'd20' %}{{ d.no_such_field }}{% endif %}\n"
    summary.write_text(summary.read_text(encoding="utf-8") + broken, encoding="utf-8")
    with pytest.raises(TemplateError, match="no_such_field"):
        build([tree], out, templates)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(out.rglob("*.tmp"))


@needs_fork  # the workers inherit the patched renderer
def test_a_worker_killed_during_a_build_is_an_environment_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GENERATOR_WORKERS", "2")
    tree = corpus(tmp_path, 30)
    import generator.render.templates

    real = generator.render.templates.Renderer.declaration_files

    def dies_on_d20(self, context):
        if context.slug == "d20":
            os._exit(9)
        return real(self, context)

    monkeypatch.setattr(generator.render.templates.Renderer, "declaration_files", dies_on_d20)
    assert main(["build", str(tree), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "错误：并行渲染的子进程意外退出（退出码 9）；可设 GENERATOR_WORKERS=1 后重试\n"
    )
    assert not list((tmp_path / "out").rglob("*.tmp"))
    assert not (tmp_path / "out/2023/d00.md").exists()


def test_a_spawn_build_equals_a_serial_build(tmp_path, monkeypatch):
    """The seed, a fixture of every form kind with its projects, and enough declarations for
    the pool: built by spawned workers, every file equals the serial build's."""
    declarations = make_seed_tree(tmp_path)
    shutil.copytree(DATA / "forms" / "2024", declarations / "2024")
    text = MINIMAL.read_text(encoding="utf-8")
    for number in range(30):
        (declarations / "2023" / f"d{number:02d}.yaml").write_text(
            text.replace("测试局", f"测试局{number:02d}"), encoding="utf-8"
        )
    started = []
    real_enter = Pool.__enter__

    def enter(self):
        started.append(self._method)
        return real_enter(self)

    monkeypatch.setattr(Pool, "__enter__", enter)
    monkeypatch.setenv("GENERATOR_WORKERS", "1")
    assert build([declarations], tmp_path / "serial").ok
    monkeypatch.setenv("GENERATOR_WORKERS", "2")
    monkeypatch.setenv("GENERATOR_START_METHOD", "spawn")
    assert build([declarations], tmp_path / "spawn").ok
    assert started == ["spawn"]  # the serial build started none

    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    serial = files(tmp_path / "serial")
    assert len(serial) > 150
    assert files(tmp_path / "spawn") == serial


def test_a_start_method_this_platform_lacks_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GENERATOR_START_METHOD", "vfork")
    assert main(["build", str(make_seed_tree(tmp_path)), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "错误：环境变量 GENERATOR_START_METHOD 的值“vfork”无效：这里可用"
        f"{'、'.join(methods())}（不设则为 {pool_module.default_method()}）\n"
    )
    assert not (tmp_path / "out").exists()
