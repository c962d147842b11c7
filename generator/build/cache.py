"""Input digests and the summary cache that keep rebuilds small.

A declaration's digest covers its path, its bytes and everything else its outputs depend on
(the environment: the generator's code, data and templates and its version, SOURCE_DATE_EPOCH,
the versions of Python, of PyYAML that reads the declarations and of the libraries that write
the files): equal digests mean equal outputs, and a cache hit (which skips parsing and
validation) stands for what this very environment would have read. The summaries of valid
declarations (what the index and the cross-file checks need) are kept, by digest, as JSON in
the output folder's .cache/, so a rebuild after one edit neither parses nor validates the other
files again.

The cache is read as untrusted data (a shared build/, a copied folder, a restored CI cache can
hold anything): JSON only, never code. An entry is used only when it is of this format, has
exactly the expected shape and types, and names the digest and the source it is asked for,
and the year and file name (slug) of that source (a well-formed entry for another file would
name other outputs); anything else (truncated, garbage, another version, a folder in its
place) is absent, and the declaration is read again. A declaration is read from disk once per
build: the bytes that were validated are the bytes that are rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from generator.declaration.places import output_slug, year_folder
from generator.declaration.sources import Checked, read_checked, read_source
from generator.declaration.summary import Summary

FOLDER = ".cache"
FORMAT = 3  # of an entry; an entry of any other format is absent (3: references by list)
ENTRY = re.compile(r"[0-9a-f]{64}\.json")  # the name of an entry: <digest>.json
# The libraries that read the declarations (a cache hit skips reading them) and that write the
# outputs (a new version may write other bytes), and the generator itself.
LIBRARIES = (
    "PyYAML",
    "python-docx",
    "openpyxl",
    "jinja2",
    "lxml",
    "markdown-it-py",
    "budget-declarations",
)
_AMOUNTS = 6  # total, fiscal, other, basic, project, year-end assets (see Summary)
_COUNT_DEPTH = 3  # a declaration's counts, its 一级, their 二级


def digest(*parts: str | bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def digest_tree(folders: list[Path]) -> str:
    """A digest of the files under `folders` (the generator's code, data and templates)."""
    files = sorted(
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    return digest(*(part for p in files for part in (p.name, p.read_bytes())))


def environment_digest(folders: list[Path]) -> str:
    """A digest of everything besides the declaration that decides its outputs: the files
    under `folders`, the time the outputs are stamped with (SOURCE_DATE_EPOCH), the Python
    that runs, and the versions of the libraries that read the declarations and write the
    outputs (zlib's included: it compresses DOCX and XLSX)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return digest(
        digest_tree(folders),
        "SOURCE_DATE_EPOCH unset" if epoch is None else f"SOURCE_DATE_EPOCH={epoch}",
        f"{platform.python_implementation()}=={platform.python_version()}",
        *(f"{name}=={_version(name)}" for name in LIBRARIES),
        f"zlib=={zlib.ZLIB_RUNTIME_VERSION}",
    )


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


MODELS_KEPT = 200  # whole models a build holds from its check until it renders them


def entry_path(key: str) -> str:
    """Where the entry of digest `key` is, relative to the output folder."""
    return f"{FOLDER}/{key}.json"


@dataclass
class ModelCache:
    """Checked declarations by input digest, under `root/.cache/`."""

    root: Path
    environment: str
    digests: dict[str, str] = field(default_factory=dict)  # source → digest of what was read
    fresh: dict[str, Summary] = field(default_factory=dict)  # digest → summary to store
    hits: set[str] = field(default_factory=set)  # digests whose summary came from the cache
    _kept_bytes: _Spill = field(default_factory=lambda: _Spill())  # source → bytes read
    _kept: int = 0  # models kept whole

    def checked(self, path: Path) -> Checked:
        """`path` loaded and validated, from the cache when its digest is there. Beyond the
        first MODELS_KEPT, a valid one is given as its summary alone (its model is read again
        from the same bytes when it is rendered): the models of a province's corpus at once
        would not fit in memory, and an edit or two is read once."""
        data = read_source(path)
        source = path.as_posix()
        key = digest(self.environment, source, data)
        self.digests[source] = key
        summary = self.summary(key, source)
        if summary is not None and _names(summary, path):
            self.hits.add(key)
            self._kept_bytes.put(source, data)
            return Checked(path, None, (), summary)
        checked = read_checked(path, data)
        if checked.summary is not None:
            self.fresh[key] = checked.summary
        if checked.ok and self._kept >= MODELS_KEPT:
            self._kept_bytes.put(source, data)
            return Checked(path, None, checked.diagnostics, checked.summary)
        self._kept += checked.ok
        return checked

    def reread(self, item: Checked) -> Checked:
        """The whole model of a declaration given as a summary only, read from the very
        bytes that were read (and digested) then, not from the file as it is now. Those
        bytes are let go: a declaration is rendered once per build."""
        if item.declaration is not None:
            return item
        return read_checked(item.path, self._kept_bytes.take(item.path.as_posix()))

    def release(self, item: Checked) -> None:
        """Let go of the bytes kept of `item` (its outputs are up to date: it is not
        rendered, and never read again in this build)."""
        self._kept_bytes.drop(item.path.as_posix())

    def close(self) -> None:
        """Let go of every source's bytes kept (the end of the build)."""
        self._kept_bytes.close()

    def held(self) -> list[str]:
        """The sources whose bytes are kept to be read again, sorted."""
        return sorted(self._kept_bytes.places)

    def summary(self, key: str, source: str) -> Summary | None:
        """The cached summary of digest `key` for `source`, or None if there is no usable one."""
        try:
            data = json.loads((self.root / entry_path(key)).read_bytes())
            if (
                isinstance(data, dict)
                and data.keys() == {"format", "digest", "summary"}
                and data["format"] == FORMAT
                and data["digest"] == key
            ):
                summary = summary_from_json(data["summary"])
                if summary.source == source:
                    return summary
        except (OSError, ValueError, RecursionError, _Invalid):
            pass
        return None

    def entries(self) -> Iterator[tuple[str, bytes]]:
        """The entries to write (digest, bytes) for the summaries read afresh, one at a time;
        none where a folder or someone else's file is in the way (see entry_path)."""
        folder = self.root / FOLDER
        if folder.exists() and (folder.is_symlink() or not folder.is_dir()):
            return
        for key, summary in self.fresh.items():
            target = self.root / entry_path(key)
            if target.is_symlink() or (target.exists() and not target.is_file()):
                continue
            document = {"format": FORMAT, "digest": key, "summary": summary_to_json(summary)}
            yield key, json.dumps(document, ensure_ascii=False).encode()


class _Spill:
    """Bytes put aside until they are taken again, compressed, in a temporary file (deleted
    when it is closed or let go of): the sources of a province's corpus are not held in
    memory between their check and their rendering."""

    def __init__(self) -> None:
        self.places: dict[str, tuple[int, int]] = {}  # name → (offset, length)
        self._file: IO[bytes] | None = None

    def put(self, name: str, data: bytes) -> None:
        if self._file is None:
            # closed by close(), at the end of the build, or when let go of
            self._file = tempfile.TemporaryFile(prefix="budget-build-")  # noqa: SIM115
        packed = zlib.compress(data, 1)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(packed)
        self.places[name] = (offset, len(packed))

    def take(self, name: str) -> bytes:
        """The bytes put as `name`, forgotten here."""
        offset, length = self.places.pop(name)
        assert self._file is not None
        self._file.seek(offset)
        return zlib.decompress(self._file.read(length))

    def drop(self, name: str) -> None:
        self.places.pop(name, None)

    def close(self) -> None:
        self.places.clear()
        if self._file is not None:
            self._file.close()
            self._file = None


def _names(summary: Summary, path: Path) -> bool:
    """Whether `summary` is of the file `path`: its outputs are named by the file's name
    (slug), and its year is that of the year folder it is in. A file outside a year folder
    is read again each time (its year is in its text alone)."""
    year = year_folder(path.as_posix())
    return (
        summary.slug == output_slug(path.as_posix(), summary.category)
        and year.isascii()
        and year.isdigit()
        and summary.year == int(year)
        and summary.name_at.file == path.as_posix()
    )


def summary_to_json(summary: Summary) -> dict[str, Any]:
    return summary.to_data()


class _Invalid(ValueError):
    """A cache entry that is not exactly what summary_to_json writes."""


def summary_from_json(data: object) -> Summary:
    """The summary written by `summary_to_json`; raises ValueError for anything else."""
    return Summary.from_data(data)
