"""Interrupting a parallel build, with real processes: Ctrl-C (SIGINT to the process group) and
SIGTERM stop it within seconds with one message and no traceback, leaving no worker and no
staging file; after SIGKILL of the parent its workers end by themselves, and the next build
removes the staging files the killed one left. Each with workers started by fork and by spawn
(the start method of Windows and macOS)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="looks for processes in /proc")

DECLARATIONS = 60  # enough for the worker pool (it starts from 24)
MESSAGE = "已中断：已写入的文件都是完整的"

# The build, with each render slowed down so that a signal lands while the workers are busy.
# SIGINT is handled as in a terminal even where the tests run with it ignored (a background job).
# A script file: workers started by spawn run it too (as __mp_main__), and so render slowly.
SLOW_BUILD = """
import signal, sys, time
import generator.render.templates
real = generator.render.templates.Renderer.declaration_files
def slow(self, context):
    time.sleep(0.05)
    return real(self, context)
generator.render.templates.Renderer.declaration_files = slow
if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from generator.cli import main
    sys.exit(main(sys.argv[1:]))
"""
SEEN: dict[Path, set[int]] = {}  # output folder → the build and every process it started


@pytest.fixture(params=["fork", "spawn"])
def method(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("interrupt") / "src" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    for number in range(DECLARATIONS):
        (folder / f"d{number:03d}.yaml").write_text(
            text.replace("测试局", f"测试局{number:03d}"), encoding="utf-8"
        )
    return folder.parent


@pytest.fixture(autouse=True)
def no_leftovers(tmp_path: Path):
    """Whatever the outcome, end the processes a test started (found by their output folder)."""
    yield
    for pid in processes_of(tmp_path / "out"):
        os.kill(pid, signal.SIGKILL)


def start(corpus: Path, out: Path, method: str) -> subprocess.Popen[bytes]:
    # Output goes to a file: a pipe would stay open as long as any (orphaned) worker lives.
    log = out.parent / "stderr.txt"
    script = out.parent / "slow_build.py"
    script.write_text(SLOW_BUILD, encoding="utf-8")
    with log.open("wb") as stream:
        return subprocess.Popen(
            [sys.executable, str(script), "build", str(corpus), "--out", str(out)],
            cwd=ROOT,
            env={**os.environ, "GENERATOR_WORKERS": "2", "GENERATOR_START_METHOD": method},
            stdout=subprocess.DEVNULL,
            stderr=stream,
            start_new_session=True,  # its own process group, as a shell gives a command
        )


def processes_of(out: Path) -> list[int]:
    """Live processes (zombies excluded) among the build (its command line names `out`) and
    the processes it started, seen while it was their parent (forked workers name `out` too;
    spawned ones, and spawn's resource tracker, do not)."""
    seen = SEEN.setdefault(out, set())
    live = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, state, parent = int(entry.name), fields[0], int(fields[1])
        if str(out).encode() in cmdline.split(b"\0") or parent in seen:
            seen.add(pid)
        if pid in seen and state != "Z":
            live.append(pid)
    return live


def wait_for_workers(build: subprocess.Popen[bytes], out: Path, method: str) -> None:
    deadline = time.monotonic() + 20
    # the build and two workers (and, with spawn, its resource tracker)
    while len(processes_of(out)) < (3 if method == "fork" else 4):
        assert build.poll() is None, (out.parent / "stderr.txt").read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "the worker pool never started"
        time.sleep(0.02)


def wait_until_gone(out: Path, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while processes_of(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_of(out)


def finish(build: subprocess.Popen[bytes], out: Path, seconds: float = 5) -> str:
    """The build's stderr once it has ended, at most `seconds` from now."""
    try:
        build.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        pytest.fail(f"the build did not stop within {seconds} s of the signal")
    return (out.parent / "stderr.txt").read_text(encoding="utf-8")


def staging_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.tmp")) if out.exists() else []


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.7, 1.2])
def test_ctrl_c_stops_a_parallel_build_cleanly(corpus, tmp_path, delay, method):
    out = tmp_path / "out"
    build = start(corpus, out, method)
    wait_for_workers(build, out, method)
    time.sleep(delay)
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    err = finish(build, out)
    assert build.returncode == 130, err
    assert err.count("已中断") == 1 and MESSAGE in err, err
    assert "Traceback" not in err, err
    assert wait_until_gone(out, 3) == []
    assert staging_files(out) == []


def test_sigterm_stops_a_parallel_build_cleanly(corpus, tmp_path, method):
    out = tmp_path / "out"
    build = start(corpus, out, method)
    wait_for_workers(build, out, method)
    time.sleep(0.3)
    os.kill(build.pid, signal.SIGTERM)  # to the build alone, as a service manager does
    err = finish(build, out)
    assert build.returncode == 143, err
    assert err.count("已中断") == 1 and MESSAGE in err, err
    assert "Traceback" not in err, err
    assert wait_until_gone(out, 3) == []
    assert staging_files(out) == []


def test_after_sigkill_the_workers_end_and_the_next_build_cleans_up(corpus, tmp_path, method):
    out = tmp_path / "out"
    build = start(corpus, out, method)
    wait_for_workers(build, out, method)
    time.sleep(0.5)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert wait_until_gone(out, 5) == []  # the orphaned workers noticed and ended
    # What a build killed while staging leaves (planted, so that there surely is some):
    (out / "2023").mkdir(parents=True, exist_ok=True)
    (out / ".cache").mkdir(exist_ok=True)
    planted = [
        out / "2023" / ".budget-build-d000.md.abcd1234.tmp",
        out / "2023" / ".budget-build-index.xlsx.k_9z0q1x.tmp",
        out / ".budget-build-.manifest.json.zz00aa11.tmp",  # the staging file of .manifest.json
        out / ".cache" / f".budget-build-{'0' * 64}.json.abcd1234.tmp",
    ]
    for path in planted:
        path.write_bytes(b"half a file")
    foreign = out / "2023" / ".budget-build-notes.txt.abcd1234.tmp"  # not a name we write
    foreign.write_bytes(b"someone else's")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(corpus), "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "GENERATOR_WORKERS": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert staging_files(out) == [foreign]
    assert len(list((out / "2023").glob("d*.md"))) == DECLARATIONS
