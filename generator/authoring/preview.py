"""The `preview` command: the change reports under OUT/diff/ (written by `diff`, outside the
build) as HTML pages, readable offline in any browser, for reviewers without git hosting. (The
build writes the pages of summaries and indexes itself, from their contexts, so that a page is
never older than its Markdown.)

Markdown is turned into HTML by markdown-it-py with tables; the Markdown was written by our own
templates, which escaped every user text, so its only raw HTML is the <br> of line breaks.
Links between .md files become links between the .html pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from markdown_it import MarkdownIt

from generator.build.write import Artifact, Writer
from generator.declaration.sources import UsageError
from generator.render.templates import TEMPLATES, Renderer, escape_cell

PAGE = "page.html.j2"
REPORTS = "diff"  # the folder of change reports under OUT


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


def preview(out: Path, templates: Path = TEMPLATES) -> list[str]:
    """Write an .html beside every change report out/diff/*.md, and out/diff/index.html
    listing them, newest name first. Returns the pages written (none without reports)."""
    if not out.is_dir():
        raise UsageError(
            f"{out}：找不到构建输出目录，先运行 make build"
            f"（或 python -m generator build --out {out}）"
        )
    folder = out / REPORTS
    reports = sorted(folder.glob("*.md"), reverse=True) if folder.is_dir() else []
    if not reports:
        return []
    renderer = Renderer(templates)
    writer = Writer(out)
    for report in reports:
        text = report.read_text(encoding="utf-8")
        writer.write(
            Artifact(f"{REPORTS}/{report.stem}.html", page(renderer, text, [], report.stem))
        )
    listing = "# 变更报告\n\n" + "".join(
        f"- [{escape_cell(report.stem)}]({quote(report.stem)}.md)\n" for report in reports
    )
    writer.write(Artifact(f"{REPORTS}/index.html", page(renderer, listing, [], "变更报告")))
    return writer.written + writer.unchanged


def _title(text: str, fallback: str) -> str:
    first = next((line for line in text.splitlines() if line.startswith("# ")), "")
    return re.sub(r"\\(.)", r"\1", first[2:]).strip() or fallback
