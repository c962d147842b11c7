"""The command line: parse arguments, call one command function, print, return an exit code.

The only module that prints. `main(argv)` returns the exit status; tests call it directly.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from generator.build.report import check
from generator.build.write import Artifact, Writer
from generator.declaration.sources import SUFFIXES, UsageError
from generator.errors import (
    Diagnostic,
    EnvironmentProblem,
    ExitCode,
    count_by_code,
    without_repeated_hints,
)

if TYPE_CHECKING:
    from generator.build.report import Report

DEFAULT_SOURCES = [Path("declarations")]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit status."""
    _utf8_output()
    parser = _parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # shown under the usage of the command that does not know them
            args.parser.error(f"无法识别的参数：{' '.join(unknown)}")
        _take_renamed(args)
    except SystemExit as exit_:  # argparse exits on --help (0)
        return int(exit_.code or 0)
    except ArgumentsError as error:
        return _usage_error(error)
    with _signals_as_interrupts() as received:
        try:
            status = int(args.command(args))
            sys.stdout.flush()  # a reader that stopped reading is found here, not at exit
        except BrokenPipeError:  # `… | head`: it has what it wanted
            _discard_output()
            return BROKEN_PIPE
        except ArgumentsError as error:
            return _usage_error(error)
        except UsageError as error:
            print(f"错误：{error}", file=sys.stderr)
            return ExitCode.USAGE
        except EnvironmentProblem as error:  # an unwritable folder, a broken template …
            print(f"错误：{error}", file=sys.stderr)
            return ExitCode.USAGE
        except KeyboardInterrupt:
            received.append(signal.SIGINT)
        if received:  # also when an interrupt was swallowed and the command still finished
            print("已中断：已写入的文件都是完整的", file=sys.stderr)
            return 128 + received[0]  # as a shell reports death by that signal: 130, 143
        return status


