"""Rendering validated declarations: template contexts, the Jinja templates, the layout grid
drawn as DOCX and XLSX, and reproducible Office packages.

What the rest of the pipeline needs without loading any of that (a build with nothing to
render, the CLI's error handling) is here: where the templates are, and their error."""

from pathlib import Path

from generator.errors import EnvironmentProblem

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class TemplateError(EnvironmentProblem):
    """A template is broken: names the template file and line."""
