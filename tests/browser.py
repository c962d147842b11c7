"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: commands in on descriptor 3, replies out on 4, each a JSON
document ended by a NUL byte): one browser for many pages, each loaded as a reader opens it,
and asked what its links resolve to."""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT = 60  # seconds for any one reply


class Browser:
    """`with Browser(chromium, profile) as browser: browser.links(url)`."""

    def __init__(self, chromium: str, profile: Path) -> None:
        self.chromium = chromium
        self.profile = profile
        self._number = 0
        self._buffer = b""

    def __enter__(self) -> Browser:
        commands_in, self._commands = os.pipe()
        self._replies, replies_out = os.pipe()
        # moved above 3 and 4 first, so that neither dup2 overwrites the other's source; the
        # child closes every other descriptor after `descriptors` ran
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_in, replies_out)]

        def descriptors() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self._process = subprocess.Popen(
            [self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=descriptors, pass_fds=(3, 4),  # kept open: see descriptors
        )  # fmt: skip
        for fd in (commands_in, replies_out, *high):
            os.close(fd)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self._call("Page.enable", {}, self._session)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._send("Browser.close", {})
            self._process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            os.close(self._commands)
            os.close(self._replies)

    def links(self, url: str) -> list[str]:
        """Load `url` and return the href of every link on it as the browser resolves it."""
        navigated = self._call("Page.navigate", {"url": url}, self._session)
        assert "errorText" not in navigated, (url, navigated)
        self._wait_for("Page.loadEventFired")
        script = "JSON.stringify(Array.from(document.querySelectorAll('a'), a => a.href))"
        result = self._call("Runtime.evaluate", {"expression": script, "returnByValue": True},
                            self._session)  # fmt: skip
        links: list[str] = json.loads(result["result"]["value"])
        return links

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._number += 1
        message: dict[str, Any] = {"id": self._number, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._number

    def _call(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        number = self._send(method, params, session)
        while True:
            message = self._read()
            if message.get("id") == number:
                assert "error" not in message, (method, message)
                return message["result"]

    def _wait_for(self, event: str) -> None:
        while self._read().get("method") != event:
            pass

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], TIMEOUT)
            assert ready, "Chromium did not answer"
            chunk = os.read(self._replies, 1 << 16)
            assert chunk, "Chromium closed its pipe"
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        data: dict[str, Any] = json.loads(message)
        return data
