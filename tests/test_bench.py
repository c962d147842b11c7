"""The benchmark cannot rot: it runs end to end on a tiny corpus (its figures are not asserted,
the machines are noisy; `make bench` gives them)."""

from __future__ import annotations

import pytest
from conftest import SEED_YAML

from bench.run import STAGES, run_bench
from generator.cli import main


def test_bench_runs_on_a_tiny_corpus(tmp_path):
    report = run_bench(corpus=3, sizes=(10, 20), work=tmp_path, shape=SEED_YAML)
    assert set(report.stages) == set(STAGES) and all(t > 0 for t in report.stages.values())
    assert set(report.baseline) == {"docx", "xlsx", "markdown"}
    assert set(report.scaling) == {10, 20}
    assert len(list((tmp_path / "declarations/2023").glob("*.yaml"))) == 3
    assert len(list((tmp_path / "build/2023").glob("*.docx"))) == 3
    # each department with two projects, shaped like the first example project of the year
    assert report.projects == 6 and report.project_shape.startswith("examples/2023/")
    assert len(list((tmp_path / "build/2023").glob("dept-*/*.docx"))) == 6
    assert len(list((tmp_path / "build/2023").glob("dept-*/index.md"))) == 3
    table = report.table()
    assert table.startswith(
        f"corpus: 3 整体 forms shaped like {SEED_YAML}, 6 project forms shaped like examples/2023/"
    )
    for stage in STAGES:
        assert f"| {stage} |" in table
    assert "ours / baseline" in table and "peak RSS" in table and "2× the indicators" in table


def test_bench_times_check_and_builds_a_large_corpus_as_whole_commands(tmp_path):
    report = run_bench(corpus=1, sizes=(5,), work=tmp_path, shape=SEED_YAML, large=7)
    assert report.check_seconds > 0 and report.yaml_seconds > 0
    large = report.large
    assert large is not None
    assert (large.declarations, large.departments) == (7, 3)  # 3 整体 forms, 4 projects
    assert large.clean_seconds > 0 and large.unchanged_seconds > 0 and large.peak_rss_mb > 0
    built = tmp_path / "large/build/2023"
    assert len(list(built.glob("*.docx"))) == 3 and len(list(built.glob("*/*.docx"))) == 4
    table = report.table()
    assert f"- `check` of {SEED_YAML} (whole command, wall, median of 9):" in table
    assert "- large corpus, 7 declarations (3 departments with their projects)" in table


def test_bench_takes_the_year_of_its_shape(tmp_path):
    shape = tmp_path / "declarations/2021/other.yaml"
    shape.parent.mkdir(parents=True)
    text = SEED_YAML.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2021")
    shape.write_text(text, encoding="utf-8")
    run_bench(corpus=2, sizes=(5,), work=tmp_path / "work", shape=shape)
    assert len(list((tmp_path / "work/build/2021").glob("dept-*.xlsx"))) == 2


def test_bench_takes_a_shape_with_scores(tmp_path):
    # copies of a few indicators' 分值 would not add up to 100 (E207): the copies have none
    from conftest import DATA

    shape = DATA / "forms" / "2024" / "landscape-1.yaml"
    report = run_bench(corpus=2, sizes=(5,), work=tmp_path / "work", shape=shape)
    assert len(list((tmp_path / "work/build/2024").glob("dept-*.xlsx"))) == 2
    assert report.shape == str(shape)


def test_bench_command(capsys):
    assert main(["bench", "--corpus", "2", "--sizes", "5", "--shape", str(SEED_YAML)]) == 0
    assert "| **all outputs**" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["表样: 上海整体\n部门名称: 我的\n", "not: [valid"])
def test_bench_refuses_a_work_folder_it_did_not_make(tmp_path, capsys, content):
    work = tmp_path / "mine"
    mine = work / "declarations/2023/dept-0000.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text(content, encoding="utf-8")
    argv = ["bench", "--corpus", "1", "--sizes", "5", "--shape", str(SEED_YAML)]
    assert main([*argv, "--work", str(work)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{work}：文件夹不是空的，也不是 bench 建的；--work 要给一个新的或空的文件夹"
        "（bench 在其中生成 declarations/ 和 build/）\n"
    )
    assert mine.read_text(encoding="utf-8") == content
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*")) == [
        "declarations", "declarations/2023", "declarations/2023/dept-0000.yaml",
    ]  # fmt: skip


def test_bench_may_run_again_in_a_work_folder_it_made(tmp_path):
    work = tmp_path / "work"
    run_bench(corpus=3, sizes=(5,), work=work, shape=SEED_YAML)
    run_bench(corpus=2, sizes=(5,), work=work, shape=SEED_YAML)  # its own: made again
    assert len(list((work / "declarations/2023").glob("*.yaml"))) == 2
    assert len(list((work / "build/2023").glob("*.docx"))) == 2


def test_help_says_corpus_counts_departments(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["bench", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--corpus CORPUS 部门数，每个部门最多有两份项目申报表（默认：200）" in help_text
