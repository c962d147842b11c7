"""Real office: LibreOffice converts our DOCX and XLSX to PDF, and the PDF text holds every
indicator, target and amount. Skipped (with the reason) where LibreOffice is not installed;
.ci/run installs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEED_YAML
from test_seed import seed_indicators, seed_rows

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CI installs LibreOffice (.ci/run): there a missing office fails the tests instead of skipping.
pytestmark = pytest.mark.skipif(
    (SOFFICE is None or shutil.which("pdftotext") is None) and not os.environ.get("CI"),
    reason="LibreOffice (soffice) and pdftotext are not installed: "
    "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils",
)


def printed(files, folder: Path, profile: Path) -> dict[str, str]:
    """Convert `files` to PDF in `folder` with one LibreOffice process (its profile in
    `profile`) and return each PDF's text (pdftotext; pages end with a form feed) by stem."""
    files = [str(f) for f in files]
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    texts = {}
    for name in files:
        pdf = folder / f"{Path(name).stem}.pdf"
        assert pdf.is_file(), f"{name}: no PDF; {result.stderr}"
        texts[pdf.stem] = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    return texts


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory, seed_outputs) -> dict[str, str]:
    root = tmp_path_factory.mktemp("office")
    texts = {}
    for suffix in ("docx", "xlsx"):
        source = seed_outputs / f"{SEED_YAML.stem}.{suffix}"
        text = printed([source], root / f"pdf-{suffix}", root / "profile")[SEED_YAML.stem]
        # cells wrap: compare without white space; pdftotext ends each page with a form feed
        pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
        texts[suffix] = "".join(pages)
        texts[f"{suffix} pages"] = [page for page in pages if page]
    return texts


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_pdf_holds_every_indicator_target_and_amount(pdf_texts, suffix):
    text = pdf_texts[suffix]
    for name, target in seed_indicators(seed_rows()):
        assert name in text
        assert target in text
    for amount in ("18,417,248.00", "13,879,148.00", "4,538,100.00", "1,295,700.00"):
        assert amount in text
    duties = next(row[1] for row in seed_rows() if row[0] == "部门职责")
    assert re.sub(r"\s+", "", duties) in text
    assert "部门（单位）整体支出绩效目标申报表" in text and "（2023年度）" in text


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_the_indicator_header_repeats_on_every_later_page(pdf_texts, suffix):
    pages = pdf_texts[f"{suffix} pages"]
    first = next(i for i, page in enumerate(pages) if "分解目标" in page)
    assert len(pages) - first >= 2
    for page in pages[first:]:
        assert "分解目标" in page and "一级目标" in page and "指标目标值" in page


def test_docx_keeps_a_short_indicator_group_on_one_page(pdf_texts):
    from generator.declaration.sources import read_checked
    from generator.render.docx import KEEP_TOGETHER_ROWS

    declaration = read_checked(SEED_YAML).declaration
    assert declaration is not None
    short = [
        level1
        for level1 in declaration.goals
        if 1
        < sum(max(1, len(level2.indicators)) for level2 in level1.children)
        <= KEEP_TOGETHER_ROWS
    ]
    assert short  # the seed has one (a 一级 with a few 二级 and a note)
    pages = pdf_texts["docx pages"]
    for level1 in short:
        page = next(page for page in pages if level1.name in page)
        for level2 in level1.children:
            assert level2.name in page


