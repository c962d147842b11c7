"""Reproducible ZIP packages (DOCX and XLSX are ZIP files).

Libraries stamp every entry with the current time; we write the package ourselves with a fixed
time and a fixed entry order, so the same inputs give the same bytes. Entries that are the same
in every package (styles, theme, settings) are compressed once per process, not once per file.

A ZIP entry's date holds the years 1980–2107: that is the one range of years a declaration may
have (`YEARS`, used by `check`, `new-year` and the JSON Schema), and SOURCE_DATE_EPOCH must be a
time within it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from generator.declaration.model import YEARS, YEARS_REASON
from generator.errors import excerpt

_FIRST = datetime(YEARS[0], 1, 1, tzinfo=UTC)
_LAST = datetime(YEARS[-1], 12, 31, 23, 59, 59, tzinfo=UTC)
_VERSION = 20  # "2.0": deflate
_DEFLATED = 8
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_MADE_ON_UNIX = 3 << 8  # so that readers take _FILE_MODE as Unix permissions


class EpochError(Exception):
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


@dataclass(frozen=True)
class _Member:
    name: bytes
    crc: int
    size: int
    compressed: bytes


@lru_cache(maxsize=512)
def _compress(name: str, data: bytes) -> _Member:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, as ZIP stores it
    compressed = compressor.compress(data) + compressor.flush()
    return _Member(name.encode(), zlib.crc32(data), len(data), compressed)


def write_package(entries: list[tuple[str, bytes]], when: datetime) -> bytes:
    """A ZIP of `entries`, in the given order, every entry stamped `when` (within YEARS)."""
    if when.year not in YEARS:  # `check` and SOURCE_DATE_EPOCH keep other years out
        raise ValueError(f"a ZIP entry cannot be dated {when.year}")
    time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    date = ((when.year - 1980) << 9) | (when.month << 5) | when.day
    out = io.BytesIO()
    directory = io.BytesIO()
    for name, data in entries:
        member = _compress(name, data)
        offset = out.tell()
        fields = (_DEFLATED, time, date, member.crc, len(member.compressed), member.size)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, 0, *fields, len(member.name), 0)
        out.write(header)
        out.write(member.name)
        out.write(member.compressed)
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                _MADE_ON_UNIX | _VERSION,
                _VERSION,
                0,
                *fields,
                len(member.name),
                0,
                0,
                0,
                0,
                _FILE_MODE,
                offset,
            )
        )
        directory.write(member.name)
    start = out.tell()
    central = directory.getvalue()
    out.write(central)
    count = len(entries)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0))
    return out.getvalue()
