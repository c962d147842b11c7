"""The `fmt` command: rewrite declarations in the canonical style (generator/emit.py), keeping
every comment with the key it was written above or beside.

Comments are found in the source text and tied to the key paths the reader recorded for each
line, so they follow their key through the re-ordering; the text of literal blocks is skipped
(a "#" there is content, not a comment).

Line endings are the file's, not a matter of style: CRLF stays CRLF (what git's autocrlf leaves
on Windows), and a file that mixes them gets the one most of its lines have, with a note. A
lone CR is a line break, as YAML reads it. A UTF-8 BOM is kept too. What `--check` would change
is given as a unified diff of the text.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.authoring.emit import END, emit_declaration, schema_line
from generator.build.write import Artifact, Writer
from generator.declaration.model import Declaration
from generator.declaration.sources import find_declarations, read_checked
from generator.errors import Diagnostic

_BLOCK_START = re.compile(r":\s*[|>][-+0-9]*\s*$")


_BOM = "\ufeff"
_NO_NEWLINE = "\\ No newline at end of file"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ENDING_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


@dataclass(frozen=True)
class Reformatted:
    """A file that is (or would be) rewritten: the unified diff of its text, and a note when
    its line endings were made one."""

    path: Path
    diff: str
    note: str = ""


@dataclass
class FmtReport:
    changed: list[Reformatted] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def fmt(paths: list[Path], check_only: bool) -> FmtReport:
    """Format every declaration under `paths`; with `check_only`, only report which would
    change and how. Declarations with errors are reported and left alone."""
    report = FmtReport()
    for path in find_declarations(paths):
        checked = read_checked(path)
        if checked.declaration is None or not checked.ok:
            report.diagnostics += checked.diagnostics
            continue
        source = path.read_bytes().decode("utf-8")
        bom = _BOM if source.startswith(_BOM) else ""
        text = _LINE_BREAK.sub("\n", source.removeprefix(_BOM))
        formatted = format_text(text, checked.declaration)
        ending, note = line_ending(source)
        result = bom + formatted.replace("\n", ending)
        if result == source:
            report.unchanged.append(path)
            continue
        report.changed.append(Reformatted(path, unified_diff(text, formatted, str(path)), note))
        if not check_only:
            Writer(path.parent).write(Artifact(path.name, result.encode()))
    return report


def unified_diff(old: str, new: str, name: str) -> str:
    """The unified diff of two texts, as `diff -u` prints it (a last line without a line break
    is marked so)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), name, name
    )
    return "".join(line if line.endswith("\n") else f"{line}\n{_NO_NEWLINE}\n" for line in lines)


def line_ending(text: str) -> tuple[str, str]:
    """The line ending `text` uses most (LF when it has none, or on a tie), and when it mixes
    several, a note saying how many lines end in each and which was kept."""
    counts = Counter(_LINE_BREAK.findall(text))
    if not counts:
        return "\n", ""
    ending = max(("\n", "\r\n", "\r"), key=lambda e: counts[e])  # the first of the most used
    if len(counts) == 1:
        return ending, ""
    found = "、".join(
        f"{_ENDING_NAMES[e]} {counts[e]} 行" for e in sorted(counts, key=lambda e: -counts[e])
    )
    return ending, f"换行符不一致：{found}，统一为 {_ENDING_NAMES[ending]}"


def format_text(text: str, decl: Declaration) -> str:
    """`text` (the source of `decl`) in canonical style, comments kept (the schema's path in
    the editor's line made right for where the file lies)."""
    above, inline = source_comments(text, decl)
    first = above.get("", ())
    if first:
        above[""] = (schema_line(first[0], decl.source), *first[1:])
    return emit_declaration(decl, above, inline)


@dataclass(frozen=True)
class Comment:
    """A comment of the source: where its "#" is, and its text (without "# ")."""

    line: int
    col: int
    text: str


@dataclass(frozen=True)
class _SourceLine:
    """A line that matters for comments: a full-line comment (`paths` empty), or a line with
    keys on it (their paths, outermost first) and the comment after them, if any."""

    paths: list[str]
    comment: Comment | None


def source_comments(
    text: str, decl: Declaration
) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Comments of the source: full-line ones by the path of the key below them ("" before the
    first key, END after the last), trailing ones by the path of their line's key."""
    above: dict[str, list[str]] = defaultdict(list)
    inline: dict[str, str] = {}
    pending: list[str] = []
    seen_key = False
    for line in _source_lines(text, decl):
        if not line.paths:
            assert line.comment is not None
            pending.append(line.comment.text)
            continue
        outer, inner = line.paths[0], line.paths[-1]
        above[outer if seen_key else ""] += pending
        pending = []
        seen_key = True
        if line.comment is not None:
            inline[inner] = line.comment.text
    above[END] += pending
    return {path: tuple(lines) for path, lines in above.items() if lines}, inline


def comments(text: str, decl: Declaration) -> list[Comment]:
    """Every comment of `text` (the source of `decl`), in order, with where it starts."""
    return [line.comment for line in _source_lines(text, decl) if line.comment is not None]


def _source_lines(text: str, decl: Declaration) -> Iterator[_SourceLine]:
    paths = _paths_by_line(decl)
    block_indent = -1
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_indent >= 0:
            if not stripped or indent > block_indent:
                continue  # inside a literal block: text, not comments
            block_indent = -1
        if stripped.startswith("#"):
            col = len(line) - len(line.lstrip()) + 1
            yield _SourceLine([], Comment(number, col, _comment_text(stripped)))
            continue
        if not stripped or number not in paths:
            continue
        code, at, comment = _split_comment(line)
        found = Comment(number, at + 1, comment) if comment is not None else None
        yield _SourceLine(paths[number], found)
        if _BLOCK_START.search(code):
            block_indent = indent


def _comment_text(stripped: str) -> str:
    text = stripped[1:]
    return text[1:] if text.startswith(" ") else text


def _split_comment(line: str) -> tuple[str, int, str | None]:
    """The line without its trailing comment, where the comment starts, and the comment: a
    "#" after white space, outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == "\\" and quote == '"':
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'" and (i == 0 or line[i - 1] in " :-[{,"):
            quote = ch
        elif ch == "#" and i > 0 and line[i - 1] in " \t":
            return line[:i].rstrip(), i, _comment_text(line[i:].strip())
    return line, len(line), None


def _paths_by_line(decl: Declaration) -> dict[int, list[str]]:
    """Line → the paths of keys written on it, outermost first."""
    lines: dict[int, list[str]] = defaultdict(list)
    located = dict(decl.locations)
    for level1 in decl.goals:
        path1 = f"{decl.goals_key}.{level1.name}"
        located[path1] = level1.loc
        for level2 in level1.children:
            located[f"{path1}.{level2.name}"] = level2.loc
            for indicator in level2.indicators:
                located.setdefault(f"{path1}.{level2.name}.{indicator.name}", indicator.loc)
    for path, loc in located.items():
        if loc.file == decl.source:
            lines[loc.line].append(path)
    return {
        line: sorted(found, key=lambda p: (p.count(".") + p.count("["), p))
        for line, found in lines.items()
    }
