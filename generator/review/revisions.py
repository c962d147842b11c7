"""Declarations as they were at a git revision, for `diff --rev`.

Resolves the revisions the user names (`A`, `A..B`, `A...B`) to commits, asks git for the files
under the given paths at a commit and reads each from git's object store: nothing is checked
out, the work tree is never touched. A revision only ever reaches git after `--end-of-options`,
so one spelled like an option (`--output=x`) is looked up as a revision, never obeyed. File
names travel NUL-separated (`-z`), so non-ASCII names arrive as written, and file contents as
bytes, decoded exactly like a file on disk (E006 when not UTF-8).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.declaration.sources import (
    Checked,
    UsageError,
    is_declaration_name,
    read_checked_bytes,
)

_RANGE_FORM = "--rev 要写成 A、A..B 或 A...B（A、B 是修订版本，例如 main..HEAD）"


@dataclass(frozen=True)
class Commit:
    """A revision resolved to its commit; `name` is how its files are named (`name:path`)."""

    oid: str
    name: str


@dataclass(frozen=True)
class RevisionRange:
    """What `--rev` compares: `old` with `new` (None: the work tree), and how each side is
    labelled in the report."""

    old: Commit
    new: Commit | None
    old_label: str
    new_label: str


@dataclass(frozen=True)
class AtRevision:
    """The declarations under some paths at a commit, by their path relative to the current
    folder (`declarations/2023/x.yaml`); `absent` holds the paths that named nothing there."""

    files: dict[str, Checked]
    absent: frozenset[Path]


def resolve_range(spec: str) -> RevisionRange:
    """`A` (A → work tree), `A..B` (A → B; `A..` is A → work tree) or `A...B` (where B forked
    from A → B, what a pull request changes). A revision git does not know is a UsageError
    naming it."""
    _check_repository()
    if "..." in spec:
        old, _, new = spec.partition("...")
        if not old or not new:
            raise UsageError(_RANGE_FORM)
        new_commit = _resolve(new)
        try:
            fork = _git("merge-base", _resolve(old).oid, new_commit.oid).decode().strip()
        except UsageError:  # git says nothing when there is no common ancestor
            raise UsageError(f"{old} 与 {new} 没有共同的历史：改用 {old}..{new}") from None
        short = _git("rev-parse", "--short", fork).decode().strip()
        return RevisionRange(Commit(fork, short), new_commit, spec, new)
    old, _, new = spec.partition("..")
    if not old:
        raise UsageError(_RANGE_FORM)
    old_commit = _resolve(old)
    if not new:
        return RevisionRange(old_commit, None, old, "工作区")
    return RevisionRange(old_commit, _resolve(new), old, new)


def read_at_revision(commit: Commit, paths: Iterable[Path]) -> AtRevision:
    """Every declaration under `paths` (relative to the current folder) at `commit`."""
    entries: dict[str, str] = {}  # path → blob id
    absent = set()
    for path in paths:
        listed = _list_tree(commit, path)
        if not listed:
            absent.add(path)
        entries.update(listed)
    names = sorted(n for n in entries if is_declaration_name(n))
    contents = _read_blobs([entries[n] for n in names])
    files = {
        name: read_checked_bytes(data, f"{commit.name}:{name}")
        for name, data in zip(names, contents, strict=True)
    }
    return AtRevision(files, frozenset(absent))


def _check_repository() -> None:
    try:
        subprocess.run(["git", "rev-parse", "--git-dir"], capture_output=True, check=True)
    except FileNotFoundError:
        raise UsageError("找不到 git 命令：--rev 需要 git") from None
    except subprocess.CalledProcessError:
        where = Path.cwd().as_posix()
        raise UsageError(f"--rev 要在 git 仓库里运行，{where} 不在 git 仓库中") from None


def _resolve(revision: str) -> Commit:
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise UsageError(
            f"git 仓库中没有修订版本“{revision}”（写分支名、标签或提交号，例如 main、HEAD~1）"
        )
    return Commit(result.stdout.decode().strip(), revision)


def _list_tree(commit: Commit, path: Path) -> dict[str, str]:
    """The files under `path` at `commit`, by their path relative to the current folder (as
    git prints them), with their blob ids."""
    output = _git("--literal-pathspecs", "ls-tree", "-r", "-z", commit.oid, "--", path.as_posix())
    listed = {}
    for entry in filter(None, output.split(b"\0")):
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        name = os.fsdecode(raw_name)
        if kind != "blob":  # a submodule: not a declaration
            continue
        if mode == "120000" and is_declaration_name(name):
            raise UsageError(
                f"{name}：在 {commit.name} 中是符号链接，--rev 只读普通文件（把它改为普通文件）"
            )
        listed[name] = oid
    return listed


def _read_blobs(oids: list[str]) -> list[bytes]:
    """The contents of the blobs `oids`, in order, from one `git cat-file --batch`."""
    if not oids:
        return []
    output = _git("cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids).encode())
    contents = []
    at = 0
    for oid in oids:
        header_end = output.index(b"\n", at)
        header = output[at:header_end].decode().split()
        if header[1:2] != ["blob"]:  # "<oid> missing": a shallow or partial clone
            raise UsageError(f"git 仓库中缺少对象 {oid}：先 git fetch 取得完整的历史")
        size = int(header[2])
        start = header_end + 1
        contents.append(output[start : start + size])
        at = start + size + 1  # the contents are followed by a line feed
    return contents


def _git(*args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("找不到 git 命令：--rev 需要 git") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        command = next(a for a in args if not a.startswith("-"))
        raise UsageError(f"git {command}：{message}")
    return result.stdout
