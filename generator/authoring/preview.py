"""The `preview` command: the change reports under OUT/diff/ (written by `diff`, outside the
build) as HTML pages, readable offline in any browser, for reviewers without git hosting. (The
build writes the pages of summaries and indexes itself, from their contexts, so that a page is
never older than its Markdown.)

Markdown is turned into HTML by markdown-it-py with tables; the Markdown was written by our own
templates, which escaped every user text, so its only raw HTML is the <br> of line breaks.
Links between .md files become links between the .html pages, and every report's page links
back to the list.

Preview keeps a record of the pages it made (OUT/diff/.preview.json, their names): the page of
a report that is gone is removed, and only a page it made. A report it cannot read (not UTF-8,
a folder named like one) is skipped with a warning, never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markdown_it import MarkdownIt

from generator.build.write import Artifact, Writer
from generator.declaration.sources import UsageError
from generator.render import TEMPLATES
from generator.render.templates import Renderer, escape_cell

PAGE = "page.html.j2"
REPORTS = "diff"  # the folder of change reports under OUT
RECORD = ".preview.json"  # in REPORTS: the pages preview made
INDEX = "index.html"
BACK = ("全部变更报告", INDEX)  # the link on every report's page


@dataclass
class PreviewReport:
    """What preview wrote (relative to OUT), where, what it removed and what it skipped."""

    folder: Path
    written: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (page, its report) removed
    skipped: list[str] = field(default_factory=list)  # warnings: reports that cannot be read


def markdown_to_html(text: str) -> str:
    """HTML of our Markdown: CommonMark with tables; links to .md files point to .html."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return re.sub(r'href="([^"]+)\.md"', r'href="\1.html"', html)


def page(renderer: Renderer, markdown: str, links: list[tuple[str, str]], fallback: str) -> bytes:
    """An HTML page of `markdown`, titled by its first heading (else `fallback`), with
    `links` (label, href) above it."""
    html = renderer.render_html(
        PAGE, title=_title(markdown, fallback), body=markdown_to_html(markdown), links=links
    )
    return html.encode()


def preview(
    out: Path, templates: Path = TEMPLATES, own_templates: Path | None = None
) -> PreviewReport:
    """Write an .html beside every change report out/diff/*.md, and out/diff/index.html
    listing them, newest name first; remove the pages it made earlier whose report is gone.
    Nothing is written without reports."""
    if not out.is_dir():
        raise UsageError(
            f"{out}：找不到构建输出目录，先运行 make build"
            f"（或 python -m generator build --out {out}）"
        )
    folder = out / REPORTS
    report = PreviewReport(folder)
    texts: dict[str, str] = {}  # stem → Markdown
    candidates = sorted(folder.glob("*.md"), reverse=True) if folder.is_dir() else []
    for path in candidates:
        if path.is_dir():
            report.skipped.append(f"{path}：是一个文件夹，不是变更报告，跳过")
            continue
        try:
            texts[path.stem] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            report.skipped.append(
                f"{path}：不是 UTF-8 编码的文本，跳过（用 UTF-8 重新保存，或用 make diff 重新生成）"
            )
        except OSError as error:
            report.skipped.append(f"{path}：无法读取：{error.strerror or error}，跳过")
    made = _made(folder)
    pages = [f"{stem}.html" for stem in texts] + ([INDEX] if texts else [])
    writer = Writer(out)
    if texts:
        renderer = Renderer(templates, own_templates)
        for stem, text in texts.items():
            writer.write(Artifact(f"{REPORTS}/{stem}.html", page(renderer, text, [BACK], stem)))
        listing = "# 变更报告\n\n" + "".join(
            f"- [{escape_cell(stem)}]({quote(stem)}.md)\n" for stem in texts
        )
        writer.write(Artifact(f"{REPORTS}/{INDEX}", page(renderer, listing, [], "变更报告")))
    for name in sorted(made - set(pages)):
        target = folder / name
        if target.is_file() and not target.is_symlink():
            target.unlink()
            source = "" if name == INDEX else f"{Path(name).stem}.md"
            report.removed.append((f"{REPORTS}/{name}", source))
    if pages or made:
        record = json.dumps({"pages": sorted(pages)}, ensure_ascii=False).encode() + b"\n"
        if pages:
            writer.write(Artifact(f"{REPORTS}/{RECORD}", record))
        else:
            (folder / RECORD).unlink(missing_ok=True)
    report.written = [p for p in writer.written + writer.unchanged if not p.endswith(RECORD)]
    return report


def _made(folder: Path) -> set[str]:
    """The pages an earlier preview made in `folder` (by its record; none if unreadable)."""
    try:
        data = json.loads((folder / RECORD).read_bytes())
    except (OSError, ValueError, RecursionError):
        return set()
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list):
        return set()
    return {
        name
        for name in pages
        if isinstance(name, str)
        and name.endswith(".html")
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
    }


def _title(text: str, fallback: str) -> str:
    first = next((line for line in text.splitlines() if line.startswith("# ")), "")
    return re.sub(r"\\(.)", r"\1", first[2:]).strip() or fallback