def _utf8_output() -> None:
    """Write standard output and error in UTF-8 whatever the system's code page: Windows
    writes a redirected output in it (GBK, cp1252), and `import form.docx > x.yaml` must give
    a file that check reads (and a character the code page lacks must not stop a command)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in UTF8:
            stream.reconfigure(encoding="utf-8")


UTF8 = ("utf-8", "utf8")
# As a shell reports a process that a closed pipe killed (128 + SIGPIPE, which Windows lacks).
BROKEN_PIPE = 128 + 13


def _discard_output() -> None:
    """Send what is left to write on standard output to the null device, so that flushing it
    at exit raises nothing more (the recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's capture): nothing to flush
        pass


class ArgumentsError(Exception):
    """Arguments a command cannot take: reported under the usage of that command."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


def _usage_error(error: ArgumentsError) -> int:
    print(error.parser.format_usage().rstrip("\n"), file=sys.stderr)
    print(f"错误：{error}", file=sys.stderr)
    return ExitCode.USAGE


class _Parser(argparse.ArgumentParser):
    """argparse in Chinese: its headings and -h, and its errors, which are raised (for main to
    print under the usage of the command they concern). Every command's parser is one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # our own -h, with its help in Chinese
        super().__init__(*args, **kwargs)
        # The headings argparse gives its two default groups, which every argument without a
        # group of its own is in (attributes of every Python since 3.2; a translation catalogue
        # would be global and chosen by the user's locale).
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        raise ArgumentsError(self, _in_chinese(message))


class _Formatter(argparse.HelpFormatter):
    """argparse's help in Chinese: 用法： for usage:, and texts wrapped to the terminal's width
    in columns, where a Chinese character takes two (argparse counts characters). The two
    methods wrapping are those the standard library's own formatters override."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrapped(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _wrapped(text, width - len(indent)))

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# A wrapped line never starts with a closing mark, nor ends with an opening one.
_CLOSING = frozenset("，。、；：？！）」』】〕”’》")
_OPENING = frozenset("（「『【〔“‘《")


def _columns(text: str) -> int:
    """How many columns of a terminal `text` takes: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _wrapped(text: str, width: int) -> list[str]:
    """`text`, its white space collapsed, in lines of at most `width` columns (a word longer
    than that alone on its line): broken at a space or beside a Chinese character, never
    inside a word of Latin letters, before a closing mark or after an opening one."""
    pieces: list[str] = []  # the unbreakable parts and the spaces between them
    for char in " ".join(text.split()):
        last = pieces[-1][-1] if pieces else " "
        narrow_word = char != " " and last != " " and _columns(char + last) == 2
        if pieces and (char in _CLOSING or last in _OPENING or narrow_word):
            pieces[-1] += char
        else:
            pieces.append(char)
    lines = [""]
    for piece in pieces:
        if piece != " " and lines[-1].strip() and _columns(lines[-1] + piece) > width:
            lines[-1] = lines[-1].rstrip()
            lines.append("")
        if piece != " " or lines[-1]:
            lines[-1] += piece
    return [line.rstrip() for line in lines if line.strip()]


def _in_chinese(message: str) -> str:
    """argparse's messages (Python 3.11 and later) in Chinese; ours are in Chinese already."""
    if found := re.fullmatch(r"the following arguments are required: (.+)", message):
        return f"缺少参数：{found[1].replace(', ', '、')}"
    if found := re.fullmatch(r"ambiguous option: (\S+) could match (.+)", message):
        return f"选项 {found[1]} 不明确，可能是：{found[2]}"
    if found := re.fullmatch(r"one of the arguments (.+) is required", message):
        return f"缺少参数：{found[1].replace(' ', '、')} 中要写一个"
    found = re.fullmatch(r"argument (.+?): (.+)", message, re.DOTALL)
    if found is None:
        return message
    name, problem = found[1], found[2]
    if found := re.fullmatch(r"invalid choice: (.+) \(choose from (.+)\)", problem):
        choices = "、".join(_unquoted(choice) for choice in found[2].split(", "))
        return f"参数 {name}：不能是“{_unquoted(found[1])}”（可选：{choices}）"
    if found := re.fullmatch(r"invalid (\w+) value: (.+)", problem):
        what = "不是整数" if found[1] == "int" else "无效"
        return f"参数 {name}：“{_unquoted(found[2])}”{what}"
    if problem == "expected one argument":
        return f"参数 {name} 后面要写一个值"
    if problem == "expected at least one argument":
        return f"参数 {name} 后面至少要写一个值"
    if problem == "expected at most one argument":
        return f"参数 {name} 后面最多写一个值"
    if found := re.fullmatch(r"ignored explicit argument (.+)", problem):
        return f"参数 {name} 后面不写值，而这里写了“{_unquoted(found[1])}”"
    if found := re.fullmatch(r"not allowed with argument (.+)", problem):
        return f"参数 {name} 不能与 {found[1]} 同时使用"
    return f"参数 {name}：{problem}"


PACKAGE = "budget-declarations"


class _Version(argparse.Action):
    """--version: prints the installed package's version and exits (its metadata read only
    when asked, so that no other command waits for it)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        import importlib.metadata

        try:
            version = importlib.metadata.version(PACKAGE)
        except importlib.metadata.PackageNotFoundError:
            parser.exit(
                ExitCode.USAGE,
                f"错误：找不到 {PACKAGE} 的安装信息，不知道版本号"
                "（在项目文件夹中运行 make，或 pip install . 安装后再试）\n",
            )
        print(f"{PACKAGE} {version}")
        parser.exit()


class _Renamed(argparse.Action):
    """An option's old spelling, kept working for one release: hidden from --help, its value
    is taken for the new option (`renames`, its dest) by main, which says the new name on
    stderr, so that a user's script or Makefile does not break silently."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        new: str,
        renames: str,
        type: Callable[[str], object] | None = None,
        metavar: str | None = None,
    ) -> None:
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            type=type,
            metavar=metavar,
            help=argparse.SUPPRESS,
        )
        self.new = new
        self.renames = renames

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        given = (option_string or self.option_strings[0], self.new, self.renames, values)
        namespace.renamed = [*getattr(namespace, "renamed", []), given]


def _take_renamed(args: argparse.Namespace) -> None:
    """The values given under old spellings of options, for their new ones, each said on
    stderr; both spellings at once are refused rather than one of them dropped."""
    renamed = getattr(args, "renamed", [])
    given = {dest for _, _, dest, _ in renamed if getattr(args, dest) is not None}
    for old, new, dest, value in renamed:
        if dest in given:
            raise ArgumentsError(args.parser, f"{old} 是 {new} 的旧写法，两者只能写一个：写 {new}")
        setattr(args, dest, value)  # given twice, the last one, as argparse does
        print(
            f"警告：{old} 已改名为 {new}，请改用 {new}（{old} 将在下一版本停用）", file=sys.stderr
        )


