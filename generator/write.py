"""The one writer that owns the output folder.

Every file goes to a temporary file beside its target and is renamed into place, so a reader
(or an interrupted build) sees the old file or the new one, never half of one. A path may be
claimed once per build, and never outside the output root. Identical content is not rewritten,
so modification times (and `make`) see only real changes.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class WriteError(Exception):
    """The output folder cannot be written (permissions, full disk, a path outside it)."""


@dataclass(frozen=True)
class Artifact:
    """A rendered output: where it goes, relative to the output root, and its bytes."""

    path: str
    content: bytes


@dataclass
class Writer:
    """Writes artifacts below `root`; counts what it wrote and what was already up to date."""

    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    _claimed: set[str] = field(default_factory=set)

    def target(self, relative: str) -> Path:
        """The absolute path of `relative`, which must stay inside the root."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise WriteError(f"{relative}: 输出路径不在输出目录 {self.root} 之内")
        return path

    def write(self, artifact: Artifact) -> None:
        """Write `artifact` atomically, unless the same bytes are already there."""
        if artifact.path in self._claimed:
            raise WriteError(f"{artifact.path}: 同一次构建中重复写入同一文件")
        self._claimed.add(artifact.path)
        path = self.target(artifact.path)
        try:
            if path.is_file() and path.read_bytes() == artifact.content:
                self.unchanged.append(artifact.path)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, artifact.content)
        except OSError as error:
            raise WriteError(f"{path}: 无法写入：{error.strerror or error}") from None
        self.written.append(artifact.path)


def _atomic_write(path: Path, content: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
        raise
