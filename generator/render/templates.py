"""Rendering templates from `generator/templates/` with a prepared context into output files.

The Jinja environments are sandboxed and strict (an unknown name is an error naming the template
and line), and escape by construction: every `{{ value }}` in a Markdown template passes through
`escape_markdown`, every one in a layout template is HTML-escaped, so user text (`|`, `*`, `<`,
`&`, line breaks, `{{ 7*7 }}`) prints as written and cannot break a table. Templates never see
raw YAML or the model, only the context.

Per declaration: its kind's summary (`summary.md.j2`) → .md, `summary.html.j2` → .html (a web
page); its kind's layout → one Layout → .docx and .xlsx.
Per year: `index.md.j2` → index.md; `index.html.j2` → index.xlsx; `index-page.html.j2` →
index.html.
Over all years: `years-page.html.j2` → OUT/index.html. Every page's links
(generator/render/navigation.py) are given with its context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.kinds import form_kinds
from generator.render import TEMPLATES, TemplateError
from generator.render.context import DeclarationContext, IndexContext, TrendContext
from generator.render.department import DepartmentContext
from generator.render.layout import Layout, LayoutError, parse_layout
from generator.render.navigation import PageLinks, SiteContext
from generator.render.package import build_time
from generator.render.style import STYLE_FILE, FormStyle, StyleError, load_style

if TYPE_CHECKING:  # imported when first used: python-docx and openpyxl take long to load, and
    # a build with nothing to render (or check, diff, lint) never needs them
    from generator.render.docx import DocxWriter
    from generator.render.xlsx import XlsxWriter

SUMMARY_PAGE = "summary.html.j2"  # a declaration's summary as a web page
DEPARTMENT_PAGE = "department-page.html.j2"
DEPARTMENT_PAGE = "department-page.html.j2"  # a department with its projects, as a web page
INDEX_PAGE = "index-page.html.j2"  # a year's index as a web page
YEARS_PAGE = "years-page.html.j2"  # the page of every year, OUT/index.html
NO_LINKS = PageLinks()
INDEX_LAYOUT = "index.html.j2"  # a year's index as a workbook
TREND_LAYOUT = "trend.html.j2"  # the trend as a workbook

# Characters that can start an inline construct (code, emphasis, links, HTML, tables, entities,
# strikethrough); a backslash makes each literal (CommonMark: any ASCII punctuation may be escaped).
# ">" matters only at the start (a quote), so ">=90%" inside a line stays as written; "<" is
# escaped everywhere ("\<=1,500元" in the source reads "<=1,500元" in any CommonMark or GFM
# viewer, tables included), simpler and safer than telling which "<" could open HTML.
_INLINE = re.compile(r"([\\`*_\[\]<|~&])")
# What would turn the start of a paragraph into a heading, a list, a rule or a quote.
_BLOCK_START = re.compile(r"^(\s*)([#+-]|\d{1,9})([.)]?)(?=[\s#+-]|$)")
_QUOTE_START = re.compile(r"^(\s*)>")


class _Escaped(str):
    """Text already escaped for Markdown (by the `cell` filter): printed as it is."""


def escape_markdown(value: Any) -> str:
    """`value` as literal Markdown text that stays on one line, safe anywhere (a paragraph's
    start included). Every `{{ value }}` of a Markdown template passes through here."""
    if value is None:
        return ""
    if isinstance(value, _Escaped):
        return str(value)
    text = _BLOCK_START.sub(_escape_block_start, escape_cell(value), count=1)
    return _QUOTE_START.sub(r"\1\\>", text, count=1)


def escape_cell(value: Any) -> _Escaped:
    """`value` as literal Markdown inside a table cell, where a leading ">", "#" or "1." means
    nothing: the `cell` filter, so that ">=90%" stays readable in the Markdown source."""
    text = _INLINE.sub(r"\\\1", "" if value is None else str(value))
    return _Escaped(re.sub(r"\r\n|\r|\n", "<br>", text))


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, dot = match.groups()
    if marker.isdigit():  # an ordered-list number: only its "." or ")" needs escaping
        return f"{indent}{marker}\\{dot}" if dot else match.group()
    return f"{indent}\\{marker}{dot}"


class Renderer:
    """Renders the templates of one templates folder into output files; with `own`, a folder
    whose files replace the templates (and style file) of the same name in `folder`."""

    def __init__(self, folder: Path = TEMPLATES, own: Path | None = None) -> None:
        self.folder = folder
        self.own = own
        self.folders = [folder] if own is None else [own, folder]  # looked in first to last
        options: dict[str, Any] = {
            "loader": jinja2.FileSystemLoader(self.folders),
            "undefined": jinja2.StrictUndefined,
            "keep_trailing_newline": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        }
        self.markdown = ImmutableSandboxedEnvironment(
            finalize=escape_markdown, autoescape=False, **options
        )
        self.markdown.filters["cell"] = escape_cell
        self.html = ImmutableSandboxedEnvironment(autoescape=True, **options)
        for environment in (self.markdown, self.html):  # read the style only when a form needs it
            environment.filters["target"] = lambda text: self.style.target(str(text))

    def __reduce__(self) -> tuple[type[Renderer], tuple[Path, Path | None]]:
        """Pickled as its folders (a worker process started by `spawn` makes its own)."""
        return (Renderer, (self.folder, self.own))

    def path(self, name: str) -> Path:
        """The file template `name` is read from: in `own` if it is there."""
        return next((f / name for f in self.folders if (f / name).is_file()), self.folder / name)

    @cached_property
    def style(self) -> FormStyle:
        try:
            return load_style(self.path(STYLE_FILE).parent, layout_names())
        except StyleError as error:
            raise TemplateError(str(error)) from None

    @cached_property
    def docx(self) -> DocxWriter:
        from generator.render.docx import DocxWriter

        return DocxWriter(self.style, self.path("reference.docx"))

    @cached_property
    def xlsx(self) -> XlsxWriter:
        from generator.render.xlsx import XlsxWriter

        return XlsxWriter(self.style)

    def declaration_files(self, d: DeclarationContext) -> dict[str, bytes]:
        """The outputs of one declaration, by suffix: its kind's layout drawn as DOCX and
        XLSX, and the Markdown summary."""
        form = self.render_layout(d.kind.layout, landscape=d.kind.landscape, d=d)
        when = build_time(d.year)
        title = f"{d.display} {d.year}年度 {d.kind.title}"
        links = d.links
        if links is None:  # outside a build: the year's index (and the department's page)
            links = PageLinks((("年度汇总", "index.html"),))
            if "/" in d.slug:  # a project, in its department's folder beside its page
                links = PageLinks((("年度汇总", "../index.html"), ("本部门及其项目", "index.html")))
        page = self.render_html(SUMMARY_PAGE, d=d, title=title, **_links(links))
        return {
            ".md": self.render_markdown(d.kind.summary, d=d).encode(),
            ".docx": self.docx.write(form, when),
            ".xlsx": self.xlsx.write(form, when),
            ".html": page.encode(),
        }

    def index_outputs(
        self, index: IndexContext, links: PageLinks | None = None
    ) -> Iterator[tuple[str, bytes]]:
        """The outputs of one year's index, (suffix, bytes), made one at a time as they are
        asked for: a year's index of thousands of rows is large in each of its forms, and
        its caller can store one before the next is made."""
        when = build_time(index.year)
        title = f"{index.year}年度 绩效目标申报汇总"
        yield ".md", self.render_markdown("index.md.j2", index=index).encode()
        yield ".xlsx", self.xlsx.write(self.render_layout(INDEX_LAYOUT, index=index), when)
        page = self.render_html(INDEX_PAGE, index=index, title=title, **_links(links or NO_LINKS))
        yield ".html", page.encode()

    def department_outputs(
        self, p: DepartmentContext, links: PageLinks | None = None
    ) -> Iterator[tuple[str, bytes]]:
        """The outputs of one department's page, (suffix, bytes), one at a time."""
        title = f"{p.name} {p.year}年度 绩效目标申报"
        links = links or PageLinks((("年度汇总", "../index.html"),))
        yield ".md", self.render_markdown("department.md.j2", p=p).encode()
        yield ".html", self.render_html(DEPARTMENT_PAGE, p=p, title=title, **_links(links)).encode()

    def years_page(self, site: SiteContext) -> bytes:
        """The page of every year, OUT/index.html."""
        title = "绩效目标申报（全部年度）"
        return self.render_html(YEARS_PAGE, site=site, title=title, links=[]).encode()

    def trend_files(self, trend: TrendContext) -> dict[str, bytes]:
        """The multi-year trend as Markdown and XLSX, by suffix."""
        when = build_time(max(trend.years, default=1980))
        return {
            ".md": self.render_markdown("trend.md.j2", t=trend).encode(),
            ".xlsx": self.xlsx.write(self.render_layout(TREND_LAYOUT, t=trend), when),
        }

    def render_layout(self, name: str, landscape: bool | None = None, **context: Any) -> Layout:
        """Render layout template `name` and read it into a Layout (`landscape`: the form
        kind's orientation; None: the style file's for this layout)."""
        html = self._render(self.html, name, context, pieces=True)  # read as it is made
        try:
            layout = parse_layout(html, _layout_name(name), landscape)
        except LayoutError as error:
            raise TemplateError(f"{self.path(name)}: {error}") from None
        self.style.check_columns(layout)  # its tables against the style's column widths
        return layout

    def render_html(self, name: str, **context: Any) -> str:
        """Render HTML template `name` (values HTML-escaped)."""
        return self._render(self.html, name, context)

    def render_markdown(self, name: str, **context: Any) -> str:
        """Render Markdown template `name` with `context`."""
        return self._render(self.markdown, name, context)

    @overload
    def _render(
        self, environment: jinja2.Environment, name: str, context: dict[str, Any]
    ) -> str: ...

    @overload
    def _render(
        self,
        environment: jinja2.Environment,
        name: str,
        context: dict[str, Any],
        pieces: Literal[True],
    ) -> Iterator[str]: ...

    def _render(
        self,
        environment: jinja2.Environment,
        name: str,
        context: dict[str, Any],
        pieces: bool = False,
    ) -> str | Iterator[str]:
        """Template `name` rendered with `context`: as one text, or (`pieces`) as the pieces
        it is made of, made as they are read. Template errors as TemplateError, either way."""
        with self._template_errors(name):
            template = environment.get_template(name)
            if not pieces:
                return template.render(**context)
        return self._generated(template, name, context)

    def _generated(
        self, template: jinja2.Template, name: str, context: dict[str, Any]
    ) -> Iterator[str]:
        with self._template_errors(name):
            yield from template.generate(**context)

    @contextmanager
    def _template_errors(self, name: str) -> Iterator[None]:
        try:
            yield
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"{error.filename or name}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"{self.path(str(error.name))}: 模板不存在") from None
        except jinja2.TemplateError as error:
            raise TemplateError(
                f"{self.path(name)}:{_template_line(error, name)}: {error}"
            ) from None
        except TemplateError:
            raise
        except Exception as error:  # what an expression raised: {{ 1/0 }}, {{ "x" + 1 }}
            raise TemplateError(
                f"{self.path(name)}:{_template_line(error, name)}: {type(error).__name__}: {error}"
            ) from None


def render_declaration(renderer: Renderer, context: DeclarationContext) -> dict[str, bytes]:
    """The files of one declaration, by suffix: what a build's worker processes compute (a
    function of this module, so that a worker started by spawn imports only this module)."""
    return renderer.declaration_files(context)


def _links(links: PageLinks) -> dict[str, list[tuple[str, str]]]:
    """A page's links as page.html.j2 takes them."""
    return {"links": list(links.nav), "files": list(links.files), "years": list(links.years)}


def layout_names() -> set[str]:
    """The layout templates that are drawn, by the name the style's `layouts` gives them: each
    form kind's layout, the index and the trend."""
    files = [kind.layout for kind in form_kinds().values()]
    return {_layout_name(file) for file in (*files, INDEX_LAYOUT, TREND_LAYOUT)}


def _layout_name(template: str) -> str:
    return template.split(".", 1)[0]


def _template_line(error: Exception, name: str) -> int:
    """The template line of a render-time error, from the traceback Jinja rewrites."""
    traceback = error.__traceback__
    line = 0
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
