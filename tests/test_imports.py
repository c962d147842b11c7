"""Each command loads only what it needs: `check`, run by an editor on every save or by a
pre-commit hook, loads none of the build's machinery or the office libraries; a build with
nothing to render loads no renderer. (How fast that is, is measured by `make bench`.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import SEED_YAML, make_seed_tree

HEAVY = ("docx", "openpyxl", "jinja2", "markdown_it", "lxml", "multiprocessing")
BUILD = ("generator.build.build", "generator.build.cache", "generator.build.pool")
BUILD += ("generator.render.",)


def loaded_by(args: list[str], cwd) -> set[str]:
    """The modules loaded by running the CLI with `args` in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "from generator.cli import main\n"
        f"status = main({args!r})\n"
        "print(json.dumps([status, sorted(sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True
    )
    status, modules = json.loads(result.stdout.splitlines()[-1])
    assert status == 0, result.stderr
    return set(modules)


def heavy(modules: set[str]) -> list[str]:
    return sorted(
        m
        for m in modules
        if m.split(".")[0] in HEAVY or any(m == b or m.startswith(b) for b in BUILD)
    )


def test_check_loads_no_build_machinery_and_no_office_library(tmp_path):
    root = make_seed_tree(tmp_path)
    modules = loaded_by(["check", str(root)], tmp_path)
    assert "generator.declaration.sources" in modules  # it did read and check
    assert heavy(modules) == []


def test_a_build_with_nothing_to_render_loads_no_renderer(tmp_path):
    root = make_seed_tree(tmp_path)
    out = tmp_path / "out"
    assert loaded_by(["build", str(root), "--out", str(out)], tmp_path)  # the first renders
    assert (out / "2023" / f"{SEED_YAML.stem}.docx").is_file()
    modules = loaded_by(["build", str(root), "--out", str(out)], tmp_path)
    assert "generator.build.build" in modules
    # render.package only for SOURCE_DATE_EPOCH, checked before anything is read; and
    # render.navigation (no template, no library): the links of every page are part of what
    # it is made from, worked out by every build
    rendering = [m for m in heavy(modules) if not m.startswith("generator.build.")]
    assert rendering == ["generator.render.navigation", "generator.render.package"]
    shutil.rmtree(out)
