"""The build's record of what it made, OUT/.manifest.json.

For every declaration it built (by the name of its outputs, `<年度>/<slug>`): the source it was
read from and the digest of what its outputs were made from; for every file it wrote (outputs,
indexes, the page of every year OUT/index.html, cache entries): the digest that file was made
from, and for each output the SHA-256 of its bytes, so that an output changed by hand (saved
in Excel) is noticed and made again. A build skips what is up to date by these digests, and
deletes only files this record lists, only inside the output folder: never anything it did
not make itself. A source's resolved path
is kept relative to the output folder where it can be, so that a project copied or moved as a
whole (its build/ with it) still knows its declarations.

Read as untrusted data: JSON only, and a record of another format or of any other shape (a
path outside the output folder's own names included) is absent: everything is then made again
and nothing is deleted.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import ENTRY, FOLDER

NAME = ".manifest.json"
FORMAT = 3
_FORMATS = {2: {"format", "declarations", "files"}, 3: {"format", "declarations", "files", "sums"}}
_DIGEST = re.compile(r"[0-9a-f]{64}")
_DECLARATION = re.compile(r"\d+/[^/]+(?:/[^/]+)?")  # <年度>/<slug>, <年度>/<部门>/<项目>
SUFFIXES = (".md", ".docx", ".xlsx", ".html", ".pdf")  # of every output the build writes
# The files a build writes: outputs in a year's folder (a project's in its department's
# folder there), the page of every year, and cache entries.
_OUTPUT = rf"\d+/[^/]+(?:/[^/]+)?(?:{'|'.join(map(re.escape, SUFFIXES))})"
_FILE = re.compile(rf"{_OUTPUT}|index\.html|{re.escape(FOLDER)}/{ENTRY.pattern}")


@dataclass(frozen=True)
class Made:
    """A declaration as built: its source as named on the command line (part of its digest),
    the same resolved (to tell whether a later build's PATHs cover it), and its digest."""

    source: str
    path: str  # absolute
    digest: str


@dataclass
class Manifest:
    declarations: dict[str, Made] = field(default_factory=dict)  # "<年度>/<slug>" → Made
    files: dict[str, str] = field(default_factory=dict)  # path relative to OUT → digest
    sums: dict[str, str] = field(default_factory=dict)  # output (relative) → SHA-256 of its bytes


def is_file_name(relative: str) -> bool:
    """True for a path (relative to OUT) that the build may write, and so record."""
    return _FILE.fullmatch(relative) is not None and ".." not in relative.split("/")


def read_manifest(out: Path) -> Manifest:
    """The record in `out` (of this format or the one before, which had no `sums`); an empty
    one if there is none or it is not exactly ours."""
    try:
        data = json.loads((out / NAME).read_bytes())
        return _manifest(data, out.resolve())
    except (OSError, ValueError, RecursionError, _Invalid):
        return Manifest()


def manifest_bytes(manifest: Manifest, out: Path) -> bytes:
    root = out.resolve()
    document = {
        "format": FORMAT,
        "declarations": {
            key: {"source": made.source, "path": _relative(made.path, root), "digest": made.digest}
            for key, made in sorted(manifest.declarations.items())
        },
        "files": dict(sorted(manifest.files.items())),
        "sums": dict(sorted(manifest.sums.items())),
    }
    # written piece by piece: a province's manifest lists tens of thousands of files, and
    # json.dumps would hold every piece, then their text, then its bytes
    written = io.BytesIO()
    for piece in json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(document):
        written.write(piece.encode())
    written.write(b"\n")
    return written.getvalue()


def _relative(path: str, root: Path) -> str:
    """`path` relative to `root` (as a POSIX path), or as it is (another drive on Windows)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path


class _Invalid(Exception):
    """A manifest that is not exactly what manifest_bytes writes."""


def _manifest(data: object, root: Path) -> Manifest:
    if not isinstance(data, dict) or data.get("format") not in _FORMATS:
        raise _Invalid
    if data.keys() != _FORMATS[data["format"]]:
        raise _Invalid
    declarations, files, sums = data["declarations"], data["files"], data.get("sums", {})
    if not all(isinstance(part, dict) for part in (declarations, files, sums)):
        raise _Invalid
    manifest = Manifest()
    for key, made in declarations.items():
        if not _DECLARATION.fullmatch(key) or not isinstance(made, dict):
            raise _Invalid
        if made.keys() != {"source", "path", "digest"}:
            raise _Invalid
        source, path, digest = made["source"], made["path"], made["digest"]
        if not (isinstance(source, str) and isinstance(path, str) and _is_digest(digest)):
            raise _Invalid
        resolved = Path(os.path.normpath(root / path)).as_posix()
        manifest.declarations[key] = Made(source, resolved, digest)
    for path, digest in files.items():
        if not is_file_name(path) or not _is_digest(digest):
            raise _Invalid
        manifest.files[path] = digest
    for path, digest in sums.items():
        if path not in manifest.files or not _is_digest(digest):
            raise _Invalid
        manifest.sums[path] = digest
    return manifest


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None
