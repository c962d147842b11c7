"""The `preview` command: the built Markdown (summaries, indexes, change reports) as HTML pages
for reviewers without git hosting, readable offline in any browser.

Markdown is turned into HTML by markdown-it-py with tables; the Markdown was written by our own
templates, which escaped every user text, so its only raw HTML is the <br> of line breaks.
Links between .md files become links between the .html pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from generator.build.write import Artifact, Writer
from generator.render.templates import TEMPLATES, Renderer

_YEAR_FOLDER = re.compile(r"^\d{4}$")


def markdown_to_html(text: str) -> str:
    """HTML of our Markdown: CommonMark with tables; links to .md files point to .html."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return re.sub(r'href="([^"]+)\.md"', r'href="\1.html"', html)


def preview(out: Path, templates: Path = TEMPLATES) -> list[str]:
    """Write an .html beside every .md under out/<year>/ and out/diff/; each year's
    index.html also links the latest change report. Returns the pages written."""
    renderer = Renderer(templates)
    writer = Writer(out)
    reports = sorted((out / "diff").glob("*.md")) if (out / "diff").is_dir() else []
    latest = reports[-1] if reports else None
    folders = sorted(p for p in out.iterdir() if p.is_dir() and _YEAR_FOLDER.match(p.name))
    pages = [(folder, md) for folder in folders for md in sorted(folder.glob("*.md"))]
    pages += [(out / "diff", md) for md in reports]
    for folder, md in pages:
        links = [("汇总", "index.html")] if md.name != "index.md" and folder.name != "diff" else []
        if md.name == "index.md" and latest is not None:
            links.append((f"最新变更报告（{latest.stem}）", f"../diff/{latest.stem}.html"))
        text = md.read_text(encoding="utf-8")
        page = renderer.render_html(
            "preview.html.j2", title=_title(text, md), body=markdown_to_html(text), links=links
        )
        writer.write(Artifact(f"{folder.name}/{md.stem}.html", page.encode()))
    return writer.written + writer.unchanged


def _title(text: str, path: Path) -> str:
    first = next((line for line in text.splitlines() if line.startswith("# ")), "")
    return re.sub(r"\\(.)", r"\1", first[2:]).strip() or path.stem
