"""Input digests and the summary cache that keep rebuilds small.

A declaration's digest covers its path, its bytes and the generator itself (code, data,
templates): equal digests mean equal outputs. The summaries of valid declarations (what the
index and the cross-file checks need) are kept, by digest, as pickles in the output folder's
.cache/, so a rebuild after one edit neither parses nor validates the other files again. The
cache is the build's own output, never an input from elsewhere; anything unreadable in it is
ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.declaration.sources import Checked, read_checked, read_source
from generator.declaration.summary import Summary

FOLDER = ".cache"


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


@dataclass
class ModelCache:
    """Checked declarations by input digest, under `root/.cache/`."""

    root: Path
    environment: str
    digests: dict[str, str] = field(default_factory=dict)  # source → digest
    fresh: dict[str, Summary] = field(default_factory=dict)  # digest → summary to store

    def checked(self, path: Path) -> Checked:
        """`path` loaded and validated, from the cache when its digest is there."""
        data = read_source(path)
        key = digest(self.environment, path.as_posix(), data)
        self.digests[path.as_posix()] = key
        try:
            with (self.root / FOLDER / key).open("rb") as stream:
                summary = pickle.load(stream)
            if isinstance(summary, Summary) and summary.source == path.as_posix():
                return Checked(path, None, (), summary)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            pass
        checked = read_checked(path, data)
        if checked.summary is not None:
            self.fresh[key] = checked.summary
        return checked

    def entries(self) -> Iterator[tuple[str, bytes]]:
        """Cache files to write (relative to root), one at a time, for the models read afresh."""
        for key, model in self.fresh.items():
            yield f"{FOLDER}/{key}", pickle.dumps(model, protocol=5)

    def prune(self) -> None:
        """Remove cache files no declaration of this build has."""
        keep = set(self.digests.values())
        folder = self.root / FOLDER
        if folder.is_dir():
            for stale in folder.iterdir():
                if stale.name not in keep and not stale.name.startswith("."):
                    stale.unlink(missing_ok=True)
