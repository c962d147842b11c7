"""The command line: parse arguments, call one command function, print, return an exit code.

The only module that prints. `main(argv)` returns the exit status; tests call it directly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.build import Report, build, check
from generator.errors import ExitCode
from generator.render import TemplateError
from generator.sources import UsageError
from generator.write import WriteError

DEFAULT_SOURCES = [Path("declarations")]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help (0) and on usage errors (2)
        return int(exit_.code or 0)
    try:
        return int(args.command(args))
    except UsageError as error:
        print(f"错误：{error}", file=sys.stderr)
        return ExitCode.USAGE
    except (WriteError, TemplateError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("已中断：已写入的文件都是完整的", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="部门（单位）整体支出绩效目标申报表：校验 YAML 申报并生成表格。",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def sources(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "paths",
            nargs="*",
            type=Path,
            default=DEFAULT_SOURCES,
            metavar="PATH",
            help="declaration files or folders (default: declarations/)",
        )
        sub.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="how to print problems: text lines file:line:col: CODE message, or JSON",
        )

    check_cmd = commands.add_parser(
        "check", help="validate declarations, write nothing", description="Validate declarations."
    )
    sources(check_cmd)
    check_cmd.set_defaults(command=_check)

    build_cmd = commands.add_parser(
        "build",
        help="validate and build Markdown (and forms) into OUT/<year>/",
        description="Validate declarations and, when all are valid, write OUT/<year>/<slug>.* "
        "and OUT/<year>/index.*. Only declarations whose inputs changed are rendered again.",
    )
    sources(build_cmd)
    build_cmd.add_argument(
        "--out", type=Path, default=Path("build"), help="output folder (default: build/)"
    )
    build_cmd.set_defaults(command=_build)
    return parser


def _print_problems(report: Report, output_format: str) -> None:
    if output_format == "json":
        print(json.dumps([d.as_dict() for d in report.diagnostics], ensure_ascii=False, indent=1))
    else:
        for diagnostic in report.diagnostics:
            print(diagnostic)


def _summary(report: Report) -> str:
    files = len(report.checked)
    bad = sum(1 for item in report.checked if not item.ok)
    return f"{files} 份申报，{bad} 份有错误，共 {len(report.diagnostics)} 个问题"


def _check(args: argparse.Namespace) -> int:
    report = check(args.paths)
    _print_problems(report, args.format)
    if args.format == "text":
        print(_summary(report), file=sys.stderr)
    return ExitCode.OK if report.ok else ExitCode.INVALID


def _build(args: argparse.Namespace) -> int:
    report = build(args.paths, args.out)
    _print_problems(report, args.format)
    if not report.ok:
        if args.format == "text":
            print(_summary(report) + "；未写入任何文件", file=sys.stderr)
        return ExitCode.INVALID
    if args.format == "text":
        print(
            f"{len(report.checked)} 份申报：写入 {len(report.written)} 个文件，"
            f"{len(report.unchanged)} 个未变，{report.skipped} 份无改动跳过 → {args.out}",
            file=sys.stderr,
        )
    return ExitCode.OK
