"""Loading YAML into a tree of located nodes. The only module that imports `yaml`.

PyYAML is used only to *compose* (parse into nodes with marks); it never constructs Python
objects, so no tag can run code and no YAML 1.1 resolution (`no` → False, `0123` → 83) reaches
the data: scalars stay text and the schema decides what they mean. Duplicate keys, anchors and
aliases, explicit tags and several documents are rejected here, with their line and column.

Text is read in Unicode NFC, and keys without surrounding white space (full-width spaces too):
the key the reader uses is the key duplicates are found by, so two spellings that print alike
cannot be two keys. Invisible characters (zero-width, bidi controls, soft hyphens, variation
selectors, fillers, line separators: `invisible_name`) are refused where they are written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
import yaml.reader

from generator.errors import Diagnostic, Location

try:  # libyaml is much faster; both give the same nodes and marks
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_STR_TAG = "tag:yaml.org,2002:str"
_IMPLICIT = " implicit"  # what the composer tags untagged nodes with: no written tag has a space
# The non-specific tag `!` (after an anchor, if any): the composer resolves it like no tag.
_BARE_TAG = re.compile(r"(?:&\S+\s+)?!(?=\s)")


class _Composer(_Loader):  # type: ignore[misc]  # _Loader is libyaml's or PyYAML's
    """The loader for declarations, which are only composed: an untagged node gets the tag
    _IMPLICIT instead of int, map … (what YAML 1.1 would guess), so any other tag was written
    in the file (`!!int`, `!!python/…`, `!foo`) and is refused, though nothing is constructed."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _IMPLICIT


# The longest text one value may hold: what an Excel cell can (32,767 characters).
MAX_TEXT = 32_767
# Characters XML 1.0, and so DOCX and XLSX, cannot hold: C0 controls but tab and line breaks,
# surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters that print as nothing, or that reorder what is printed: two names that look the
# same on paper could differ by one, and a bidi control can make a target read as another.
# Which they are is data (generator/data/invisible.yaml: Unicode's format characters and the
# other default-ignorable ones); the hint says why each kind matters.
_ZERO_WIDTH = "删除它：打印出来看不见，却会使看似相同的文字不同（常见于从网页或聊天软件复制的文字）"
_BIDI = "删除它：它会改变文字的显示顺序，使看到的与实际写的不同"
_SEPARATOR = "换成普通换行或删除：有的软件把它当作换行，有的不当，行号会对不上"
# YAML 1.1 (PyYAML, libyaml) counts these as line breaks and editors do not: every line number
# after one would be wrong, so a file holding one raw is refused before it is parsed.
_SEPARATOR_NAMES = {"\x85": "下一行控制符", "\u2028": "行分隔符", "\u2029": "段分隔符"}
_SEPARATORS = re.compile("[" + "".join(_SEPARATOR_NAMES) + "]")


@cache
def invisible_name(ch: str) -> str | None:
    """How messages name `ch` if it is a character no declaration may hold because it cannot
    be seen (E107): a format character, another default-ignorable one, a line separator;
    None when it is not one."""
    if ch.isascii():
        return None
    if ch in _SEPARATOR_NAMES:
        return _SEPARATOR_NAMES[ch]
    # Imported here: the vocabularies are read through generator.config, which imports this
    # module for its YAML reader.
    from generator.kinds.vocabulary import invisible_characters

    return invisible_characters().name(ch)


def is_invisible(ch: str) -> bool:
    """Whether `ch` is refused as invisible (E107)."""
    return invisible_name(ch) is not None


def first_invisible(text: str) -> int:
    """The index of the first invisible character of `text`; -1 when it has none."""
    if text.isascii():
        return -1
    found = [text.index(ch) for ch in set(text) if is_invisible(ch)]
    return min(found, default=-1)


def without_invisible(text: str) -> str:
    """`text` without its invisible characters."""
    return "".join(ch for ch in text if not is_invisible(ch))


@dataclass(frozen=True)
class Scalar:
    """A scalar exactly as written. `quoted` is False for plain scalars, whose meaning
    (number, true/false, empty) the schema decides; block scalars count as quoted."""

    text: str
    quoted: bool
    loc: Location


@dataclass(frozen=True)
class Mapping:
    """A mapping; `items` keeps the order of the file. Keys are always text."""

    items: tuple[tuple[Scalar, Node], ...]
    loc: Location

    def keys(self) -> list[str]:
        return [key.text for key, _ in self.items]