@pytest.fixture(scope="module")
def fixture_pdf_texts(tmp_path_factory) -> dict[str, str]:
    """The fixture of every form kind (tests/data/forms/) built, then its DOCX and XLSX
    converted by LibreOffice in one run each: the PDF text by file name."""
    from conftest import DATA

    from generator.build.build import build

    root = tmp_path_factory.mktemp("kinds-office")
    assert build([DATA / "forms"], root / "out").ok
    outputs = root / "out" / "2024"
    texts = {}
    for suffix in ("docx", "xlsx"):
        files = sorted(p for p in outputs.rglob(f"*.{suffix}") if p.stem != "index")
        for stem, text in printed(files, root / f"pdf-{suffix}", root / "profile").items():
            texts[f"{stem}.{suffix}"] = re.sub(r"\s+", "", text)
    return texts


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
@pytest.mark.parametrize(
    "name",
    ["national-1", "landscape-1", "shanghai-2", "national-1/校舍维修改造", "shanghai-1/档案数字化"],
)
def test_every_kind_opens_in_libreoffice_with_its_values(fixture_pdf_texts, name, suffix):
    from conftest import DATA

    from generator.declaration.sources import read_checked

    decl = read_checked(DATA / "forms" / "2024" / f"{name}.yaml").declaration
    assert decl is not None
    text = fixture_pdf_texts[f"{Path(name).name}.{suffix}"]
    assert decl.kind.title in text and "（2024年度）" in text
    assert decl.department in text
    for _, _, indicator in decl.indicators():
        assert re.sub(r"\s+", "", indicator.name) in text
        assert indicator.target.text in text
    amounts = {
        "national-1": "1,735.5150",
        "landscape-1": "1,000.00",
        "shanghai-2": "3,520.1234",
        "national-1/校舍维修改造": "2,400.0000",
        "shanghai-1/档案数字化": "1,200,000.00",
    }
    assert amounts[name] in text


def test_a_long_text_prints_whole_from_the_xlsx(write_declaration, tmp_path):
    from test_render import LONG_DUTIES, long_duties_outputs

    xlsx = long_duties_outputs(write_declaration, tmp_path)
    text = printed([xlsx], tmp_path / "pdf", tmp_path / "profile")[xlsx.stem]
    flat = re.sub(r"\s+", "", text)
    for paragraph in LONG_DUTIES.split("\n"):  # each whole (the label may sit between them)
        assert paragraph in flat


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_a_long_amount_prints_whole_on_one_line(tmp_path, suffix):
    """Never `###` (the XLSX shrinks the number to fit), never a number broken over two lines
    (the DOCX prints it smaller when it would not fit)."""
    from test_forms import LONG_AMOUNT, long_amount_outputs

    source = long_amount_outputs(tmp_path) / f"校舍维修改造.{suffix}"
    text = printed([source], tmp_path / "pdf", tmp_path / "profile")[source.stem]
    assert "#" not in text
    lines = [line.strip() for line in text.splitlines()]
    for number in (LONG_AMOUNT, "1,234,000.000000", "567.890123", "800.000000"):
        assert number in lines


@pytest.fixture(scope="module")
def example_project_lines(tmp_path_factory) -> dict[str, list[str]]:
    """The examples' project forms, built, converted by LibreOffice: each PDF's text lines by
    file name (网站运维.docx …)."""
    from conftest import ROOT

    from generator.build.build import build

    root = tmp_path_factory.mktemp("examples-office")
    assert build([ROOT / "examples"], root / "out").ok
    found = sorted(p for p in (root / "out").glob("*/*/*") if p.suffix in (".docx", ".xlsx"))
    projects = list({(p.stem, p.suffix): p for p in found}.values())  # each one's latest year
    assert len(projects) == 12  # six projects
    lines = {}
    for suffix in ("docx", "xlsx"):
        chosen = [p for p in projects if p.suffix == f".{suffix}"]
        for stem, text in printed(chosen, root / f"pdf-{suffix}", root / "profile").items():
            lines[f"{stem}.{suffix}"] = [line.strip() for line in text.splitlines()]
    return lines


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_every_check_box_option_prints_whole_on_one_line(example_project_lines, suffix):
    from generator.kinds import form_kinds

    forms = {k: v for k, v in example_project_lines.items() if k.endswith(suffix)}
    assert len(forms) == 6
    for name, lines in forms.items():
        shanghai = name.startswith(("网站运维", "履职积分系统", "七届会议"))
        kind = "上海项目" if shanghai else "全国项目"
        fields = form_kinds()[kind].fields
        boxes = [f for f in fields if f.print == "boxes"]
        assert boxes
        for spec in boxes:
            for option in spec.options:
                printed = [line for line in lines if option in line.replace(" ", "")]
                assert len(printed) == 1, (name, option)
                words = printed[0].split()
                assert f"☑{option}" in words or f"□{option}" in words, (name, option)