def _unquoted(text: str) -> str:
    """A value as argparse quotes it (its repr, in most versions), without the quotes."""
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text


_INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_as_interrupts() -> Iterator[list[int]]:
    """While a command runs, SIGINT (Ctrl-C) and SIGTERM both unwind it as KeyboardInterrupt,
    so that staged files are removed and worker processes stopped; signals after the first are
    ignored, so that nothing interrupts that, and so is a signal that was ignored already (a
    background job's SIGINT). Yields the list of signals received."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(number: int, frame: FrameType | None) -> None:
        if not received:
            received.append(number)
            raise KeyboardInterrupt

    previous = {
        number: signal.signal(number, interrupt)
        for number in _INTERRUPTS
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m generator",
        description="部门（单位）整体支出绩效目标申报表：校验 YAML 申报并生成表格。",
    )
    parser.set_defaults(parser=parser)
    parser.add_argument("--version", action=_Version, help="显示版本号并退出")
    commands = parser.add_subparsers(
        required=True,
        metavar="COMMAND",
        title="命令",
        help="要运行的命令；各命令的用法：python -m generator COMMAND --help",
    )

    def command(
        name: str, run: Callable[[argparse.Namespace], int], summary: str, description: str = ""
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=description or summary)
        sub.set_defaults(command=run, parser=sub)
        return sub

    def sources(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "paths",
            nargs="*",
            type=Path,
            default=DEFAULT_SOURCES,
            metavar="PATH",
            help="申报文件或文件夹（默认：declarations/）",
        )

    def templates(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--templates",
            type=Path,
            metavar="DIR",
            help="自定义模板所在的文件夹，其中的模板替换同名的内置模板"
            "（默认：当前文件夹中的 templates/，如果有）",
        )

    def output_file(sub: argparse.ArgumentParser, help: str) -> None:
        """-o/--output FILE, the option of every command that writes one file (--out names a
        folder); --out, its old spelling there, still taken for one release."""
        sub.add_argument("-o", "--output", type=Path, metavar="FILE", help=help)
        sub.add_argument("--out", action=_Renamed, type=Path, new="-o", renames="output")

    def problem_format(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="问题的输出格式：text 每条一行 file:line:col: CODE message；"
            "json 输出一个 JSON 列表，每项带 severity（error 或 warning）",
        )

    check_cmd = command(
        "check",
        _check,
        summary="校验申报，不写入任何文件",
        description="校验申报（每份申报本身，及同一年度、同一部门的各份申报之间），"
        "不写入任何文件。有错误时退出状态为 1。",
    )
    sources(check_cmd)
    problem_format(check_cmd)

    build_cmd = command(
        "build",
        _build,
        summary="校验并生成申报表（DOCX、XLSX）和汇总，写入 OUT/<年度>/",
        description="校验申报；全部有效时写入 OUT/<年度>/<slug>.* 和 OUT/<年度>/index.*。"
        "只重新生成输入有变化的申报。",
    )
    sources(build_cmd)
    problem_format(build_cmd)
    build_cmd.add_argument(
        "--out", type=Path, default=Path("build"), help="输出文件夹（默认：build/）"
    )
    templates(build_cmd)
    build_cmd.add_argument(
        "--pdf",
        action="store_true",
        help="每份表格另生成可打印的 PDF（<名称>.pdf，与 DOCX 同一文件夹），由 LibreOffice 转换",
    )

    diff_cmd = command(
        "diff",
        _diff,
        summary="比较两个年度、文件夹、文件或 git 版本之间的变化",
        description="按内容比较申报（按名称对应，不按位置），输出变更报告。写两个路径 OLD NEW"
        "（文件或年度文件夹），或写 --rev A[..B] [PATH...]：比较 PATH（默认 declarations/）"
        "在 git 版本 A 与版本 B（默认：工作区）之间的变化。",
    )
    diff_cmd.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="要比较的两个文件或年度文件夹（OLD NEW）；与 --rev 一起用时，要比较的路径"
        "（默认：declarations/）",
    )
    diff_cmd.add_argument(
        "--rev",
        metavar="A[..B]",
        help="比较 git 版本 A 与 B；A...B：比较 B 与它从 A 分出的那个版本",
    )
    diff_cmd.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="报告的格式：markdown（默认）或 json",
    )
    output_file(diff_cmd, "把报告写入此文件（默认：输出到屏幕）")
    diff_cmd.add_argument("--exit-code", action="store_true", help="有差异时退出状态为 1")
    templates(diff_cmd)

    trend_cmd = command(
        "trend",
        _trend,
        summary="每个预算数字和指标目标值按年度各占一列",
        description="按部门（先按部门名称，再按文件名）把多个年度的申报排在一起，"
        "写入 OUT/trend.md 和 OUT/trend.xlsx。",
    )
    sources(trend_cmd)
    trend_cmd.add_argument(
        "--out", type=Path, default=Path("build/trend"), help="输出文件夹（默认：build/trend）"
    )
    templates(trend_cmd)

    new_year_cmd = command(
        "new-year",
        _new_year,
        summary="把一个年度的申报复制到新的年度，年度随之更新",
        description="把 ROOT/FROM/*.yaml 复制到 ROOT/TO/，年度改为 TO，保留注释、顺序和换行符，"
        "然后列出仍提到其他年度的文字和注释。从不覆盖已有的文件。",
    )
    new_year_cmd.add_argument("old_year", type=int, metavar="FROM", help="从哪个年度复制，如 2023")
    new_year_cmd.add_argument("new_year", type=int, metavar="TO", help="复制到哪个年度，如 2024")
    new_year_cmd.add_argument(
        "--root",
        type=Path,
        default=Path("declarations"),
        help="各年度文件夹所在的文件夹（默认：declarations/）",
    )

    import_cmd = command(
        "import",
        _import,
        summary="已有的申报表（XLSX、DOCX、制表符分隔的文本）→ 申报 YAML",
        description="读取已填好的申报表，写成申报 YAML。不写 -o 或 --into 时，YAML 输出到屏幕"
        "（标准输出）。推断出的内容作为警告打印，并在 YAML 中用注释标出。",
    )
    import_cmd.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="申报表文件，或装有申报表的文件夹"
    )
    import_cmd.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="把 YAML 写入此文件（.yaml 或 .yml）"
    )
    import_cmd.add_argument(
        "--into",
        type=Path,
        help="把每份申报表写成 INTO/<部门名称>.yaml，项目申报表写成 "
        "INTO/<所属部门的文件名>/<项目名称>.yaml",
    )
    import_cmd.add_argument("--force", action="store_true", help="覆盖已有的文件")
    import_cmd.add_argument(
        "--kind",
        metavar="表样",
        help="按此表样读取文件（默认：标题和栏目最相符的表样）",
    )

    lint_cmd = command(
        "lint",
        _lint,
        summary="审核提示：不具体、不可衡量的绩效目标等",
        description="先像 check 一样校验，再提示财政审核会指出的问题（代码见 docs/lint.md）。"
        "同一代码的同一提示只在第一次出现时写出，最后按代码统计条数。",
    )
    sources(lint_cmd)
    problem_format(lint_cmd)
    lint_cmd.add_argument("--strict", action="store_true", help="有审核提示时退出状态为 1")

    fmt_cmd = command(
        "fmt",
        _fmt,
        summary="按统一的格式重写申报，保留注释",
        description="按统一的格式重写申报（键的顺序、引号、长文本写成块），保留注释和每个文件的"
        "换行符。--check 只报告会改动的文件，并给出改动（unified diff）。",
    )
    sources(fmt_cmd)
    fmt_cmd.add_argument(
        "--check", action="store_true", help="只打印改动，不写入；有文件要改动时退出状态为 1"
    )

    schema_cmd = command(
        "schema",
        _schema,
        summary="输出申报格式的 JSON Schema（供编辑器使用）",
        description="输出由申报格式和指标体系生成的 JSON Schema；-o 把它写入文件"
        "（仓库中提交的是 schema/declaration.schema.json）。",
    )
    output_file(schema_cmd, "把 schema 写入此文件（默认：输出到屏幕）")

    kinds_cmd = command(
        "kinds",
        _kinds,
        summary="列出各种表样及其栏目",
        description="输出申报可在“表样:”中写的各种表样的说明：栏目、校验和指标体系"
        "（仓库中提交的是 docs/kinds.md）。",
    )
    output_file(kinds_cmd, "把说明写入此文件（默认：输出到屏幕）")

    preview_cmd = command(
        "preview",
        _preview,
        summary="把变更报告写成可离线阅读的 HTML 页面",
        description="把变更报告 OUT/diff/*.md 写成 HTML，并写 OUT/diff/index.html 列出它们"
        "（申报和汇总的页面由 build 写入）。",
    )
    preview_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        help="输出文件夹，变更报告在其中的 diff/ 里（默认：build/）",
    )
    templates(preview_cmd)

    bench_cmd = command(
        "bench",
        _bench,
        summary="在合成的申报上为每个阶段计时，并与简单的基准对比",
        description="在临时文件夹中生成合成的申报，报告各阶段耗时的中位数、生成的吞吐量、"
        "内存峰值和随规模的变化，并与简单的基准对比。",
    )
    bench_cmd.add_argument(
        "--corpus",
        type=_count,
        default=200,
        help="部门数，每个部门最多有两份项目申报表（默认：200）",
    )
    bench_cmd.add_argument(
        "--sizes",
        type=_count,
        nargs="*",
        default=[100, 500, 2000],
        help="测试规模时用的指标数（默认：100 500 2000）",
    )
    bench_cmd.add_argument(
        "--work",
        type=Path,
        help="在此生成并保留合成的申报：新的或空的文件夹，或 bench 以前生成的文件夹"
        "（默认：临时文件夹）",
    )
    bench_cmd.add_argument(
        "--shape",
        type=Path,
        help="合成的申报所仿照的整体申报（默认：declarations/ 下的第一份）",
    )
    bench_cmd.add_argument(
        "--large",
        type=int,
        default=0,
        metavar="N",
        help="另外生成 N 份申报（部门及其项目），为整条命令计时：从头生成，及没有改动时"
        "（make bench：10000）",
    )
    bench_cmd.add_argument(
        "--project-shape",
        type=Path,
        help="各部门的项目所仿照的项目申报表（默认：examples/ 下同一年度的第一份示例项目）",
    )
    return parser


def _own_templates(args: argparse.Namespace) -> Path | None:
    """The folder whose templates replace the shipped ones: --templates, else templates/ in
    the current folder if there is one; says on stderr which ones it replaces."""
    from generator.render import OWN_TEMPLATES, overridden, strangers

    own: Path | None = args.templates
    if own is None and OWN_TEMPLATES.is_dir():
        own = OWN_TEMPLATES
    if own is None:
        return None
    if not own.is_dir():
        raise UsageError(f"{own}：模板目录不存在（--templates 要写一个文件夹）")
    unused = strangers(own)
    if unused:
        print(
            f"警告：{own} 中的 {'、'.join(unused)} 不是任何模板的名字，未使用"
            "（模板的名字见 generator/templates/，例如 form.style.yaml、summary.md.j2）",
            file=sys.stderr,
        )
    replaced = overridden(own)
    if replaced:
        print(f"使用 {own} 中的自定义模板：{'、'.join(replaced)}", file=sys.stderr)
    return own


def _count(text: str) -> int:
    """An argument that counts something: a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数，而不是 {text}")
    return value


