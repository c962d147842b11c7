"""Work on several cores: a small pool of worker processes that can be interrupted.

Not concurrent.futures, whose pool on Ctrl-C lets its workers die with tracebacks and can wait
forever on a queue nobody reads, and whose workers, when the parent is killed, stay blocked on a
pipe that never ends (every worker holds its other end, inherited through fork). Here:

- each worker has its own pipe and one batch of tasks at a time, so nothing waits in a shared
  queue and neither side can block the other;
- workers ignore SIGINT (Ctrl-C reaches the whole process group, or on Windows every process
  of the console; the parent decides) and end by themselves when their parent is gone: a
  watchdog thread watches the parent's process id (on Windows, which never gives a process
  another parent, it waits on the parent's process handle);
- leaving the pool early (an error or an interrupt in the parent) kills the workers at once.
  They hold nothing that needs cleaning up: the parent writes every file.

Workers are started by "fork" (POSIX: they share what the parent has loaded) or "spawn" (every
platform, and the default on Windows and macOS: each worker is a new interpreter that imports
only the module of `work` and unpickles it, so `work` must be picklable). `default_method()`
says which one a build uses.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # multiprocessing is loaded when a pool starts, not by a build that needs none
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

from generator.errors import EnvironmentProblem

Task = TypeVar("Task")
Result = TypeVar("Result")

BATCH = 4  # tasks handed to a worker at a time
WATCH_SECONDS = 0.2  # how often a worker looks whether its parent is still there
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class WorkerError(EnvironmentProblem):
    """A worker process ended without answering (killed, out of memory)."""


def methods() -> list[str]:
    """The start methods this platform has ("spawn" everywhere, "fork" on POSIX)."""
    return ["fork", "spawn"] if hasattr(os, "fork") else ["spawn"]  # as multiprocessing says


def default_method() -> str:
    """ "fork" where it is safe (Linux and the other POSIX systems but macOS, whose system
    libraries may break in a forked child: Python's own default there is "spawn"), else
    "spawn"."""
    return "fork" if "fork" in methods() and sys.platform != "darwin" else "spawn"


def available(method: str | None = None) -> bool:
    """True where worker processes can be started with `method` (default: default_method)."""
    return (method or default_method()) in methods()


class Pool(Generic[Task, Result]):
    """`size` processes computing `work(task)`, started with `method`; use as a context
    manager."""

    def __init__(
        self, size: int, work: Callable[[Task], Result], method: str | None = None
    ) -> None:
        self._size = size
        self._work = work
        self._method = method or default_method()
        self._workers: list[tuple[BaseProcess, Connection]] = []

    def __enter__(self) -> Pool[Task, Result]:
        import multiprocessing

        context: Any = multiprocessing.get_context(self._method)  # fork or spawn
        parent = os.getpid()
        # A signal is held back while the workers start: one arriving in the middle of a
        # fork would be lost in the parent or kill a half-started worker with a traceback.
        # The workers start with it held back too (a mask survives fork and exec), and set
        # their own handling first. Windows has no signal masks: there a Ctrl-C while the
        # workers start may end one that has not yet set its handling, with a traceback; the
        # parent gets it too and stops as anywhere else.
        held = _hold_signals(self._method != "fork")
        try:
            for _ in range(self._size):
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_serve, args=(theirs, self._work, parent), daemon=True
                )
                process.start()
                theirs.close()
                self._workers.append((process, ours))
            _release_signals(held)  # a held signal arrives here
        except BaseException:  # `with` calls no __exit__ when __enter__ fails: end them here
            self._kill()
            _release_signals(held)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._kill()
            return
        try:
            self._stop()
        except BaseException:
            self._kill()
            raise

    def imap(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """`work(task)` for each task, in order. Tasks are taken from `tasks` only as workers
        become free, and few results wait, so memory does not grow with the number of tasks."""
        pending = iter(tasks)
        idle = list(range(len(self._workers)))
        busy: dict[int, int] = {}  # worker → index of the first task of its batch
        done: dict[int, Result] = {}
        sent = received = 0
        exhausted = False
        while True:
            while idle and not exhausted and len(done) < 2 * BATCH * len(self._workers):
                batch = [task for _, task in zip(range(BATCH), pending, strict=False)]
                exhausted = len(batch) < BATCH
                if batch:
                    worker = idle.pop()
                    self._send(worker, batch)
                    busy[worker] = sent
                    sent += len(batch)
            if received in done:
                yield done.pop(received)
                received += 1
                continue
            if not busy:
                return
            for worker in self._ready(busy):
                first = busy.pop(worker)
                for offset, result in enumerate(self._receive(worker)):
                    done[first + offset] = result
                idle.append(worker)

    def _send(self, worker: int, batch: list[Task]) -> None:
        process, connection = self._workers[worker]
        try:
            connection.send(batch)
        except OSError:
            raise WorkerError(_ended(process)) from None

    def _ready(self, busy: dict[int, int]) -> list[int]:
        """The busy workers that have answered; a WorkerError if one ended instead."""
        connections = {self._workers[w][1]: w for w in busy}
        sentinels = {self._workers[w][0].sentinel: w for w in busy}
        from multiprocessing.connection import Connection, wait

        ready = wait([*connections, *sentinels])
        answered = [connections[c] for c in ready if isinstance(c, Connection)]
        for sentinel in ready:
            if isinstance(sentinel, int) and sentinels[sentinel] not in answered:
                raise WorkerError(_ended(self._workers[sentinels[sentinel]][0]))
        return answered

    def _receive(self, worker: int) -> list[Result]:
        process, connection = self._workers[worker]
        try:
            ok, value = connection.recv()
        except (EOFError, OSError):
            raise WorkerError(_ended(process)) from None
        if not ok:
            raise value
        results: list[Result] = value
        return results

    def _stop(self) -> None:
        """Let every worker finish and end."""
        for _, connection in self._workers:
            with contextlib.suppress(OSError):  # already gone
                connection.send(None)
        for process, connection in self._workers:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
            connection.close()
        self._workers.clear()

    def _kill(self) -> None:
        """End every worker now."""
        for process, _ in self._workers:
            if process.is_alive():
                process.kill()
        for process, connection in self._workers:
            process.join()
            connection.close()
        self._workers.clear()


def _hold_signals(spawn: bool) -> set[int | signal.Signals] | None:
    """Block SIGINT and SIGTERM; the mask before (None where there are no masks: Windows).
    With `spawn`, multiprocessing's resource tracker is started first: starting it unblocks
    both signals (CPython's bpo-33613 guard), which would leave the workers started after it
    unprotected and deliver a held Ctrl-C before the workers are all there."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    if spawn:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    return signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


def _release_signals(held: set[int | signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _ended(process: BaseProcess) -> str:
    process.join(timeout=1)
    return f"并行渲染的子进程意外退出（退出码 {process.exitcode}）；可设 GENERATOR_WORKERS=1 后重试"


def _serve(connection: Connection, work: Callable[[Any], Any], parent: int) -> None:
    """A worker: answer batches of tasks until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    while True:
        try:
            batch = connection.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            reply: tuple[bool, object] = (True, [work(task) for task in batch])
        except Exception as error:  # the parent raises it (a template error, say)
            reply = (False, error)
        try:
            connection.send(reply)
        except OSError:
            return
        except Exception as error:  # the error itself cannot be pickled
            connection.send((False, WorkerError(f"{type(error).__name__}: {error}")))


def _watch(parent: int) -> None:
    """End this worker once its parent is gone (on POSIX it then has another parent process;
    on Windows, where it keeps the same one, its parent's process handle is signalled)."""
    if sys.platform == "win32":
        import multiprocessing

        process = multiprocessing.parent_process()  # known to workers started by spawn
        if process is None:
            return
        process.join()
    else:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
    os._exit(1)
