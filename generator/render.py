"""Rendering templates from `templates/` with a prepared context.

The Jinja environment is sandboxed and strict (an unknown name is an error naming the template
and line), and escapes by construction: every `{{ value }}` in a Markdown template passes through
`escape_markdown`, so user text (`|`, `*`, `<`, line breaks, `{{ 7*7 }}`) prints as written and
cannot break a table. Templates never see raw YAML or the model, only the context.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Characters that can start an inline construct (code, emphasis, links, HTML, tables, entities,
# strikethrough); a backslash makes each literal (CommonMark: any ASCII punctuation may be escaped).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# What would turn the start of a paragraph into a heading, a list or a rule: "# ", "- ", "1. ".
_BLOCK_START = re.compile(r"^(\s*)([#+-]|\d{1,9})([.)]?)(?=[\s#+-]|$)")


class TemplateError(Exception):
    """A template is broken: names the template file and line."""


def escape_markdown(value: Any) -> str:
    """`value` as literal Markdown text that stays on one line (a table cell, a paragraph)."""
    if value is None:
        return ""
    text = _INLINE.sub(r"\\\1", str(value))
    text = _BLOCK_START.sub(_escape_block_start, text, count=1)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, dot = match.groups()
    if marker.isdigit():  # an ordered-list number: only its "." or ")" needs escaping
        return f"{indent}{marker}\\{dot}" if dot else match.group()
    return f"{indent}\\{marker}{dot}"


class Renderer:
    """Renders the templates of one templates folder."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.folder = folder
        self.markdown = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(folder),
            undefined=jinja2.StrictUndefined,
            finalize=escape_markdown,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )

    def render_markdown(self, name: str, **context: Any) -> str:
        """Render Markdown template `name` with `context`."""
        try:
            return self.markdown.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"{error.filename or name}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"{self.folder / str(error.name)}: 模板不存在") from None
        except jinja2.TemplateError as error:
            raise TemplateError(
                f"{self.folder / name}:{_template_line(error, name)}: {error}"
            ) from None


def _template_line(error: Exception, name: str) -> int:
    """The template line of a render-time error, from the traceback Jinja rewrites."""
    traceback = error.__traceback__
    line = 0
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
