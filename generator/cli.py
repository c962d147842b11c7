"""The command line: parse arguments, call one command function, print, return an exit code.

The only module that prints. `main(argv)` returns the exit status; tests call it directly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from generator.build.report import check
from generator.build.write import Artifact, Writer
from generator.declaration.sources import UsageError
from generator.errors import Diagnostic, EnvironmentProblem, ExitCode

if TYPE_CHECKING:
    from generator.build.report import Report

DEFAULT_SOURCES = [Path("declarations")]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit status."""
    parser = _parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # shown under the usage of the command that does not know them
            args.parser.error(f"无法识别的参数：{' '.join(unknown)}")
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
    """argparse, whose errors are raised (for main to print under the usage of the command
    they concern), in Chinese."""

    def error(self, message: str) -> NoReturn:
        raise ArgumentsError(self, _in_chinese(message))


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _in_chinese(message: str) -> str:
    """argparse's messages (Python 3.11 and later) in Chinese; ours are in Chinese already."""
    if found := re.fullmatch(r"the following arguments are required: (.+)", message):
        return f"缺少参数：{found[1].replace(', ', '、')}"
    if found := re.fullmatch(r"ambiguous option: (\S+) could match (.+)", message):
        return f"选项 {found[1]} 不明确，可能是：{found[2]}"
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
    return f"参数 {name}：{problem}"


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
        formatter_class=_Formatter,
    )
    parser.set_defaults(parser=parser)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(
        name: str, run: Callable[[argparse.Namespace], int], summary: str, description: str = ""
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=summary, description=description or summary, formatter_class=_Formatter
        )
        sub.set_defaults(command=run, parser=sub)
        return sub

    def sources(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "paths",
            nargs="*",
            type=Path,
            default=DEFAULT_SOURCES,
            metavar="PATH",
            help="declaration files or folders (default: declarations/)",
        )

    def templates(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--templates",
            type=Path,
            metavar="DIR",
            help="a folder of templates that replace the shipped ones of the same name "
            "(default: templates/ in the current folder, if there is one)",
        )

    def problem_format(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="how to print problems: text lines file:line:col: CODE message, or one JSON "
            "list of objects with a severity (error, warning)",
        )

    check_cmd = command(
        "check",
        _check,
        summary="validate declarations, write nothing",
        description="Validate declarations.",
    )
    sources(check_cmd)
    problem_format(check_cmd)

    build_cmd = command(
        "build",
        _build,
        summary="validate and build the forms (DOCX, XLSX) and summaries into OUT/<year>/",
        description="Validate declarations and, when all are valid, write OUT/<year>/<slug>.* "
        "and OUT/<year>/index.*. Only declarations whose inputs changed are rendered again.",
    )
    sources(build_cmd)
    problem_format(build_cmd)
    build_cmd.add_argument(
        "--out", type=Path, default=Path("build"), help="output folder (default: build/)"
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
        summary="what changed between two years, folders, files or git revisions",
        description="Compare declarations as models (keyed by name, not by position) and print "
        "a change report. Either OLD NEW (files or year folders), or --rev A[..B] [PATH...] to "
        "compare PATHs (default declarations/) at git revision A with revision B (default: the "
        "work tree).",
    )
    diff_cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    diff_cmd.add_argument(
        "--rev",
        metavar="A[..B]",
        help="compare git revisions A and B; A...B: B with where it forked from A",
    )
    diff_cmd.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff_cmd.add_argument("--out", type=Path, help="write the report to this file")
    diff_cmd.add_argument(
        "--exit-code", action="store_true", help="exit 1 when there are differences"
    )
    templates(diff_cmd)

    trend_cmd = command(
        "trend",
        _trend,
        summary="one column per year for every budget figure and indicator target",
        description="Line up the declarations of several years per department (by 部门名称, "
        "then by file name) and write OUT/trend.md and OUT/trend.xlsx.",
    )
    sources(trend_cmd)
    trend_cmd.add_argument(
        "--out", type=Path, default=Path("build/trend"), help="output folder (default: build/trend)"
    )
    templates(trend_cmd)

    new_year_cmd = command(
        "new-year",
        _new_year,
        summary="copy a year's declarations forward with 年度 updated",
        description="Copy ROOT/FROM/*.yaml to ROOT/TO/ with 年度 set to TO, keeping comments, "
        "order and line endings, then list the texts and comments that still name another "
        "year. Existing files are never overwritten.",
    )
    new_year_cmd.add_argument("old_year", type=int, metavar="FROM")
    new_year_cmd.add_argument("new_year", type=int, metavar="TO")
    new_year_cmd.add_argument(
        "--root", type=Path, default=Path("declarations"), help="default: declarations/"
    )

    import_cmd = command(
        "import",
        _import,
        summary="existing forms (XLSX, DOCX, tab-separated text) → declaration YAML",
        description="Read filled-in forms and write them as declarations. Without -o or "
        "--into the YAML goes to standard output. Inferences are printed as warnings and "
        "marked by comments in the YAML.",
    )
    import_cmd.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="forms, or folders of forms"
    )
    import_cmd.add_argument("-o", "--output", type=Path, help="write the YAML to this file")
    import_cmd.add_argument(
        "--into",
        type=Path,
        help="write each form as INTO/<部门名称>.yaml, a project form as "
        "INTO/<its department's file name>/<项目名称>.yaml",
    )
    import_cmd.add_argument("--force", action="store_true", help="overwrite existing files")
    import_cmd.add_argument(
        "--kind",
        metavar="表样",
        help="the form kind to read the files as (default: the kind whose title and labels "
        "fit best)",
    )

    lint_cmd = command(
        "lint",
        _lint,
        summary="review warnings: targets that are not specific and measurable",
        description="Check, then warn about what a finance reviewer flags (codes in docs/lint.md).",
    )
    sources(lint_cmd)
    problem_format(lint_cmd)
    lint_cmd.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")

    fmt_cmd = command(
        "fmt",
        _fmt,
        summary="rewrite declarations in the canonical style, comments kept",
        description="Rewrite declarations in the canonical style (key order, quoting, long "
        "texts as blocks), keeping comments and each file's line endings. --check only reports "
        "files that would change, with a unified diff of the change.",
    )
    sources(fmt_cmd)
    fmt_cmd.add_argument(
        "--check", action="store_true", help="print the diff and exit 1 if a file would change"
    )

    schema_cmd = command(
        "schema",
        _schema,
        summary="print the JSON Schema of the declaration format (for editors)",
        description="Print the JSON Schema generated from the format and taxonomy; "
        "--out writes it (the committed copy is schema/declaration.schema.json).",
    )
    schema_cmd.add_argument("--out", type=Path, help="write the schema to this file")

    kinds_cmd = command(
        "kinds",
        _kinds,
        summary="list the form kinds (表样) and the fields each one has",
        description="Print the reference of the form kinds a declaration may name in 表样: "
        "their fields, checks and frameworks (the committed copy is docs/kinds.md).",
    )
    kinds_cmd.add_argument("--out", type=Path, help="write the reference to this file")

    preview_cmd = command(
        "preview",
        _preview,
        summary="HTML pages of the change reports, readable offline",
        description="Turn the change reports OUT/diff/*.md into HTML, with OUT/diff/index.html "
        "listing them (build writes the pages of the declarations and indexes itself).",
    )
    preview_cmd.add_argument("--out", type=Path, default=Path("build"), help="default: build/")
    templates(preview_cmd)

    bench_cmd = command(
        "bench",
        _bench,
        summary="time every stage on a synthetic corpus, against plain baselines",
        description="Generate a synthetic corpus in a temporary folder and report per-stage "
        "medians, build throughput, peak memory and scaling, against plain baselines.",
    )
    bench_cmd.add_argument(
        "--corpus",
        type=_count,
        default=200,
        help="departments, each with up to two project forms (default 200)",
    )
    bench_cmd.add_argument(
        "--sizes",
        type=_count,
        nargs="*",
        default=[100, 500, 2000],
        help="indicator counts to scale",
    )
    bench_cmd.add_argument(
        "--work",
        type=Path,
        help="generate the corpus here and keep it: a new or empty folder, or one bench made "
        "(default: a temporary folder)",
    )
    bench_cmd.add_argument(
        "--shape",
        type=Path,
        help="the 整体 declaration the corpus copies (default: the first under declarations/)",
    )
    bench_cmd.add_argument(
        "--large",
        type=int,
        default=0,
        metavar="N",
        help="also build a corpus of N declarations (departments with their projects) as "
        "whole commands, clean and with nothing changed (make bench: 10000)",
    )
    bench_cmd.add_argument(
        "--project-shape",
        type=Path,
        help="the project form each department's projects copy "
        "(default: the first example project of the same year under examples/)",
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
    if args.out:
        Writer(args.out.parent).write(Artifact(args.out.name, report.encode()))
    else:
        print(report, end="")
    for note in result.comparison.notes:
        print(note, file=sys.stderr)
    written = f" → {args.out}" if args.out else ""
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
    _print_problems(args.format, (), warnings)
    if args.format == "text":
        print(f"{len(report.checked)} 份申报，{len(warnings)} 条审核提示", file=sys.stderr)
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

    return _write_or_print(args.out, schema_text(), "declaration.schema.json")


def _kinds(args: argparse.Namespace) -> int:
    from generator.authoring.kind_docs import kinds_reference

    return _write_or_print(args.out, kinds_reference(), "kinds.md")


def _write_or_print(out: Path | None, text: str, example_name: str) -> int:
    """`text` into file `out`, or to standard output."""
    if out:
        if out.is_dir():
            raise UsageError(f"{out}：是一个文件夹；--out 要写文件名，例如 {out / example_name}")
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
