"""Declarations as they were at a git revision, for `diff --rev`.

Asks git for the files under the given paths at that revision and reads each from git's object
store: nothing is checked out, the work tree is never touched.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from generator.sources import SUFFIXES, Checked, UsageError, read_checked_text


def read_at_revision(revision: str, paths: Iterable[Path]) -> list[Checked]:
    """Every declaration under `paths` (relative to the current folder) at `revision`."""
    names = _git("ls-tree", "-r", "--name-only", revision, "--", *map(str, paths)).splitlines()
    files = sorted(n for n in names if n.endswith(SUFFIXES))
    # ls-tree names paths from the repository's top; show wants them so too ("REV:path").
    top = Path(_git("rev-parse", "--show-toplevel").strip())
    prefix = Path.cwd().resolve().relative_to(top.resolve()).as_posix()
    checked = []
    for name in files:
        in_repository = f"{prefix}/{name}" if prefix != "." else name
        text = _git("show", f"{revision}:{in_repository}")
        checked.append(read_checked_text(text, f"{revision}:{name}"))
    return checked


def _git(*args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], capture_output=True, text=True, encoding="utf-8", check=False
        )
    except FileNotFoundError:
        raise UsageError("找不到 git 命令：--rev 需要 git") from None
    if result.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])}：{result.stderr.strip()}")
    return result.stdout