def _print_problems(
    output_format: str, errors: Sequence[Diagnostic], warnings: Sequence[Diagnostic] = ()
) -> None:
    """Text: one line each. JSON: one list of them all, each with its severity, and nothing
    else on standard output, so that the whole of it parses."""
    if output_format == "json":
        found = [{"severity": "error", **d.as_dict()} for d in errors]
        found += [{"severity": "warning", **d.as_dict()} for d in warnings]
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for diagnostic in (*errors, *warnings):
            print(diagnostic)


def _summary(report: Report) -> str:
    files = len(report.checked)
    # a file can be valid alone and still wrong beside another (E230, E231)
    named = {d.location.file for d in report.errors}
    bad = sum(1 for item in report.checked if not item.ok or item.name in named)
    # a project checked alone is checked with its department's other forms, read from disk
    others = len(named - {item.name for item in report.checked})
    line = f"{files} 份申报，{bad} 份有错误"
    if others:
        line += f"，同部门另有 {others} 份文件有错误"
    line += f"，共 {len(report.errors)} 个问题"
    return line + (f"，{len(report.warnings)} 条提示" if report.warnings else "")


def _check(args: argparse.Namespace) -> int:
    report = check(args.paths)
    _print_problems(args.format, report.errors, report.warnings)
    if args.format == "text":
        print(_summary(report), file=sys.stderr)
    return ExitCode.OK if report.ok else ExitCode.INVALID


