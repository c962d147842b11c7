"""`build --pdf` with the real LibreOffice: the pages it prints, read back with poppler
(pdfinfo, pdftotext -bbox). Every kind's fixture, the seed and a long form of every kind: the
page count of each (as stated below), every page A4 in the kind's orientation, no word beyond
the page's margins, the indicator table's header row at the top of each page it runs onto, and
the same PDF bytes from a second conversion. Skipped (with the reason) where LibreOffice or
poppler is not installed; .ci/run installs them, and there they never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import DATA, ROOT, make_seed_tree

from generator.cli import main

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    (SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None)
    and not os.environ.get("CI"),
    reason="LibreOffice (soffice) and poppler (pdfinfo, pdftotext) are not installed: "
    "apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils",
)

# Each kind's form: the fixture (tests/data/forms/2024/), its kind, and the pages it prints.
FIXTURES = {
    "landscape-1": ("全国整体横版", 1),
    "landscape-2": ("全国整体横版", 1),
    "landscape-3": ("全国整体横版", 1),
    "national-1": ("全国整体", 1),
    "national-2": ("全国整体", 1),
    "national-3": ("全国整体", 1),
    "shanghai-1": ("上海整体", 1),
    "shanghai-2": ("上海整体", 1),
    "shanghai-3": ("上海整体", 1),
    "national-1/学生资助": ("全国项目", 1),
    "national-1/教师培训": ("全国项目", 1),
    "national-1/校舍维修改造": ("全国项目", 1),
    "shanghai-1/库房改造": ("上海项目", 1),
    "shanghai-1/档案利用服务": ("上海项目", 1),
    "shanghai-1/档案数字化": ("上海项目", 1),
}
SEED_PAGES = 3  # declarations/2023/minhang-cppcc-office.yaml: 73 indicators
# A form of every kind with LONG more indicators under its first 数量指标, and its pages.
LONG = 90
LONG_FORMS = {
    "national-2": ("全国整体", 3),
    "landscape-3": ("全国整体横版", 5),
    "shanghai-2": ("上海整体", 3),
    "national-1/校舍维修改造": ("全国项目", 3),
    "shanghai-1/档案数字化": ("上海项目", 3),
}
# The indicator table's title and header row, as each kind prints them.
HEADERS = {
    "上海整体": ["分解目标", "一级目标", "二级目标", "三级目标", "指标目标值"],
    "全国整体": ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
    "全国整体横版": ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值"],
    "全国项目": ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"],
    "上海项目": ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
}
A4 = (595.304, 841.89)  # points
MM = 72 / 25.4


def build_pdf(paths: list[Path], out: Path) -> None:
    assert main(["build", *map(str, paths), "--out", str(out), "--pdf"]) == 0


def lengthened(text: str) -> str:
    """A declaration's text with LONG more indicators after its first 数量指标 line."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() in ("数量指标:", "数量:"))
    indent = " " * (len(lines[at]) - len(lines[at].lstrip()) + 2)
    extra = [f'{indent}长表测试指标{n:03}: "={n}个"' for n in range(1, LONG + 1)]
    return "\n".join([*lines[: at + 1], *extra, *lines[at + 1 :]]) + "\n"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """The fixtures of every kind with the seed, and the long forms, built with --pdf (two
    builds, one LibreOffice each): each PDF by name ("seed", "long/<name>", "<name>")."""
    root = tmp_path_factory.mktemp("pdf-pages")
    build_pdf([DATA / "forms", make_seed_tree(root)], root / "out")
    long = root / "long" / "2024"
    for name in LONG_FORMS:
        source = DATA / "forms" / "2024" / f"{name}.yaml"
        target = long / f"{name}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(lengthened(source.read_text(encoding="utf-8")), encoding="utf-8")
    for department in ("national-1", "shanghai-1"):  # the long projects' departments, as they are
        if not (long / f"{department}.yaml").exists():
            shutil.copy(DATA / "forms" / "2024" / f"{department}.yaml", long)
    build_pdf([root / "long"], root / "long-out")
    found = {name: root / "out" / "2024" / f"{name}.pdf" for name in FIXTURES}
    found["seed"] = root / "out" / "2023" / "minhang-cppcc-office.pdf"
    found.update({f"long/{n}": root / "long-out" / "2024" / f"{n}.pdf" for n in LONG_FORMS})
    return found


def kind_of(name: str) -> str:
    if name == "seed":
        return "上海整体"
    if name.startswith("long/"):
        return LONG_FORMS[name.removeprefix("long/")][0]
    return FIXTURES[name][0]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)
    ]


