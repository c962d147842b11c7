"""Reproducible ZIP packages (DOCX and XLSX are ZIP files).

Libraries stamp every entry with the current time; rewriting the package with a fixed time and a
fixed entry order makes the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a ZIP entry can hold


def build_time(year: int) -> datetime:
    """The timestamp of a declaration's outputs: SOURCE_DATE_EPOCH when set (reproducible-builds
    convention), else 1 January of the declaration's year. Never the current time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), UTC), ZIP_EPOCH)
    return datetime(year, 1, 1, tzinfo=UTC)


def write_package(entries: list[tuple[str, bytes]], when: datetime) -> bytes:
    """A ZIP of `entries`, in the given order, every entry stamped `when`."""
    buffer = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def normalise_package(data: bytes, when: datetime) -> bytes:
    """`data` (a ZIP written by a library) rewritten reproducibly; entry order is kept,
    [Content_Types].xml first as Office expects."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")
        return write_package([(n, package.read(n)) for n in names], when)
