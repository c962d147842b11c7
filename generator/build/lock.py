"""The lock of an output folder: one build at a time writes into it.

The lock is a file, OUT/.budget-build.lock, created with O_EXCL (which works the same on
Windows, macOS and Linux, and on network drives) and holding the process id and host name of
the build that holds it; it is removed when that build ends, however it ends short of being
killed outright. A second build waits a little (WAIT seconds) for the first to end, then gives
up with a message naming the holder. A lock whose process is gone (a build killed with
SIGKILL, a machine switched off) is stale: the next build on the same host takes it over and
says so. A lock held from another host cannot be checked and is never taken over.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.build.write import WriteError

NAME = ".budget-build.lock"
WAIT = 10.0  # seconds a build waits for another one to end
POLL = 0.1  # seconds between looks at the lock while waiting


class LockedError(WriteError):
    """Another build holds the output folder's lock."""


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its file says (pid 0 and host "" when it cannot be read)."""

    pid: int
    host: str

    def describe(self) -> str:
        if not self.pid:
            return "持有者不明"
        return f"{self.host or '未知主机'} 上的进程 {self.pid}"


@contextmanager
def output_lock(
    folder: Path, waiting: Callable[[str], None] | None = None, wait: float | None = None
) -> Iterator[list[str]]:
    """Hold the lock of `folder` (created if need be) for the duration of the `with`; yields
    the notes to show (a stale lock taken over). `waiting` is told once when the build has to
    wait; after `wait` seconds (default WAIT) LockedError says who holds the lock."""
    path = folder / NAME
    notes: list[str] = []
    deadline = time.monotonic() + (WAIT if wait is None else wait)
    told = False
    created = _missing(folder)  # removed again if the build leaves them empty
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"{folder}: 无法写入：{error.strerror or error}") from None
    while True:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            pass
        except OSError as error:
            raise WriteError(f"{path}: 无法写入：{error.strerror or error}") from None
        holder, content = _holder(path)
        if content is None:  # gone meanwhile: try again at once
            continue
        if holder.pid and holder.host == _host() and not process_alive(holder.pid):
            if _remove_if_unchanged(path, content):
                notes.append(
                    f"{path}：上一次构建（进程 {holder.pid}）没有正常结束，已接管它留下的锁"
                )
            continue
        if time.monotonic() >= deadline:
            raise LockedError(
                f"{folder}：另一个构建正在写入这个输出目录（{holder.describe()}），等它结束后再"
                f"构建；若确定没有构建在运行，删除 {path} 后重试"
            )
        if waiting is not None and not told:
            waiting(f"另一个构建正在写入 {folder}（{holder.describe()}），等待它结束……")
            told = True
        time.sleep(POLL)
    mine = f"{os.getpid()}\n{_host()}\n".encode()
    try:
        os.write(descriptor, mine)
    finally:
        os.close(descriptor)
    try:
        yield notes
    finally:
        _remove_if_unchanged(path, mine)
        for made in created:
            with contextlib.suppress(OSError):  # not empty: the build wrote something
                made.rmdir()


def _missing(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, innermost first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists() or path.is_symlink():
            break
        missing.append(path)
    return missing


def process_alive(pid: int) -> bool:
    """Whether process `pid` (of this host) is running; True when that cannot be told."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        synchronize, query = 0x00100000, 0x1000  # SYNCHRONIZE, PROCESS_QUERY_LIMITED_INFORMATION
        handle = kernel32.OpenProcess(synchronize | query, False, pid)
        if not handle:
            return bool(ctypes.GetLastError() == 5)  # ERROR_ACCESS_DENIED: it exists
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user's
        return True
    return True


def _host() -> str:
    return socket.gethostname()


def _holder(path: Path) -> tuple[Holder, bytes | None]:
    """Who holds the lock at `path`, and the bytes of the lock file (None when it is gone)."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Holder(0, ""), None
    except OSError:
        return Holder(0, ""), b""
    lines = content.decode("utf-8", "replace").splitlines()
    if len(lines) == 2 and lines[0].isascii() and lines[0].isdigit():
        return Holder(int(lines[0]), lines[1]), content
    return Holder(0, ""), content  # being written, or not ours: never taken over


def _remove_if_unchanged(path: Path, content: bytes) -> bool:
    """Remove the lock file if it still holds `content` (not one another build made since)."""
    try:
        if path.read_bytes() != content:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise WriteError(f"{path}: 无法删除：{error.strerror or error}") from None
    return True
