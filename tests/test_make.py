"""The Makefile: a second `make build` has nothing to do; a changed declaration makes it work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest
from conftest import MINIMAL, ROOT, SEED_YAML

pytestmark = pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None,
    reason="needs make and the project's .venv (make test sets both up)",
)


def make(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | environment
    return subprocess.run(
        ["make", "-C", str(ROOT), *args], capture_output=True, text=True, check=False, env=env
    )


def summary(result: subprocess.CompletedProcess[str]) -> str:
    """The build's last line."""
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()[-1]


def test_build_twice_does_no_work_the_second_time(tmp_path):
    # a copy of the seed alone, whatever else a user has put in declarations/
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    shutil.copy(SEED_YAML, folder)
    out = [f"DECLARATIONS={tmp_path / 'declarations'}", f"OUT={tmp_path / 'build'}"]
    assert make("build", *out).returncode == 0
    assert (tmp_path / "build/2023/minhang-cppcc-office.md").is_file()
    assert (tmp_path / "build/2023/minhang-cppcc-office.html").is_file()  # pages are built too
    times = {p: p.stat().st_mtime_ns for p in (tmp_path / "build/2023").iterdir()}
    assert "写入 0 个文件，8 个文件没有变化" in summary(make("build", *out))
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "build/2023").iterdir()} == times
    # Outputs are stamped with SOURCE_DATE_EPOCH: a new value is a change to build (of the DOCX,
    # the XLSX and the index's XLSX).
    assert "写入 3 个文件" in summary(make("build", *out, SOURCE_DATE_EPOCH="1700000000"))
    assert "写入 0 个文件" in summary(make("build", *out, SOURCE_DATE_EPOCH="1700000000"))
    assert "写入 3 个文件" in summary(make("build", *out))


def test_a_changed_declaration_with_an_old_time_is_built(tmp_path):
    """What unzip, `cp -p` or a copy in Explorer do: new content, an old modification time."""
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    source = folder / "x.yaml"
    source.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    old = time.time_ns() - 10**9 * 86400
    os.utime(source, ns=(old, old))
    where = [f"DECLARATIONS={tmp_path / 'declarations'}", f"OUT={tmp_path / 'build'}"]
    assert make("build", *where).returncode == 0
    source.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )
    os.utime(source, ns=(old, old))
    assert "写入 8 个文件" in summary(make("build", *where))
    assert "测试二局" in (tmp_path / "build/2023/index.md").read_text(encoding="utf-8")


def test_help_lists_targets():
    result = make("help")
    assert result.returncode == 0
    targets = (
        "help",
        "build",
        "pdf",
        "examples",
        "check",
        "test",
        "diff",
        "trend",
        "docs-pictures",
        "new-year",
        "review",
        "fmt",
        "schema",
        "preview",
        "bench",
        "golden",
        "reference",
        "lint",
        "constraints",
        "clean",
    )
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == list(targets)
    for target in targets:
        assert f"{target} " in result.stdout


def test_review_lints_the_declarations_and_its_old_name_says_the_new_one(tmp_path):
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    # the minimal declaration has no 效益指标: one review warning, L010
    (folder / "x.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    where = f"DECLARATIONS={tmp_path / 'declarations'}"
    review = make("review", where)
    assert review.returncode == 0, review.stderr
    assert f"{folder.as_posix()}/x.yaml:21:1: L010 " in review.stdout
    assert review.stderr.splitlines()[-1].startswith("1 份申报，1 条审核提示")
    old = make("lint-declarations", where)
    assert old.returncode == 0, old.stderr
    assert f"{folder.as_posix()}/x.yaml:21:1: L010 " in old.stdout
    assert old.stderr.splitlines()[0] == (
        "注意：make lint-declarations 已改名为 make review，请改用 make review"
        "（make lint 检查的是程序代码，不是申报）；旧名称将在下一版本停用"
    )
    strict = make("lint-declarations", where, "STRICT=1")
    assert strict.returncode != 0
    assert re.search(
        r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: review\] Error 1$", strict.stderr, re.M
    )


def test_the_commands_writing_one_file_are_given_it_with_o():
    diff = make("-n", "diff", "FROM=2022", "TO=2023")
    assert " -o build/diff/2022-2023.md" in diff.stdout and " --out " not in diff.stdout
    schema = make("-n", "schema")
    assert "generator schema -o schema/declaration.schema.json" in schema.stdout
    assert "generator kinds -o docs/kinds.md" in schema.stdout


@pytest.mark.parametrize("name", ["a b.yaml", "a:b.yaml", "a#b.yaml", "a$(x)b.yaml"])
def test_a_file_name_make_cannot_carry_reaches_the_checker(name, tmp_path):
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    (folder / name).write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    where = [f"DECLARATIONS={tmp_path / 'declarations'}", f"OUT={tmp_path / 'build'}"]
    for target in ("build", "check"):
        result = make(target, *where)
        # The generator ran and exited 1 (not a broken Makefile); make[1] when run by make.
        assert re.search(
            r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: .*\] Error 1$", result.stderr, re.M
        )
        assert "No rule to make target" not in result.stderr
        assert "target pattern" not in result.stderr
        assert f"{folder.as_posix()}/{name}:1:1: E232 文件名“{name}”中不能有" in result.stdout
    assert not (tmp_path / "build").exists()


def test_chinese_file_names_build_and_stay_up_to_date(tmp_path):
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    source = folder / "测试局.yaml"
    source.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    where = [f"DECLARATIONS={tmp_path / 'declarations'}", f"OUT={tmp_path / 'build'}"]
    assert make("build", *where).returncode == 0
    assert (tmp_path / "build/2023/测试局.docx").is_file()
    assert "写入 0 个文件" in summary(make("build", *where))
    source.unlink()
    assert "删除 8 个过时文件" in summary(make("build", *where))
    assert not (tmp_path / "build/2023").exists()


def test_a_python_older_than_3_11_is_refused_saying_what_to_do(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.10.12"; exit 0; fi\nexit 1\n'
    )
    old.chmod(0o755)
    result = make("build", f"PYTHON={old}", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0
    assert (
        f"错误：需要 Python 3.11 或更新的版本，{old} 是 Python 3.10.12； "
        "装一个新的 Python，再用 make build PYTHON=python3.11（或其路径）"
    ) in result.stdout
    assert not (tmp_path / "venv").exists()


def test_make_pdf_builds_with_pdf(tmp_path):
    """`make pdf` is `build --pdf`: each form's PDF beside its DOCX, here by a stand-in
    LibreOffice (GENERATOR_SOFFICE) that copies the DOCX."""
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    shutil.copy(SEED_YAML, folder)
    program = tmp_path / "soffice"
    program.write_text(
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in --outdir) shift; out="$1" ;;\n'
        '*.docx) mkdir -p "$out"; cp "$1" "$out/$(basename "$1" .docx).pdf" ;; esac; shift; done\n',
        encoding="utf-8",
    )
    program.chmod(0o755)
    out = [f"DECLARATIONS={tmp_path / 'declarations'}", f"OUT={tmp_path / 'build'}"]
    result = make("pdf", *out, GENERATOR_SOFFICE=str(program))
    assert "写入 9 个文件" in summary(result)
    built = tmp_path / "build/2023/minhang-cppcc-office"
    assert built.with_suffix(".pdf").read_bytes() == built.with_suffix(".docx").read_bytes()