@dataclass(frozen=True)
class Sequence:
    """A list, in the order of the file."""

    items: tuple[Node, ...]
    loc: Location


@dataclass(frozen=True)
class Rejected:
    """A node refused by the loader (an alias, a tag); already reported, read as absent."""

    loc: Location


Node = Scalar | Mapping | Sequence | Rejected


@dataclass(frozen=True)
class LoadResult:
    """The composed document (None when nothing usable) and what was wrong with it; `name` is
    how the source is called in diagnostics."""

    name: str
    root: Node | None
    diagnostics: tuple[Diagnostic, ...]


def load_text(text: str, filename: str) -> LoadResult:
    """Compose `text` (the contents of `filename`) into located nodes."""
    diagnostics: list[Diagnostic] = []
    text = text.removeprefix("\ufeff")
    separators = [
        _invisible_character(_position(text, match.start(), filename), match.group())
        for match in _SEPARATORS.finditer(text)
    ]
    if separators:
        return LoadResult(filename, None, tuple(separators))
    try:
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        return LoadResult(filename, None, (_syntax_diagnostic(error, text, filename),))
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, written raw
        # libyaml counts bytes; PyYAML's own reader gives the character's index.
        index = next((i for i, ch in enumerate(text) if ch == chr(error.character)), 0)
        loc = _position(text, index, filename)
        return LoadResult(filename, None, (_invalid_character(loc, chr(int(error.character))),))
    except yaml.YAMLError as error:  # pragma: no cover - PyYAML marks all other errors
        loc = Location(filename, 1, 1)
        return LoadResult(filename, None, (Diagnostic(loc, "E001", f"YAML 无法读取：{error}"),))
    if node is None:
        loc = Location(filename, 1, 1)
        return LoadResult(
            filename, None, (Diagnostic(loc, "E005", "文件是空的，没有任何申报内容"),)
        )
    root = _Converter(text, filename, diagnostics).convert(node)
    return LoadResult(filename, root, tuple(diagnostics))


def load_file(path: Path, filename: str | None = None, data: bytes | None = None) -> LoadResult:
    """Read `path` as UTF-8 and compose it; `filename` is how diagnostics name it, `data` its
    bytes when the caller has read them already."""
    name = filename or str(path)
    data = path.read_bytes() if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return LoadResult(
            name,
            None,
            (
                Diagnostic(
                    Location(name, line, col),
                    "E006",
                    "文件不是 UTF-8 编码",
                    "在编辑器中以 UTF-8 编码另存（GBK/GB2312 等编码无法读取）",
                ),
            ),
        )
    return load_text(text, name)


def load_resource(path: Path) -> Any:
    """Load a trusted configuration file (the package's data files, the form's style file).
    A YAML error is raised as ValueError, with its line."""
    with path.open(encoding="utf-8") as stream:
        try:
            return yaml.load(stream, Loader=_Loader)
        except yaml.YAMLError as error:
            raise ValueError(str(error).replace("\n", " ")) from None


