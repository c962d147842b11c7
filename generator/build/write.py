"""The one writer that owns the output folder.

Every file goes to a temporary file beside its target and is renamed into place, so a reader
(or an interrupted build) sees the old file or the new one, never half of one. A build stages
all its files first and renames them only when everything was rendered (`stage`, then
`commit`, or `abort` on failure): a template error half-way leaves the earlier build whole, and
no rendered file waits in memory. A path may be claimed once per build, and never outside the
output root. Identical content is not rewritten, so modification times (and `make`) see only
real changes.
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
    _staged: list[tuple[str, str, Path]] = field(
        default_factory=list
    )  # relative, temporary, target

    def target(self, relative: str) -> Path:
        """The absolute path of `relative`, which must stay inside the root."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise WriteError(f"{relative}: 输出路径不在输出目录 {self.root} 之内")
        return path

    def write(self, artifact: Artifact) -> None:
        """Write `artifact` now, atomically (stage and commit it alone)."""
        self.stage(artifact)
        self.commit()

    def stage(self, artifact: Artifact) -> None:
        """Write `artifact` to a temporary file beside its target, unless the same bytes are
        already there; it takes its place at `commit`."""
        if artifact.path in self._claimed:
            raise WriteError(f"{artifact.path}: 同一次构建中重复写入同一文件")
        self._claimed.add(artifact.path)
        path = self.target(artifact.path)
        try:
            if path.is_file() and path.read_bytes() == artifact.content:
                self.unchanged.append(artifact.path)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = _temporary_copy(path, artifact.content)
        except OSError as error:
            self.abort()
            raise WriteError(f"{path}: 无法写入：{error.strerror or error}") from None
        self._staged.append((artifact.path, temporary, path))

    def commit(self) -> None:
        """Rename every staged file into place."""
        done = 0
        try:
            for relative, temporary, path in self._staged:
                os.replace(temporary, path)
                self.written.append(relative)
                done += 1
        except BaseException as error:  # also Ctrl-C: files renamed so far are whole
            del self._staged[:done]
            self.abort()
            if isinstance(error, OSError):
                raise WriteError(f"{self.root}: 无法写入：{error.strerror or error}") from None
            raise
        self._staged.clear()

    def abort(self) -> None:
        """Remove every staged temporary file; the targets stay as they were."""
        for _, temporary, _ in self._staged:
            Path(temporary).unlink(missing_ok=True)
        self._staged.clear()


def _temporary_copy(path: Path, content: bytes) -> str:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
