"""Shared test helpers: paths, a declaration writer, and Markdown read back with markdown-it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_YAML = ROOT / "declarations" / "2023" / "minhang-cppcc-office.yaml"
SEED_TEXT = DATA / "seed-2023.txt"
MINIMAL = DATA / "minimal.yaml"


def make_seed_tree(root: Path, *others: tuple[str, str]) -> Path:
    """`root/declarations/2023/` holding a copy of the seed and `others` (file name, YAML text);
    returns `root/declarations`."""
    folder = root / "declarations" / "2023"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_YAML, folder / SEED_YAML.name)
    for name, text in others:
        (folder / name).write_text(text, encoding="utf-8")
    return root / "declarations"


@pytest.fixture(scope="session")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built once per test session: the folder holding its 2023 outputs."""
    from generator.build.build import build

    root = tmp_path_factory.mktemp("seed")
    assert build([make_seed_tree(root)], root / "out").ok
    return root / "out" / "2023"


@pytest.fixture
def write_declaration(tmp_path: Path):
    """Write YAML text as <tmp>/src/<year>/<name>.yaml and return its path."""

    def write(text: str, name: str = "case", year: str = "2023") -> Path:
        path = tmp_path / "src" / year / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown document as rows of cell texts, as a reader sees them
    (escapes resolved, <br> read as a line break). The header row is the first row."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    in_table = False
    for token in tokens:
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
            if in_table:
                tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            tables[-1].append(row)
        elif token.type == "inline" and in_table:
            row.append(_inline_text(token.children or []))
    return tables


def markdown_paragraphs(text: str) -> list[str]:
    """The text of every top-level paragraph."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    return [
        _inline_text(tokens[i + 1].children or [])
        for i, token in enumerate(tokens)
        if token.type == "paragraph_open" and token.level == 0
    ]


def _inline_text(children) -> str:
    parts = []
    for child in children:
        if (
            child.type == "html_inline" and child.content.lower().startswith("<br")
        ) or child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.children:
            parts.append(_inline_text(child.children))
        else:
            parts.append(child.content)
    return "".join(parts)


def comparable(decl) -> tuple:
    """Everything a declaration says, without where it was said (file, lines, slug): its kind,
    every value but the indicator tree, and the tree."""
    values = tuple(
        (path, value)
        for path, spec, value in decl.walk()
        if spec.type.value not in ("indicators", "group", "list") and spec.role != "amount_unit"
    )
    return (
        decl.kind.name, decl.framework.name, decl.amount_unit, values,
        tuple(
            (l1.name, l1.note, tuple((l2.name, tuple((i.name, i.target, tuple(i.values.items())) for i in l2.indicators)) for l2 in l1.children))
            for l1 in decl.goals
        ),
    )  # fmt: skip


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` with `new` (asserting it is there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cached_readers() -> tuple:
    """Every function that caches what it read of generator/data/: cleared when a test reads
    a copy of it instead."""
    from generator import kinds
    from generator.declaration import load
    from generator.importing import read_form
    from generator.kinds import vocabulary
    from generator.review import lint

    return (
        kinds.form_kinds,
        kinds.frameworks,
        vocabulary.operators,
        vocabulary.amount_units,
        vocabulary.target_words,
        vocabulary.operator_words,
        vocabulary.invisible_characters,
        load.invisible_name,
        read_form.level2_by_suffix,
        lint.vocabulary,
    )


def clear_cached_readers() -> None:
    for function in cached_readers():
        function.cache_clear()


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of generator/data/ that the pipeline reads instead of the package's."""
    from generator.kinds import vocabulary
    from generator.review import lint

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "generator" / "data", folder)
    monkeypatch.setattr(vocabulary, "DATA", folder)
    monkeypatch.setattr(lint, "DATA", folder)
    clear_cached_readers()
    yield folder
    clear_cached_readers()


@pytest.fixture
def kind_copy(data_copy: Path, tmp_path: Path):
    """Copies of generator/data/ and generator/templates/ that the pipeline reads instead."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", templates)
    return data_copy, templates
