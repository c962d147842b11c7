"""The reader's keys are what everything downstream sees: names are read in Unicode NFC without
surrounding white space, so the model, the outputs and `diff` see one name however it was typed,
and `fmt` never drops a key the loader took for a different one."""

from __future__ import annotations

from conftest import MINIMAL

from generator.cli import main
from generator.declaration.sources import read_checked
from generator.review.compare import compare

DECOMPOSED = "cafe\u0301次数"  # "café次数" with the accent as a combining character (NFD)


def test_names_are_read_in_nfc_without_surrounding_spaces(write_declaration, tmp_path):
    plain = MINIMAL.read_text(encoding="utf-8").replace("会议次数", "café次数")
    typed = (
        MINIMAL.read_text(encoding="utf-8")
        .replace("会议次数", f'" {DECOMPOSED}\u3000"')
        .replace("  产出指标:", '  "产出指标 ":')
        .replace("部门名称: 测试局", "部门名称: 测试局\u3000")
        .replace("任务名称: 任务一", "任务名称: ' 任务一'")
    )
    old = read_checked(write_declaration(plain, name="plain"))
    new = read_checked(write_declaration(typed, name="typed"))
    assert old.diagnostics == () and new.diagnostics == ()
    assert old.declaration is not None and new.declaration is not None
    names = [(a.name, b.name, c.name) for a, b, c in new.declaration.indicators()]
    assert names[0] == ("产出指标", "数量指标", "café次数")
    assert new.declaration.get("年度重点任务")[0]["任务名称"] == "任务一"
    assert not compare(old.declaration, new.declaration).changes
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "src" / "2023" / "typed.yaml"), "--out", str(out)]) == 0
    summary = (out / "2023" / "typed.md").read_text(encoding="utf-8")
    assert "café次数" in summary and DECOMPOSED not in summary


def test_fmt_refuses_keys_the_reader_would_merge_and_keeps_the_file(write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "部门名称: 测试局\n", "部门名称: 测试局\n部门名称\u3000: 别的局\n"
    )
    source = write_declaration(text)
    assert main(["fmt", str(source)]) == 1
    assert capsys.readouterr().out.startswith(f"{source.as_posix()}:4:1: E002 重复的键“部门名称”")
    assert source.read_text(encoding="utf-8") == text