def _build(args: argparse.Namespace) -> int:
    from generator.build.build import build
    from generator.render.package import source_date_epoch

    source_date_epoch()  # refused before anything is read, even when nothing is rendered
    report = build(
        args.paths,
        args.out,
        waiting=lambda message: print(message, file=sys.stderr),
        own_templates=_own_templates(args),
        pdf=args.pdf,
    )
    _print_problems(args.format, report.errors, report.warnings)
    if not report.ok:
        if args.format == "text":
            print(_summary(report) + "；未写入任何文件", file=sys.stderr)
        return ExitCode.INVALID
    for note in report.notes:
        print(f"警告：{note}", file=sys.stderr)
    for source, key in report.gone:
        print(
            f"{source} 已不存在（删除、改名或移走了）：删除它的输出 {args.out / key}.*",
            file=sys.stderr,
        )
    if args.format == "text":
        print(
            f"{len(report.checked)} 份申报：写入 {len(report.written)} 个文件，"
            f"{len(report.unchanged) + report.kept} 个文件没有变化，"
            f"删除 {len(report.removed)} 个过时文件；输出在 {args.out}",
            file=sys.stderr,
        )
    return ExitCode.OK


def _diff(args: argparse.Namespace) -> int:
    from generator.review.diff import diff_paths, diff_revisions, render_report, summary_line

    if args.output and any(
        name.rstrip(". ").lower().endswith(SUFFIXES)
        for name in (args.output.name, args.output.resolve().name)  # a link: where it leads
    ):
        raise UsageError(
            f"{args.output}：-o 写的是报告（Markdown 或 JSON），不能写进 .yaml/.yml 文件；"
            f"请换个名字，例如 {args.output.with_suffix('.md')}"
        )
    if args.rev:
        result = diff_revisions(args.rev, args.paths or DEFAULT_SOURCES)
    elif len(args.paths) == 2:
        result = diff_paths(*args.paths)
    else:
        args.parser.error(
            "diff 需要两个路径（OLD NEW），或 --rev A[..B] [PATH...]，"
            f"而这里写了 {len(args.paths)} 个"
        )
    if result.comparison is None:
        _print_problems("json" if args.format == "json" else "text", result.diagnostics)
        print("比较的申报中有错误，先修正（见上）", file=sys.stderr)
        return ExitCode.INVALID
    report = render_report(result.comparison, args.format, own_templates=_own_templates(args))
    if args.output:
        Writer(args.output.parent).write(Artifact(args.output.name, report.encode()))
    else:
        print(report, end="")
    for note in result.comparison.notes:
        print(note, file=sys.stderr)
    written = f" → {args.output}" if args.output else ""
    print(summary_line(result.comparison) + written, file=sys.stderr)
    if args.exit_code and result.comparison.different:
        return ExitCode.INVALID
    return ExitCode.OK


