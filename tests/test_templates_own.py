"""A declarations repository's own templates: `templates/` in the folder the command runs in,
or `--templates DIR`, replace the shipped templates (generator/templates/) file by file."""

from __future__ import annotations

import shutil

import pytest
from conftest import SEED_YAML, make_seed_tree

from generator.cli import main
from generator.render import TEMPLATES

SUMMARY = "# 自定义摘要 {{ d.display }}\n"


def test_the_shipped_templates_are_inside_the_package():
    assert TEMPLATES.parent.name == "generator"
    assert (TEMPLATES / "summary.md.j2").is_file() and (TEMPLATES / "form.style.yaml").is_file()


def test_a_template_in_the_repository_s_templates_folder_is_used(
    tmp_path, monkeypatch, capsys, seed_outputs
):
    make_seed_tree(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "summary.md.j2").write_text(SUMMARY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == "使用 templates 中的自定义模板：summary.md.j2"
    stem = SEED_YAML.stem
    assert (tmp_path / f"out/2023/{stem}.md").read_text(encoding="utf-8") == (
        "# 自定义摘要 中国人民政治协商会议闵行区委员会办公室(汇总)\n"
    )
    for suffix in (".docx", ".xlsx", ".html"):  # the shipped templates for the rest
        ours = (tmp_path / f"out/2023/{stem}{suffix}").read_bytes()
        assert ours == (seed_outputs / f"{stem}{suffix}").read_bytes()


def test_the_templates_option_names_the_folder(tmp_path, monkeypatch, capsys):
    declarations = make_seed_tree(tmp_path / "repo")
    own = tmp_path / "look"
    own.mkdir()
    (own / "summary.md.j2").write_text(SUMMARY, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["build", str(declarations), "--out", "out", "--templates", str(own)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == f"使用 {own} 中的自定义模板：summary.md.j2"
    built = tmp_path / f"elsewhere/out/2023/{SEED_YAML.stem}.md"
    assert (
        built.read_text(encoding="utf-8")
        == "# 自定义摘要 中国人民政治协商会议闵行区委员会办公室(汇总)\n"
    )


def test_a_broken_own_template_is_exit_2_naming_its_file(tmp_path, monkeypatch, capsys):
    make_seed_tree(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "summary.md.j2").write_text("{{ d.display }\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 2
    assert capsys.readouterr().err.splitlines()[1] == (
        "错误：templates/summary.md.j2:1: unexpected '}'"
    )
    assert not (tmp_path / "out" / "2023").exists()


def test_a_broken_own_style_file_is_exit_2_naming_its_file_and_key(tmp_path, monkeypatch, capsys):
    make_seed_tree(tmp_path)
    own = tmp_path / "templates"
    own.mkdir()
    style = (TEMPLATES / "form.style.yaml").read_text(encoding="utf-8")
    (own / "form.style.yaml").write_text(style.replace("border: ", "border_colour: "), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 2
    error = capsys.readouterr().err.splitlines()[1]
    assert error.startswith("错误：templates/form.style.yaml: ") and "border" in error


def test_a_missing_templates_folder_is_a_usage_error(tmp_path, monkeypatch, capsys):
    declarations = make_seed_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(declarations), "--templates", "nowhere"]) == 2
    assert capsys.readouterr().err == (
        "错误：nowhere：模板目录不存在（--templates 要写一个文件夹）\n"
    )


def test_a_copy_of_the_shipped_templates_changes_nothing(tmp_path, monkeypatch, seed_outputs):
    make_seed_tree(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 0
    for built in seed_outputs.iterdir():
        assert (tmp_path / "out/2023" / built.name).read_bytes() == built.read_bytes()


def test_a_file_in_the_own_folder_that_replaces_nothing_is_said(tmp_path, monkeypatch, capsys):
    make_seed_tree(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "form-style.yaml").write_text("page: {}\n", encoding="utf-8")
    (tmp_path / "templates" / "README.txt").write_text("notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 0
    assert capsys.readouterr().err.splitlines()[:2] == [
        "警告：templates 中的 README.txt、form-style.yaml 不是任何模板的名字，未使用"
        "（模板的名字见 generator/templates/，例如 form.style.yaml、summary.md.j2）",
        "1 份申报：写入 8 个文件，0 个文件没有变化，删除 0 个过时文件；输出在 out",
    ]


@pytest.mark.parametrize(
    ("name", "line", "said"),
    [
        ("summary.md.j2", "{{ 1/0 }}", "ZeroDivisionError: division by zero"),
        ("form-shanghai-department.html.j2", '{{ "x" + 1 }}', "TypeError: "),
        ("index.html.j2", "{{ 1/0 }}", "ZeroDivisionError: division by zero"),
    ],
)
def test_any_error_a_template_raises_is_exit_2_naming_its_line(
    tmp_path, monkeypatch, capsys, name, line, said
):
    make_seed_tree(tmp_path)
    (tmp_path / "templates").mkdir()
    text = (TEMPLATES / name).read_text(encoding="utf-8") + line + "\n"
    (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out"]) == 2
    err = capsys.readouterr().err
    number = len(text.splitlines())
    assert f"错误：templates/{name}:{number}: {said}" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
