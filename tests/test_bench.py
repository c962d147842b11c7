"""The benchmark cannot rot: it runs end to end on a tiny corpus (its figures are not asserted,
the machines are noisy; `make bench` gives them)."""

from __future__ import annotations

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
    table = report.table()
    for stage in STAGES:
        assert f"| {stage} |" in table
    assert "ours / baseline" in table and "peak RSS" in table and "2× the indicators" in table


def test_bench_takes_the_year_of_its_shape(tmp_path):
    shape = tmp_path / "declarations/2021/other.yaml"
    shape.parent.mkdir(parents=True)
    text = SEED_YAML.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2021")
    shape.write_text(text, encoding="utf-8")
    run_bench(corpus=2, sizes=(5,), work=tmp_path / "work", shape=shape)
    assert len(list((tmp_path / "work/build/2021").glob("dept-*.xlsx"))) == 2


def test_bench_command(capsys):
    assert main(["bench", "--corpus", "2", "--sizes", "5", "--shape", str(SEED_YAML)]) == 0
    assert "| **all outputs**" in capsys.readouterr().out
