"""Reading trusted configuration files (the package's data files under generator/data/, the
form's style file) value by value, each checked for its kind and range as it is taken.

A wrong or missing value raises `ConfigError` naming the file and the key
(`…/units.yaml: 元.places 应为 0 到 10 之间的整数，而不是“abc”`), which the command line
reports as a configuration error (exit 2): never a traceback, never a broken output. Every such
message is one line: control characters in it are written as escapes (`printable`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from generator.declaration.load import load_resource
from generator.errors import EnvironmentProblem

# Characters an XML attribute cannot hold as written (fonts' names go into DOCX attributes).
_UNSAFE = re.compile(r'["<>&\x00-\x1f\x7f]')
_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")  # matched whole (fullmatch): "000000\n" is no colour


class ConfigError(EnvironmentProblem):
    """A configuration file cannot be read, or one of its values is missing or wrong. Its
    message is kept on one line (`printable`), whatever the file's keys and values hold."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


@dataclass(frozen=True)
class Value:
    """The value at `key` (dotted, "" for the whole file) of configuration file `file`."""

    file: Path
    key: str
    raw: Any

    def fail(self, problem: str) -> ConfigError:
        """The error for this value: `file: key problem`."""
        return ConfigError(f"{self.file}: {self.key or '顶层'} {problem}")

    def mapping(self) -> dict[str, Value]:
        """Its entries, in the file's order."""
        if not isinstance(self.raw, dict):
            raise self.fail(f"应为映射（名称: 内容），而不是{shown(self.raw)}")
        return {str(k): self._child(str(k), v) for k, v in self.raw.items()}

    def get(self, name: str) -> Value:
        """Entry `name` of this mapping, which must be there."""
        entries = self.mapping()
        if name not in entries:
            raise self._child(name, None).fail("缺少该设置")
        return entries[name]

    def only(self, *known: str) -> Value:
        """This mapping, which may hold no other entries than `known` (a misspelt setting
        would otherwise be ignored in silence)."""
        for name, entry in self.mapping().items():
            if name not in known:
                raise entry.fail(f"未知的设置；可用：{'、'.join(known)}")
        return self

    def optional(self, name: str, default: Any) -> Value:
        """Entry `name` of this mapping, or `default` when absent."""
        return self.mapping().get(name, self._child(name, default))

    def items(self) -> list[Value]:
        """Its elements: a list (a single value is not taken for a list of one)."""
        if not isinstance(self.raw, list):
            raise self.fail(f"应为列表，而不是{shown(self.raw)}")
        return [Value(self.file, f"{self.key}[{i}]", v) for i, v in enumerate(self.raw, start=1)]

    def text(self, *, empty: bool = False, xml: bool = False) -> str:
        """A text (numbers are read as written); `xml`: fit for an XML attribute."""
        if isinstance(self.raw, (dict, list, bool)) or (self.raw is None and not empty):
            raise self.fail(f"应为{'' if empty else '非空'}文字，而不是{shown(self.raw)}")
        text = "" if self.raw is None else str(self.raw)
        if not text.strip() and not empty:
            raise self.fail("应为非空文字")
        if xml and _UNSAFE.search(text):
            raise self.fail(f'不能含 " < > & 或控制字符：“{text}”')
        return text

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty texts."""
        return tuple(item.text() for item in self.items())

    def number(self, low: float, high: float, unit: str = "") -> float:
        """A number from `low` to `high` (a quoted one is read too: "10.5")."""
        value = self.raw
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*", value):
            value = float(value)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not low <= value <= high:
            raise self.fail(f"应为 {low:g} 到 {high:g} 之间的数{unit}，而不是{shown(self.raw)}")
        return float(value)

    def integer(self, low: int, high: int) -> int:
        """A whole number from `low` to `high`."""
        value = self.raw
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"应为 {low} 到 {high} 之间的整数，而不是{shown(value)}")
        return value

    def decimal(self) -> Decimal:
        """A positive exact number (1, 10000, 0.0001)."""
        try:
            value = Decimal(str(self.raw)) if isinstance(self.raw, (int, float, str)) else None
        except InvalidOperation:
            value = None
        if isinstance(self.raw, bool) or value is None or not value.is_finite() or value <= 0:
            raise self.fail(f"应为大于 0 的数，而不是{shown(self.raw)}")
        return value

    def flag(self) -> bool:
        """true or false."""
        if not isinstance(self.raw, bool):
            raise self.fail(f"应为 true 或 false，而不是{shown(self.raw)}")
        return self.raw

    def colour(self) -> str:
        """RRGGBB in hexadecimal, or "" (none)."""
        if isinstance(self.raw, int) and not isinstance(self.raw, bool) and len(str(self.raw)) != 6:
            # YAML reads 000000 as the number 0, 012345 as an octal number
            raise self.fail(f'是颜色，要加引号，例如 "000000"（不加引号时读成了数字 {self.raw}）')
        text = "" if self.raw is None else self.text(empty=True)
        if text and not _COLOUR.fullmatch(text):
            raise self.fail(f'应为 6 位十六进制颜色 RRGGBB（例如 "000000"），而不是{shown(text)}')
        return text

    def _child(self, name: str, raw: Any) -> Value:
        return Value(self.file, f"{self.key}.{name}" if self.key else name, raw)


def read_config(path: Path) -> Value:
    """The whole of configuration file `path`."""
    try:
        return Value(path, "", load_resource(path))
    except OSError as error:
        raise ConfigError(f"{path}: 无法读取：{error.strerror or error}") from None
    except ValueError as error:  # a YAML error (with its line), or not UTF-8
        raise ConfigError(f"{path}: 不是有效的 YAML（{error}）") from None


def printable(text: str) -> str:
    """`text` with every character that is not printable (a line break, a tab, a control or
    format character) written as its escape ("黑\\n体"): a message stays on one line and shows
    what is there. Escaping twice changes nothing."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


def shown(value: Any) -> str:
    """A value of a configuration file as a message quotes it: “abc”, 一个列表, 空值."""
    if isinstance(value, dict):
        return "一个映射"
    if isinstance(value, list):
        return "一个列表"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "“true”" if value else "“false”"
    return f"“{printable(str(value))}”"