class _Boxes(HTMLParser):
    """pdftotext -bbox's HTML: each page's size and its words with their boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[dict] = []
        self._word: dict | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "page":
            self.pages.append(
                {"width": float(values["width"]), "height": float(values["height"]), "words": []}
            )
        elif tag == "word":
            self._word = {k: float(values[k]) for k in ("xmin", "ymin", "xmax", "ymax")}
            self._word["text"] = ""
            self.pages[-1]["words"].append(self._word)

    def handle_data(self, data):
        if self._word is not None:
            self._word["text"] += data

    def handle_endtag(self, tag):
        if tag == "word":
            self._word = None


def pages_of(pdf: Path) -> list[dict]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    parser = _Boxes()
    parser.feed(html)
    return parser.pages


ALL = [*FIXTURES, "seed", *(f"long/{n}" for n in LONG_FORMS)]


@pytest.mark.parametrize("name", ALL)
def test_every_form_prints_its_pages_on_a4_in_its_orientation(printed, name):
    expected = {**{n: p for n, (_, p) in FIXTURES.items()}, "seed": SEED_PAGES}
    expected.update({f"long/{n}": p for n, (_, p) in LONG_FORMS.items()})
    sizes = page_sizes(printed[name])
    assert len(sizes) == expected[name]
    a4 = A4[::-1] if kind_of(name) == "全国整体横版" else A4
    for width, height in sizes:
        assert (width, height) == pytest.approx(a4, abs=0.5)


@pytest.mark.parametrize("name", ALL)
def test_nothing_is_cut_at_the_edges(printed, name):
    """Every word inside the page's margins (form.style.yaml), to half a point."""
    style = yaml.safe_load((ROOT / "generator/templates/form.style.yaml").read_text("utf-8"))
    left, right = style["page"]["margin_left"] * MM, style["page"]["margin_right"] * MM
    for page in pages_of(printed[name]):
        assert page["words"]
        for word in page["words"]:
            assert word["xmin"] >= left - 0.5, word
            assert word["xmax"] <= page["width"] - right + 0.5, word
            assert word["ymin"] >= 0 and word["ymax"] <= page["height"], word


@pytest.mark.parametrize("name", [*(f"long/{n}" for n in LONG_FORMS), "seed"])
def test_the_indicator_header_row_tops_every_page_the_table_runs_onto(printed, name):
    """On every page after the one where the indicator table starts, its title and column
    names come first: near the top margin, and no indicator row above or beside them."""
    style = yaml.safe_load((ROOT / "generator/templates/form.style.yaml").read_text("utf-8"))
    top = style["page"]["margin_top"] * MM
    pages = pages_of(printed[name])
    header = HEADERS[kind_of(name)]
    starts = [
        i
        for i, page in enumerate(pages)
        if all(label in "".join(w["text"] for w in page["words"]) for label in header)
    ]
    first = starts[0]
    assert len(pages) - first >= 2  # the table runs over at least one page break
    for page in pages[first + 1 :]:
        words = page["words"]
        bottom = max(min(w["ymax"] for w in words if label in w["text"]) for label in header)
        assert bottom < top + 45  # the title row and the header row, at the top
        above = [w["text"] for w in words if w["ymin"] < bottom]
        assert not [t for t in above if "=" in t or "长表测试指标" in t or "%" in t], above


def test_a_clean_build_gives_the_same_pdf_bytes(printed, tmp_path):
    """Same DOCX files converted together → same PDF bytes: the creation time is the form's
    build time, and /ID and DocChecksum a digest of the content (generator/build/pdf.py)."""
    build_pdf([DATA / "forms", make_seed_tree(tmp_path)], tmp_path / "out")
    for name in FIXTURES:
        assert (tmp_path / "out" / "2024" / f"{name}.pdf").read_bytes() == printed[
            name
        ].read_bytes()
    again = tmp_path / "out" / "2023" / "minhang-cppcc-office.pdf"
    assert again.read_bytes() == printed["seed"].read_bytes()
    info = subprocess.run(["pdfinfo", str(printed["national-1"])], capture_output=True, text=True)
    assert "CreationDate:    Mon Jan  1 00:00:00 2024 UTC" in info.stdout


def test_a_pdf_converted_again_alone_prints_the_same_pages(printed, tmp_path):
    """Converted in another batch, a form's PDF may differ in bytes (LibreOffice numbers the
    fonts it embeds across one run: their UniqueID), never in its pages: the same words at
    the same places on pages of the same size."""
    names = ["national-1", "landscape-1", "shanghai-2", "national-1/校舍维修改造"]
    before = {name: (page_sizes(printed[name]), pages_of(printed[name])) for name in names}
    out = printed["national-1"].parents[1]
    for name in names:
        printed[name].unlink()
    build_pdf([DATA / "forms"], out)
    for name in names:
        assert (page_sizes(printed[name]), pages_of(printed[name])) == before[name], name
