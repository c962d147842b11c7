"""Installable anywhere: a non-editable install into a fresh virtual environment (no network:
the libraries are those this test runs with, the package is built with --no-build-isolation)
builds a declarations repository outside the source tree, from another working folder, with
outputs equal to those of the source tree's build; and every library the code imports is a
declared dependency."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from conftest import DATA, ROOT, make_seed_tree

from generator.build.cache import FOLDER as CACHE
from generator.build.manifest import NAME as MANIFEST
from generator.cli import main

MADE_BY_THE_BUILD = {MANIFEST, CACHE}  # record where the sources were: not outputs


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")
    }
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def fresh_install(tmp_path: Path) -> Path:
    """A new virtual environment with the package installed from a copy of the source (not
    editable); returns its folder of scripts."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", source)
    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    scripts = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = scripts / "python"
    where = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=venv)
    # The libraries (and setuptools, to build with) of the environment running this test:
    # a path file adds its folder without running its path files, so the source tree's own
    # editable install stays out of sight.
    (Path(where.stdout.strip()) / "libraries.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    installed = run(
        *(sys.executable, "-m", "pip", "--python", python, "install", "--quiet"),
        *("--no-index", "--no-build-isolation", "--no-deps", "--ignore-installed", source),
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    shutil.rmtree(source)  # nothing may be read from it any more
    return scripts


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not MADE_BY_THE_BUILD & set(p.relative_to(folder).parts)
    }


@pytest.mark.slow
def test_a_non_editable_install_builds_a_repository_from_anywhere(tmp_path, monkeypatch):
    scripts = fresh_install(tmp_path)
    repository = tmp_path / "repository"
    declarations = make_seed_tree(repository)
    shutil.copytree(DATA / "forms" / "2024", declarations / "2024")  # every form kind
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    found = run(
        scripts / "python", "-c", "import generator; print(generator.__file__)", cwd=elsewhere
    )
    assert Path(found.stdout.strip()).is_relative_to(tmp_path / "venv"), found.stdout
    # the console script, in the repository with its defaults (declarations/ → build/)
    built = run(scripts / "budget-declarations", "build", cwd=repository)
    assert built.returncode == 0, built.stdout + built.stderr
    # python -m generator, from another folder
    built = run(scripts / "python", "-m", "generator", "build", declarations, cwd=elsewhere)
    assert built.returncode == 0, built.stdout + built.stderr
    checked = run(scripts / "budget-declarations", "check", cwd=repository)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", str(declarations), "--out", str(tmp_path / "in-tree")]) == 0
    expected = outputs(tmp_path / "in-tree")
    assert len(expected) > 40 and "2024/shanghai-1/档案数字化.docx" in expected
    assert outputs(repository / "build") == expected
    assert outputs(elsewhere / "build") == expected


def imported_libraries() -> set[str]:
    """The top-level modules outside the standard library that the generator imports."""
    names = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    # bench: the benchmark, in the source checkout only (`bench` says so elsewhere)
    return {name for name in names if name not in sys.stdlib_module_names} - {"generator", "bench"}


def canonical(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=!~[ ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-")


def test_every_imported_library_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonical(r) for r in project["dependencies"]}
    distributions = metadata.packages_distributions()
    missing = {
        module: distributions.get(module)
        for module in imported_libraries()
        if not {canonical(d) for d in distributions.get(module, [module])} & declared
    }
    assert missing == {}


def test_development_tools_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["optional-dependencies"]["test"]:
        assert "==" in requirement, requirement
    pinned = {
        canonical(line)
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    declared = {canonical(r) for r in project["dependencies"]}
    assert declared <= pinned
