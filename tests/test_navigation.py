"""The build's pages link to each other (generator/render/navigation.py): a declaration's page
to its own files, its year's index, its department's page and the same department's pages of
other years; OUT/index.html to every year, department and project. And, opened in headless
Chromium, no link of a build of the examples leads nowhere."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser import CHROMIUM, Browser
from conftest import MINIMAL, ROOT

from generator.authoring.new_year import carry_forward
from generator.build.build import build
from generator.cli import main


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (text, href)
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._text, self._href))
            self._href = None


def anchors(page: Path) -> list[tuple[str, str]]:
    """Every link of `page`: (its text, its href as written)."""
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def minimal(year: int, department: str = "测试局") -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    return text.replace("年度: 2023", f"年度: {year}").replace("测试局", department)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def examples(tmp_path) -> Path:
    """A copy of examples/ (2022 to 2024, departments with projects) carried on to 2025."""
    root = tmp_path / "src"
    shutil.copytree(ROOT / "examples", root)
    carry_forward(root, 2024, 2025)
    return root


def test_every_declarations_page_links_its_own_files_and_its_department(examples, tmp_path):
    out = tmp_path / "out"
    assert build([examples], out).ok
    whole = anchors(out / "2024/示例市生态环境局.html")
    assert whole[:8] == [
        ("全部年度", "../index.html"),
        ("2024年度汇总", "index.html"),
        ("本部门及其项目", "%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80/index.html"),
        ("Word 文件（.docx）", "%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80.docx"),
        ("Excel 文件（.xlsx）", "%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80.xlsx"),
        ("Markdown 文本（.md）", "%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80.md"),
        ("上一年度（2023）", "../2023/%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80.html"),
        ("下一年度（2025）", "../2025/%E7%A4%BA%E4%BE%8B%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80.html"),
    ]  # fmt: skip
    assert not any(href.endswith(".pdf") for _, href in whole)  # no PDF was made
    project = anchors(out / "2024/示例市生态环境局/大气污染防治.html")
    assert [(text, unquote(href)) for text, href in project[:9]] == [
        ("全部年度", "../../index.html"),
        ("2024年度汇总", "../index.html"),
        ("本部门及其项目", "index.html"),
        ("部门整体表", "../示例市生态环境局.html"),
        ("Word 文件（.docx）", "大气污染防治.docx"),
        ("Excel 文件（.xlsx）", "大气污染防治.xlsx"),
        ("Markdown 文本（.md）", "大气污染防治.md"),
        ("上一年度（2023）", "../../2023/示例市生态环境局/大气污染防治.html"),
        ("下一年度（2025）", "../../2025/示例市生态环境局/大气污染防治.html"),
    ]
    department = anchors(out / "2024/示例市生态环境局/index.html")
    assert ("大气污染防治", "%E5%A4%A7%E6%B0%94%E6%B1%A1%E6%9F%93%E9%98%B2%E6%B2%BB.html") in [
        (text[:6], href) for text, href in department
    ]  # and back
    seed = anchors(out / "2023/minhang-cppcc-office.html")
    assert not any("年度（" in text for text, _ in seed)  # no other year of that department


def test_the_page_of_every_year_lists_each_department_and_project(examples, tmp_path):
    out = tmp_path / "out"
    report = build([examples], out)
    assert "index.html" in report.written
    links = [(text, unquote(href)) for text, href in anchors(out / "index.html")]
    assert links == [
        ("2025年度汇总", "2025/index.html"),
        ("示例市生态环境局", "2025/示例市生态环境局.html"),
        ("本部门及其项目", "2025/示例市生态环境局/index.html"),
        ("危险废物规范化管理评估", "2025/示例市生态环境局/危废评估.html"),
        ("大气污染防治", "2025/示例市生态环境局/大气污染防治.html"),
        ("水环境自动监测站运行维护", "2025/示例市生态环境局/水环境监测.html"),
        ("2024年度汇总", "2024/index.html"),
        ("示例市生态环境局", "2024/示例市生态环境局.html"),
        ("本部门及其项目", "2024/示例市生态环境局/index.html"),
        ("危险废物规范化管理评估", "2024/示例市生态环境局/危废评估.html"),
        ("大气污染防治", "2024/示例市生态环境局/大气污染防治.html"),
        ("水环境自动监测站运行维护", "2024/示例市生态环境局/水环境监测.html"),
        ("2023年度汇总", "2023/index.html"),
        ("中国人民政治协商会议闵行区委员会办公室(汇总)", "2023/minhang-cppcc-office.html"),
        ("本部门及其项目", "2023/minhang-cppcc-office/index.html"),
        ("区政协七届会议", "2023/minhang-cppcc-office/七届会议.html"),
        ("政协履职积分管理系统(2023运维)", "2023/minhang-cppcc-office/履职积分系统.html"),
        ("闵行政协网站升级改版(2023运维)", "2023/minhang-cppcc-office/网站运维.html"),
        ("示例市生态环境局", "2023/示例市生态环境局.html"),
        ("本部门及其项目", "2023/示例市生态环境局/index.html"),
        ("大气污染防治", "2023/示例市生态环境局/大气污染防治.html"),
        ("2022年度汇总", "2022/index.html"),
        ("示例市生态环境局", "2022/示例市生态环境局.html"),
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>绩效目标申报（全部年度）</title>" in page
    assert "共 4 个年度，15 份申报。" in page
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in manifest["files"] and "index.html" in manifest["sums"]
    year = anchors(out / "2024/index.html")
    assert year[:3] == [
        ("全部年度", "../index.html"),
        ("上一年度（2023）", "../2023/index.html"),
        ("下一年度（2025）", "../2025/index.html"),
    ]
    again = tmp_path / "again"  # the same inputs: the same bytes, wherever the folder is
    assert build([examples], again).ok
    assert (again / "index.html").read_bytes() == (out / "index.html").read_bytes()
    for page in out.rglob("*.html"):
        assert (again / page.relative_to(out)).read_bytes() == page.read_bytes(), page


def test_a_build_of_one_year_keeps_the_others_in_the_page_of_every_year(examples, tmp_path):
    out = tmp_path / "out"
    assert build([examples], out).ok
    whole = (out / "index.html").read_bytes()
    report = build([examples / "2024"], out)  # nothing changed: nothing made again
    assert report.written == [] and (out / "index.html").read_bytes() == whole
    shutil.rmtree(examples / "2025")  # gone: the page of every year and 2024's follow
    report = build([examples / "2024"], out)
    assert "index.html" in report.written and "2024/示例市生态环境局.html" in report.written
    years = [text for text, _ in anchors(out / "index.html") if text.endswith("年度汇总")]
    assert years == ["2024年度汇总", "2023年度汇总", "2022年度汇总"]
    assert not any("2025" in href for _, href in anchors(out / "2024/示例市生态环境局.html"))
    assert not any("2025" in href for _, href in anchors(out / "2024/index.html"))
    shutil.rmtree(examples)  # every declaration gone: so is the page of every year
    (examples / "2024").mkdir(parents=True)
    report = build([examples], out)
    assert "index.html" in report.removed and not (out / "index.html").exists()


def test_a_page_built_earlier_follows_a_year_built_now(tmp_path):
    src = tmp_path / "src"
    write(src, "2023/a.yaml", minimal(2023))
    out = tmp_path / "out"
    assert build([src], out).ok
    assert not any("年度（" in text for text, _ in anchors(out / "2023/a.html"))
    write(src, "2024/a.yaml", minimal(2024))
    report = build([src / "2024"], out)  # 2023 is not built again, but its page links 2024
    assert "2023/a.html" in report.written and "2023/a.docx" not in report.written
    assert ("下一年度（2024）", "../2024/a.html") in anchors(out / "2023/a.html")
    assert ("上一年度（2023）", "../2023/a.html") in anchors(out / "2024/a.html")


def test_a_page_built_earlier_whose_source_changed_since_says_its_links_are_old(tmp_path, capsys):
    src = tmp_path / "src"
    source = write(src, "2023/a.yaml", minimal(2023))
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out)]) == 0
    source.write_text(minimal(2023, "测试三局"), encoding="utf-8")  # not built now
    write(src, "2024/a.yaml", minimal(2024, "测试三局"))
    capsys.readouterr()
    assert main(["build", str(src / "2024"), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"警告：{out}/2023/a.html：其他申报有变，此页的链接未能更新（这次没有构建 {src}/2023/a.yaml，"
        "它或生成器在上次构建之后有变）；完整构建一次即可：make build"
    )
    assert main(["build", str(src), "--out", str(out)]) == 0
    assert "警告" not in capsys.readouterr().err
    assert ("下一年度（2024）", "../2024/a.html") in anchors(out / "2023/a.html")


def test_the_same_department_is_found_in_other_years_as_diff_pairs_it(tmp_path):
    src = tmp_path / "src"
    write(src, "2022/a.yaml", minimal(2022))
    write(src, "2024/renamed.yaml", minimal(2024))  # the same 部门名称 in another file; no 2023
    write(src, "2024/a.yaml", minimal(2024, "测试二局"))  # the old file name, another department
    write(src, "2025/a.yaml", minimal(2025, "测试二局"))
    out = tmp_path / "out"
    assert build([src], out).ok
    assert [link for link in anchors(out / "2022/a.html") if "年度（" in link[0]] == [
        ("下一年度（2024）", "../2024/renamed.html"),
    ]
    assert [link for link in anchors(out / "2024/renamed.html") if "年度（" in link[0]] == [
        ("上一年度（2022）", "../2022/a.html"),
    ]
    assert [link for link in anchors(out / "2024/a.html") if "年度（" in link[0]] == [
        ("下一年度（2025）", "../2025/a.html"),
    ]


def test_a_departments_page_links_its_pages_of_other_years(examples, tmp_path):
    write(examples, "2025/minhang-cppcc-office.yaml", (examples / "2023/minhang-cppcc-office.yaml").read_text(encoding="utf-8").replace("年度: 2023", "年度: 2025"))  # fmt: skip
    out = tmp_path / "out"
    assert build([examples], out).ok
    page = anchors(out / "2024/示例市生态环境局/index.html")
    assert [(text, unquote(href)) for text, href in page[:4]] == [
        ("全部年度", "../../index.html"),
        ("2024年度汇总", "../index.html"),
        ("上一年度（2023）", "../../2023/示例市生态环境局/index.html"),
        ("下一年度（2025）", "../../2025/示例市生态环境局/index.html"),
    ]
    # minhang-cppcc-office has projects in 2023, none in 2025: its page there is its 整体 form's
    seed = [
        link
        for link in anchors(out / "2023/minhang-cppcc-office/index.html")
        if "年度（" in link[0]
    ]
    assert seed == [("下一年度（2025）", "../../2025/minhang-cppcc-office.html")]
    back = [link for link in anchors(out / "2025/minhang-cppcc-office.html") if "年度（" in link[0]]
    assert back == [("上一年度（2023）", "../2023/minhang-cppcc-office.html")]


def test_a_users_own_index_html_in_the_output_folder_is_never_overwritten(tmp_path, capsys):
    src = tmp_path / "src"
    write(src, "2023/a.yaml", minimal(2023))
    out = tmp_path / "out"
    write(out, "index.html", "我的页面")
    assert main(["build", str(src), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{out}/index.html：不是构建生成的文件（构建记录 .manifest.json 中没有它），不会覆盖；"
        "请把它移走或删除，再构建\n"
    )
    assert (out / "index.html").read_text(encoding="utf-8") == "我的页面"


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)
def test_no_link_of_a_build_of_the_examples_leads_nowhere_in_a_real_browser(examples, tmp_path):
    out = tmp_path / "预览 输出"  # a space and Chinese in the folder's path, too
    assert build([examples], out).ok
    pages = sorted(out.rglob("*.html"))
    seen: dict[Path, list[str]] = {}
    with Browser(CHROMIUM or "chromium", tmp_path / "profile") as browser:
        waiting = [out / "index.html"]
        while waiting:  # from the page of every year, every page it leads to
            page = waiting.pop()
            if page in seen:
                continue
            seen[page] = browser.links(page.as_uri())
            for href in seen[page]:
                target = target_of(href)
                if target.suffix == ".html" and target.is_file():
                    waiting.append(target)
    assert sorted(seen) == pages  # every page is reached from out/index.html
    broken = [
        (str(page.relative_to(out)), href)
        for page, hrefs in seen.items()
        for href in hrefs
        if not (target_of(href).is_file() and target_of(href).is_relative_to(out))
    ]
    assert broken == []
    assert sum(len(hrefs) for hrefs in seen.values()) >= 150
    kinds = {target_of(href).suffix for hrefs in seen.values() for href in hrefs}
    assert kinds == {".html", ".docx", ".xlsx", ".md"}


def target_of(href: str) -> Path:
    """The file a link resolved by the browser (file:///…%E7…) leads to."""
    parts = urlsplit(href)
    assert parts.scheme == "file" and not parts.query, href
    return Path(unquote(parts.path))
