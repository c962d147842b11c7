"""Rendering validated declarations: template contexts, the Jinja templates, the layout grid
drawn as DOCX and XLSX, and reproducible Office packages.

What the rest of the pipeline needs without loading any of that (a build with nothing to
render, the CLI's error handling) is here: where the templates are, and their error.

The templates ship inside the package (`generator/templates/`, package data), so an installed
generator finds them wherever it runs. A declarations repository may override any of them, file
by file, with a folder of its own (`templates/` in the folder the command runs in, or
`--templates DIR`): a file there is used instead of the shipped file of the same name, every
other template is the shipped one (like MkDocs' `custom_dir`)."""

from pathlib import Path

from generator.errors import EnvironmentProblem

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"  # shipped with the package
OWN_TEMPLATES = Path("templates")  # a declarations repository's own, where the command runs


class TemplateError(EnvironmentProblem):
    """A template is broken: names the template file and line."""


def overridden(own: Path, shipped: Path = TEMPLATES) -> list[str]:
    """The names of the shipped templates that the folder `own` replaces."""
    return sorted(p.name for p in shipped.iterdir() if (own / p.name).is_file())


def strangers(own: Path, shipped: Path = TEMPLATES) -> list[str]:
    """The names of files in the folder `own` that no shipped template has (a misspelt name
    replaces nothing)."""
    return sorted(p.name for p in own.iterdir() if p.is_file() and not (shipped / p.name).is_file())