def _location(node: yaml.Node, filename: str) -> Location:
    return Location(filename, node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class _Converter:
    """Turns composed YAML nodes into located nodes, reporting what is refused."""

    text: str
    filename: str
    diagnostics: list[Diagnostic]

    def __post_init__(self) -> None:
        self.seen: set[int] = set()

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def convert(self, node: yaml.Node, key: bool = False) -> Node:
        """`node` as a located node; a `key` is read without surrounding white space."""
        loc = _location(node, self.filename)
        # An alias composes to the very node object it names: seeing it twice means an alias.
        # Refusing them also defuses "billion laughs" before any expansion happens.
        if id(node) in self.seen:
            self.report(
                Diagnostic(
                    loc,
                    "E004",
                    "不能用 * 引用别处的内容（& 和 * 是 YAML 的别名）",
                    "把内容直接写出来",
                )
            )
            return Rejected(loc)
        self.seen.add(id(node))
        tag = self.written_tag(node)
        if tag is not None:
            self.report(
                Diagnostic(loc, "E003", f"不允许使用 YAML 标签 {tag}", "删除以 ! 开头的标签")
            )
            return Rejected(loc)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc, key)
        if isinstance(node, yaml.SequenceNode):
            return Sequence(tuple(self.convert(n) for n in node.value), loc)
        assert isinstance(node, yaml.MappingNode)
        return Mapping(tuple(self.items(node)), loc)

    def scalar(self, node: yaml.ScalarNode, loc: Location, key: bool) -> Node:
        # Escapes in double quotes ("\x01") can still produce characters no output can hold.
        bad = _FORBIDDEN.search(node.value)
        if bad:
            self.report(_invalid_character(loc, bad.group()))
            return Rejected(loc)
        if len(node.value) > MAX_TEXT:
            self.report(
                Diagnostic(
                    loc,
                    "E106",
                    f"文字太长：{len(node.value):,} 个字符，一个单元格最多 {MAX_TEXT:,} 个",
                    "Excel 单元格容纳不下；请精简，或把细节放到附件中",
                )
            )
            return Rejected(loc)
        text = node.value
        invisible = first_invisible(text)
        if invisible >= 0:
            # Reported, and read as if absent, so that nothing else (an unknown key, a target
            # read as 定性) is reported for what the user cannot see.
            character = text[invisible]
            self.report(_invisible_character(self.where(node, character, loc), character))
            text = without_invisible(text)
        text = unicodedata.normalize("NFC", text)
        return Scalar(text.strip() if key else text, node.style not in (None, ""), loc)

    def where(self, node: yaml.Node, character: str, loc: Location) -> Location:
        """Where `character` is written in `node`'s source; the node's place when it came from
        an escape (`"\\u200b"`)."""
        index = self.text.find(character, node.start_mark.index, node.end_mark.index)
        return loc if index < 0 else _position(self.text, index, self.filename)

    def written_tag(self, node: yaml.Node) -> str | None:
        """The tag written before `node`, unless it is `!!str` on a scalar (which changes
        nothing); None when there is none."""
        if node.tag == _IMPLICIT:
            return "!" if _BARE_TAG.match(self.text, node.start_mark.index) else None
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
            return None
        return str(node.tag)

    def items(self, node: yaml.MappingNode) -> Iterator[tuple[Scalar, Node]]:
        # Keys are compared as the reader uses them (NFC, no surrounding white space) and, so
        # that full-width and half-width spellings cannot make two keys, in NFKC too.
        first_seen: dict[str, tuple[Scalar, str]] = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node, key=True)
            if isinstance(key, Rejected):  # already reported
                continue
            if not isinstance(key, Scalar):
                self.report(Diagnostic(key.loc, "E007", "键必须是文字，不能是列表或映射"))
                continue
            same = same_name(key.text)
            if same in first_seen:
                self.report(_duplicate(key, key_node.value, *first_seen[same]))
                continue
            first_seen[same] = (key, key_node.value)
            yield key, self.convert(value_node)


def same_name(text: str) -> str:
    """What two keys, or two names of a list's items (任务名称), are compared as: without
    surrounding white space (full-width spaces too), in NFKC, so that `满意度（%）` and
    `满意度(%)`, `ＡＢ` and `AB` are one name. Invisible characters are gone already (E107)."""
    return unicodedata.normalize("NFKC", text).strip()


def _duplicate(key: Scalar, written: str, first: Scalar, first_written: str) -> Diagnostic:
    where = f"第一次出现在第 {first.loc.line} 行"
    if first.text != key.text:
        where += f"，写作“{first.text}”"
    if without_invisible(first_written) != without_invisible(written):  # E107 says the rest
        where += "；只差首尾空格、全角/半角或 Unicode 写法的键是同一个键"
    return Diagnostic(
        key.loc,
        "E002",
        f"重复的键“{key.text}”（{where}）",
        "删除或合并其中一项；若是列表中的多项，每项要以“- ”开头",
    )


