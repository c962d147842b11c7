"""Diagnostics: the one shape in which every stage reports a problem in the user's input.

Errors are data (beancount, sqlfluff): stages return them, the CLI prints them. Each carries a
stable code, so documentation, tests and tools can refer to it, and a location editors jump to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum


class EnvironmentProblem(Exception):
    """A problem of the environment, configuration or usage rather than of a declaration
    (an unwritable folder, a broken template or style file, SOURCE_DATE_EPOCH, a worker that
    died): the CLI prints it as `错误：…` with exit status 2. Each stage raises its own kind;
    one base lets the CLI catch them all without importing every stage."""


class ExitCode(IntEnum):
    """Process exit status of every command."""

    OK = 0
    INVALID = 1  # invalid input (or, for comparisons, differences)
    USAGE = 2  # bad arguments or a broken environment


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """Where something came from: a file and a 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: `file:line:col: CODE message (hint)`."""

    location: Location
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.code} {self.message}"
        return f"{text}（提示：{self.hint}）" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        """The diagnostic as plain data, for `--format json`."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "col": self.location.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def excerpt(text: str, limit: int = 24) -> str:
    """`text` as quoted in a message: whole when short, else its start and its length (a value
    may be 32,767 characters long)."""
    if len(text) <= limit:
        return text
    return f"{text[:20]}…（共 {len(text):,} 个字符）"


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file and line order, each once."""
    unique = {(d.location, d.code, d.message): d for d in diagnostics}
    # stable: problems at one place keep the order they were found in (a form's fields in its order)
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[1]))]


def is_error(diagnostic: Diagnostic) -> bool:
    """Errors (E…) make a declaration invalid; warnings (W…, review L…) do not."""
    return diagnostic.code.startswith("E")


def without_repeated_hints(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` with a hint left out where a diagnostic of the same code had the same
    hint before it (`lint` says a rule's long hint once, not on each of its lines)."""
    said: set[tuple[str, str]] = set()
    shown = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.hint)
        shown.append(replace(diagnostic, hint="") if key in said else diagnostic)
        said.add(key)
    return shown


def count_by_code(diagnostics: Iterable[Diagnostic]) -> str:
    """How many there are of each code, in code order: `L001 ×14，L006 ×7`."""
    counts = Counter(d.code for d in diagnostics)
    return "，".join(f"{code} ×{counts[code]}" for code in sorted(counts))
