"""The one writer that owns the output folder.

Every file goes to a staging file beside its target (`.budget-build-<name>.<random>.tmp`: the
prefix makes it unmistakably ours, so that a sweep never takes a user's file) and is renamed into
place, so a reader (or an interrupted build) sees the old file or the new one, never half of
one. A build stages all its files first and renames them only when everything was rendered
(`stage`, then `commit`, or `abort` on failure): a template error half-way leaves the earlier
build whole, and no rendered file waits in memory. Removals are staged too and happen at
`commit`, in the order staged. A path may be claimed once per build, and never outside the
output root. Identical content is not rewritten, so modification times (and `make`) see only
real changes. `sweep` removes the staging files a killed build left behind. A writer given the
paths it `owns` never replaces a file at any other path (a user's own `index.md` in the output
folder), unless that file already holds the very bytes to be written.

Nothing is ever renamed over something that is not a regular file: `write` writes into a
character device or a FIFO that is already at the path (as a shell's `>` does, so that `--out
/dev/null` works), and a folder, socket or block device there, or any special file where a
build stages, is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import EnvironmentProblem

# A staging file: our prefix + the target's name + "." + 8 random characters + ".tmp".
PREFIX = ".budget-build-"
STAGING = re.compile(rf"{re.escape(PREFIX)}(.+)\.[a-z0-9_]{{8}}\.tmp")
_RANDOM = "abcdefghijklmnopqrstuvwxyz0123456789_"


class WriteError(EnvironmentProblem):
    """The output folder cannot be written (permissions, full disk, a path outside it)."""


@dataclass(frozen=True)
class Artifact:
    """A rendered output: where it goes, relative to the output root, and its bytes."""

    path: str
    content: bytes


@dataclass
class Writer:
    """Writes artifacts below `root`; counts what it wrote, what was already up to date and
    what it removed."""

    root: Path
    # The paths (relative to the root) whose files this writer may replace; None: any. A file
    # at another path is refused (WriteError) unless it holds the bytes to be written already.
    owns: Callable[[str], bool] | None = None
    # Who keeps the record `owns` reads, as a refusal names them: (command, its record).
    maker: tuple[str, str] = ("构建", "构建记录 .manifest.json ")
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    _claimed: set[str] = field(default_factory=set)
    _folders: list[Path] = field(default_factory=list)  # made for staged files, in order
    # In commit order: (relative, staging file or None for a removal, target), as texts: a
    # province's build stages tens of thousands, and a Path holds each of its parts.
    _staged: list[tuple[str, str | None, str]] = field(default_factory=list)

    def target(self, relative: str) -> Path:
        """The absolute path of `relative`, which must stay inside the root."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise WriteError(f"{relative}: 输出路径不在输出目录 {self.root} 之内")
        return path

    def streams(self, relative: str) -> bool:
        """Whether `relative` is a character device or a FIFO that `write` writes into."""
        return _file_type(self.target(relative)) in _STREAMS

    def write(self, artifact: Artifact) -> None:
        """Write `artifact` now, atomically (stage and commit it alone); into a character
        device or a FIFO that is there already, directly, as a shell's `>` would (`--out
        /dev/null`)."""
        path = self.target(artifact.path)
        if _file_type(path) in _STREAMS:
            self._claim(artifact.path)
            try:
                with open(path, "wb") as stream:
                    stream.write(artifact.content)
            except OSError as error:
                raise WriteError(f"{path}: 无法写入：{error.strerror or error}") from None
            self.written.append(artifact.path)
            return
        try:
            self.stage(artifact)
        except BaseException:  # also Ctrl-C: never leave the staging file behind
            self.abort()
            raise
        self.commit()

    def stage(self, artifact: Artifact) -> None:
        """Write `artifact` to a staging file beside its target, unless the same bytes are
        already there; it takes its place at `commit`."""
        self._claim(artifact.path)
        path = self.target(artifact.path)
        _refuse_special(path)
        try:
            if path.is_file() and path.read_bytes() == artifact.content:
                self.unchanged.append(artifact.path)
                return
            if self.owns is not None and path.exists() and not self.owns(artifact.path):
                command, record = self.maker
                named = f" {command} " if command.isascii() else command  # 不是 trend 生成的
                again = f"运行 {command}" if command.isascii() else command
                raise WriteError(
                    f"{path}：不是{named}生成的文件（{record}中没有它），不会覆盖；"
                    f"请把它移走或删除，再{again}"
                )
            self._make_folder(path.parent)
            self._stage_copy(artifact.path, path, artifact.content)
        except OSError as error:
            self.abort()
            raise WriteError(f"{path}: 无法写入：{error.strerror or error}") from None

    def stage_removal(self, relative: str) -> None:
        """Remove the file `relative` at `commit` (a missing file, or a folder, is left as it
        is). Only the name itself is removed: a link is not followed."""
        self._claim(relative)
        path = self.root / relative
        folder = path.parent.resolve()
        if not folder.is_relative_to(self.root.resolve()) or path.name in ("", ".", ".."):
            raise WriteError(f"{relative}: 输出路径不在输出目录 {self.root} 之内")
        self._staged.append((relative, None, str(folder / path.name)))

    def commit(self) -> None:
        """Rename every staged file into place and make the staged removals, in order."""
        done = 0
        try:
            for relative, staging, target in self._staged:
                path = Path(target)
                if staging is not None:
                    _refuse_special(path)  # one may have appeared since it was staged
                    os.replace(staging, path)
                    self.written.append(relative)
                elif _remove_file(path):
                    self.removed.append(relative)
                done += 1
        except BaseException as error:  # also Ctrl-C: files renamed so far are whole
            failed = self._staged[done][2] if done < len(self._staged) else self.root
            del self._staged[:done]
            self.abort()
            if isinstance(error, OSError):
                raise WriteError(f"{failed}: 无法写入：{error.strerror or error}") from None
            raise
        self._staged.clear()
        self._folders.clear()

    def abort(self) -> None:
        """Remove every staging file, and the folders made for them; the targets stay as they
        were."""
        for _, staging, _ in self._staged:
            if staging is not None:
                Path(staging).unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._folders):  # the deepest first; only if left empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._folders.clear()

    def _make_folder(self, folder: Path) -> None:
        """Make `folder` and the folders above it that are missing, noting them for abort."""
        missing = []
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir(exist_ok=True)
            self._folders.append(made)

    def sweep(self, folder: str, ours: Callable[[str], bool]) -> list[str]:
        """Remove the staging files in `folder` (relative to the root, not below it) whose
        target name `ours` accepts: what a build killed before its commit left. Returns them."""
        path = self.root / folder
        if not path.is_dir() or not path.resolve().is_relative_to(self.root.resolve()):
            return []
        removed = []
        for entry in sorted(path.iterdir()):
            match = STAGING.fullmatch(entry.name)
            if match and ours(match.group(1)) and entry.is_file() and not entry.is_symlink():
                entry.unlink(missing_ok=True)
                removed.append(entry.relative_to(self.root).as_posix())
        return removed

    def _claim(self, relative: str) -> None:
        if relative in self._claimed:
            raise WriteError(f"{relative}: 同一次构建中重复写入同一文件")
        self._claimed.add(relative)

    def _stage_copy(self, relative: str, path: Path, content: bytes) -> None:
        """Write `content` to a new staging file beside `path`. The staging file is listed
        before it is created, so that `abort` finds it whenever an interrupt arrives."""
        while True:
            random = "".join(secrets.choice(_RANDOM) for _ in range(8))
            staging = str(path.parent / f"{PREFIX}{path.name}.{random}.tmp")
            self._staged.append((relative, staging, str(path)))
            try:
                descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:  # someone else's file: not ours to remove
                self._staged.pop()
                continue
            break
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(staging, 0o644)


_STREAMS = (stat.S_IFCHR, stat.S_IFIFO)  # written into, never replaced

# What an output path may be besides a regular file, as the messages name it.
_FILE_TYPES = {
    stat.S_IFDIR: "文件夹",
    stat.S_IFCHR: "字符设备",
    stat.S_IFIFO: "FIFO 管道",
    stat.S_IFSOCK: "套接字",
    stat.S_IFBLK: "块设备",
}


def _file_type(path: Path) -> int | None:
    """The type (stat.S_IF…) of what is at `path` if it is there and not a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # not there (or not reachable: writing it then says why)
        return None
    return None if stat.S_ISREG(mode) else stat.S_IFMT(mode)


def _refuse_special(path: Path) -> None:
    """Nothing is ever renamed over a folder, a device, a FIFO or a socket."""
    kind = _file_type(path)
    if kind is not None:
        what = _FILE_TYPES.get(kind, "特殊文件")
        raise WriteError(f"{path}：不是普通文件（{what}），不会写入或替换它；请换一个文件名")


def _remove_file(path: Path) -> bool:
    """Remove `path` if it is a file (or a link); True when something was removed."""
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as error:
        if isinstance(error, PermissionError) and not path.is_dir():
            raise
        return False
    return True