def _position(text: str, index: int, filename: str) -> Location:
    line = text.count("\n", 0, index) + 1
    return Location(filename, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _invisible_character(loc: Location, character: str) -> Diagnostic:
    if character in _SEPARATOR_NAMES:
        hint = _SEPARATOR
    elif unicodedata.category(character) == "Cf" and unicodedata.bidirectional(character) != "BN":
        hint = _BIDI  # a format character with a direction of its own: it reorders text
    else:
        hint = _ZERO_WIDTH
    name = invisible_name(character)
    return Diagnostic(loc, "E107", f"文字中有看不见的字符 U+{ord(character):04X}（{name}）", hint)


def _invalid_character(loc: Location, character: str) -> Diagnostic:
    return Diagnostic(
        loc,
        "E105",
        f"文字中有不允许的控制字符 U+{ord(character):04X}",
        "删除这个看不见的字符（常见于从其他系统复制的文字）",
    )


# PyYAML's problems in words a form filler reads; unknown ones are shown as they are.
_PROBLEMS = {
    "mapping values are not allowed here": "这里不能出现“键: 值”，多半是缩进不对或值里有冒号",
    "mapping values are not allowed in this context": "这里不能出现“键: 值”，多半是缩进不对",
    "did not find expected key": "缩进不一致，这一行与上面的键对不齐",
    "could not find expected ':'": "找不到“:”，键和值之间要用英文冒号加空格",
    "found a tab character that violates indentation": "缩进里有 Tab",
    "found character that cannot start any token": "这里有一个不能用在开头的字符",
    "did not find expected '-' indicator": "列表里每一项要以“- ”开头",
    "did not find expected comment or line break": "行尾有多余的内容",
    "found unexpected end of stream": "文件提前结束了，引号或括号没有配对",
    "found unknown escape character": "双引号里的反斜杠“\\”后面跟了不认识的字符",
    "did not find expected node content": "这里缺少内容",
    "found undefined alias": "用了未定义的别名（*）",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致，这一行缩进得比上一行多",
    "expected <block end>, but found '-'": "列表项“- ”的缩进不对",
}


def _syntax_diagnostic(error: yaml.MarkedYAMLError, text: str, filename: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    if "expected a single document" in str(error):
        return Diagnostic(
            Location(filename, line, col),
            "E008",
            "一个文件里只能有一份申报（发现了第二个 --- 文档）",
            "每份申报单独存为一个文件",
        )
    problem = _PROBLEMS.get(str(error.problem), str(error.problem or "语法错误"))
    lines = text.splitlines()
    # The cause is usually on the line the parser stopped at or the one before; a tab or a
    # full-width space or colon elsewhere can derail it much later, so those are looked for too.
    for number in (line, line - 1):
        if 0 < number <= len(lines):
            hint = _hint_for_line(lines[number - 1])
            if hint:  # at the parser's place, or at the start of the line that shows the cause
                where = Location(filename, number, col if number == line else 1)
                return Diagnostic(where, "E001", f"格式错误：{problem}", hint)
    for number, source_line in enumerate(lines, start=1):
        hint = _hint_for_line(source_line, anywhere=False)
        if hint:
            return Diagnostic(Location(filename, number, 1), "E001", f"格式错误：{problem}", hint)
    hint = (
        "缩进只能用空格，不能用 Tab" if "tab" in problem else "检查这一行及上一行的缩进、冒号和引号"
    )
    return Diagnostic(Location(filename, line, col), "E001", f"格式错误：{problem}", hint)


def _hint_for_line(source_line: str, anywhere: bool = True) -> str:
    """A hint for a line that shows a typical mistake; `anywhere` also takes the weaker signs
    that only count on the line the parser stopped at."""
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t\u3000"))]
    if "\t" in indent:
        return "缩进只能用空格，不能用 Tab"
    if "\u3000" in indent:
        return "这一行以全角空格缩进，缩进只能用半角空格"
    if re.match(r"^\s*[^:#\s]+：", source_line):
        return "键和值之间要用英文冒号“: ”，不能用中文冒号“：”"
    if not anywhere:
        return ""
    if hint := colon_hint(source_line):
        return hint
    if re.search(r":\u3000", source_line):
        return "冒号后是全角空格，只能用半角空格"
    if re.search(r":\s+[>|%@`<]", source_line):
        return '以 > < | % @ ` 开头的值要加引号，例如 ">=90%"'
    return ""


# `key:value`: YAML reads a colon with no space after it as part of one plain text.
_NO_SPACE = re.compile(r"\s*(?:-\s+)?([^\s:#'\"{\[,][^:#]*?):(?=[^\s:/\\])(.*)")


def colon_hint(text: str) -> str:
    """The hint for a line or a value written `key:value` (no space after the colon, which
    makes YAML read one text instead of a key and its value); "" when it is not one."""
    match = _NO_SPACE.fullmatch(text.rstrip())
    if match is None:
        return ""
    return f"冒号后要有空格：写成“{match.group(1).strip()}: {match.group(2).strip()}”"