def _trend(args: argparse.Namespace) -> int:
    from generator.review.trend import trend  # each command loads what it needs

    report = trend(args.paths, args.out, own_templates=_own_templates(args))
    for diagnostic in report.diagnostics:
        print(diagnostic)
    if report.diagnostics:
        return ExitCode.INVALID
    for note in report.notes:
        print(note, file=sys.stderr)
    print("写入 " + "、".join(str(args.out / p) for p in report.written), file=sys.stderr)
    return ExitCode.OK


def _new_year(args: argparse.Namespace) -> int:
    from generator.authoring.new_year import carry_forward, review_summary

    if not (args.root / str(args.old_year)).is_dir():
        raise UsageError(f"{args.root / str(args.old_year)}：目录不存在")
    report = carry_forward(args.root, args.old_year, args.new_year)
    for diagnostic in report.diagnostics:
        print(diagnostic)
    if report.diagnostics:
        print("未复制任何文件", file=sys.stderr)
        return ExitCode.INVALID
    for path in report.created:
        print(f"新建 {path}", file=sys.stderr)
    for warning in report.review:
        print(warning)
    if report.review:
        print(review_summary(report.review), file=sys.stderr)
    return ExitCode.OK


def _import(args: argparse.Namespace) -> int:
    from generator.importing.forms import Outcome, import_forms, import_summary

    kind = None
    if args.kind is not None:
        from generator.kinds import form_kinds

        kinds = form_kinds()
        if args.kind not in kinds:
            raise UsageError(f"未知的表样“{args.kind}”；可用：{'、'.join(kinds)}")
        kind = kinds[args.kind]
    results = import_forms(args.files, args.output, args.into, args.force, kind)
    for result in results:
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        # the YAML alone on stdout when it goes there: every message goes beside it
        to_stdout = args.output is None and args.into is None
        for problem in result.problems:
            print(problem, file=sys.stderr if to_stdout else sys.stdout)
        if result.outcome is Outcome.PRINTED:
            print(result.text, end="")
        if result.line():
            print(result.line(), file=sys.stderr)
    if len(results) > 1:
        print(import_summary(results), file=sys.stderr)
    return max(result.status for result in results)


