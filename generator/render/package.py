"""Reproducible ZIP packages (DOCX and XLSX are ZIP files).

Libraries stamp every entry with the current time; we write the package with the standard
`zipfile` at a fixed time, in a fixed entry order, marked as made on Unix, so the same inputs
give the same bytes on every system.

A ZIP entry's date holds the years 1980–2107: that is the one range of years a declaration may
have (`YEARS`, used by `check`, `new-year` and the JSON Schema), and SOURCE_DATE_EPOCH must be a
time within it.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import UTC, datetime

from generator.declaration.model import YEARS, YEARS_REASON
from generator.errors import EnvironmentProblem, excerpt

_FIRST = datetime(YEARS[0], 1, 1, tzinfo=UTC)
_LAST = datetime(YEARS[-1], 12, 31, 23, 59, 59, tzinfo=UTC)
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_UNIX = 3  # the system an entry is made on: readers then take _FILE_MODE as Unix permissions


class EpochError(EnvironmentProblem):
    """SOURCE_DATE_EPOCH is set to something that is not a time the packages can hold."""


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, None when it is unset or blank. Raises EpochError when it is
    not a whole number of seconds within YEARS: a build never falls back silently."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    first, last = int(_FIRST.timestamp()), int(_LAST.timestamp())
    if re.fullmatch(r"[0-9]{1,12}", text) and first <= int(text) <= last:
        return datetime.fromtimestamp(int(text), UTC)
    raise EpochError(
        f"环境变量 SOURCE_DATE_EPOCH 的值“{excerpt(text)}”不可用："
        f"应为 {first}（{_FIRST:%Y-%m-%d %H:%M:%S} UTC）到 {last}（{_LAST:%Y-%m-%d %H:%M:%S} UTC）"
        f"之间的整数秒数（{YEARS_REASON}）；改正它，或删除它以用申报年度的 1 月 1 日"
    )


def build_time(year: int) -> datetime:
    """The timestamp of a declaration's outputs: SOURCE_DATE_EPOCH when set (reproducible-builds
    convention), else 1 January of the declaration's year. Never the current time."""
    return source_date_epoch() or datetime(year, 1, 1, tzinfo=UTC)


def write_package(entries: list[tuple[str, bytes]], when: datetime) -> bytes:
    """A ZIP of `entries`, in the given order, every entry stamped `when` (within YEARS) and
    marked as made on Unix with mode rw-r--r--, so that the bytes are the same everywhere."""
    if when.year not in YEARS:  # `check` and SOURCE_DATE_EPOCH keep other years out
        raise ValueError(f"a ZIP entry cannot be dated {when.year}")
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX  # zipfile says 0 (MS-DOS) on Windows
            info.external_attr = _FILE_MODE
            archive.writestr(info, data, compresslevel=6)
    return out.getvalue()