def _lint(args: argparse.Namespace) -> int:
    from generator.review.lint import lint

    report = check(args.paths)
    if not report.ok:
        _print_problems(args.format, report.errors, report.warnings)
        if args.format == "text":
            print(_summary(report), file=sys.stderr)
        return ExitCode.INVALID
    warnings = report.warnings + [
        w for item in report.checked if item.declaration for w in lint(item.declaration)
    ]
    if args.format == "json":  # for tools: each warning whole
        _print_problems(args.format, (), warnings)
    else:  # for a reader: a rule's long hint once, and the count of each code at the end
        _print_problems(args.format, (), without_repeated_hints(warnings))
        counts = f"：{count_by_code(warnings)}" if warnings else ""
        print(f"{len(report.checked)} 份申报，{len(warnings)} 条审核提示{counts}", file=sys.stderr)
    return ExitCode.INVALID if warnings and args.strict else ExitCode.OK


def _fmt(args: argparse.Namespace) -> int:
    from generator.authoring.fmt import fmt

    report = fmt(args.paths, args.check)
    for diagnostic in report.diagnostics:
        print(diagnostic)
    for changed in report.changed:
        if args.check:
            print(changed.diff, end="")
        note = f"（{changed.note}）" if changed.note else ""
        print(
            f"{'需要格式化' if args.check else '已格式化'}：{changed.path}{note}", file=sys.stderr
        )
    if report.diagnostics or (args.check and report.changed):
        return ExitCode.INVALID
    return ExitCode.OK


def _schema(args: argparse.Namespace) -> int:
    from generator.authoring.json_schema import schema_text

    return _write_or_print(args.output, schema_text(), "declaration.schema.json")


def _kinds(args: argparse.Namespace) -> int:
    from generator.authoring.kind_docs import kinds_reference

    return _write_or_print(args.output, kinds_reference(), "kinds.md")


def _write_or_print(out: Path | None, text: str, example_name: str) -> int:
    """`text` into file `out`, or to standard output."""
    if out:
        if out.is_dir():
            raise UsageError(f"{out}：是一个文件夹；-o 要写文件名，例如 {out / example_name}")
        blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise UsageError(f"{blocker}：是一个文件，不能在其中写入 {out}")
        Writer(out.parent).write(Artifact(out.name, text.encode()))
    else:
        print(text, end="")
    return ExitCode.OK


def _preview(args: argparse.Namespace) -> int:
    from generator.authoring.preview import preview

    report = preview(args.out, own_templates=_own_templates(args))
    for warning in report.skipped:
        print(f"警告：{warning}", file=sys.stderr)
    for page, source in report.removed:
        why = f"变更报告 {source} 已不存在" if source else "没有变更报告了"
        print(f"删除 {args.out / page}（{why}）", file=sys.stderr)
    if report.written:
        print(f"写入 {len(report.written)} 个 HTML 页面 → {report.folder}", file=sys.stderr)
    else:
        print(
            "没有变更报告（make diff FROM=… TO=… 生成）；申报和汇总的 HTML 页面由 build 写入"
            f" → {args.out}",
            file=sys.stderr,
        )
    return ExitCode.OK


def _bench(args: argparse.Namespace) -> int:
    try:
        from bench.run import run_bench  # in the source checkout only, with its extra packages
    except ImportError as error:
        raise UsageError(
            f"bench 只能在源代码目录中运行（make bench），这里缺少：{error.name}"
        ) from None

    report = run_bench(
        args.corpus, tuple(args.sizes), args.work, args.shape, args.project_shape, args.large
    )
    print(report.table(), end="")
    return ExitCode.OK
