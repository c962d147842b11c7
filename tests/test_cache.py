"""The summary cache under OUT/.cache/ is data, never code: a crafted entry cannot run anything,
and an entry that is unreadable, of another version, of the wrong shape or of another source
reads as absent (the declaration is read again). What the build compares also covers
SOURCE_DATE_EPOCH and the versions of the libraries that write the outputs."""

from __future__ import annotations

import importlib.metadata
import json
import pickle
import platform
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL

from generator.build.build import build
from generator.cli import main


def make_tree(root: Path) -> Path:
    """root/src/2023/ with two valid declarations (a: 测试局, b: 测试二局)."""
    folder = root / "src" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(
        text.replace("测试局", "测试二局").replace("年末在职人数: 3", "年末在职人数: 5"),
        encoding="utf-8",
    )
    return root / "src"


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file (not the build's own records) by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".") and ".cache" not in p.parts
    }


def cache_entries(out: Path) -> list[Path]:
    entries = sorted(p for p in (out / ".cache").iterdir() if p.is_file())
    assert len(entries) == 2  # one per declaration
    return entries


class _Exploit:
    """Unpickling this creates `marker` (pickle calls open(marker, "w"))."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_a_crafted_pickle_in_the_cache_is_never_run(tmp_path, capsys):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    before = outputs(out)
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Exploit(probe)))  # the payload is live: unpickling runs it
    assert probe.exists()
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit(marker), protocol=5)
    for entry in [*(out / ".cache").iterdir(), out / ".manifest.json"]:
        entry.write_bytes(payload)
    (out / "2023/a.md").unlink()  # so that the build has to render again
    capsys.readouterr()
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert not marker.exists()
    assert "Traceback" not in capsys.readouterr().err
    assert outputs(out) == before


def _truncate(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def _garbage(entry: Path) -> None:
    entry.write_bytes(b"\x80\x05\x95garbage\xff\xfe\x00")


def _empty(entry: Path) -> None:
    entry.write_bytes(b"")


def _directory(entry: Path) -> None:
    entry.unlink()
    (entry / "inside").mkdir(parents=True)


def _edit_json(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(entry: Path) -> None:
        data = json.loads(entry.read_text(encoding="utf-8"))
        change(data)
        entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return edit


def _other_version(data: dict) -> None:
    data["format"] += 1


def _wrong_types(data: dict) -> None:
    data["summary"]["year"] = "2023"


def _amount_not_a_number(data: dict) -> None:
    data["summary"]["index"][0][1] = "一百"


def _unknown_unit(data: dict) -> None:
    data["summary"]["amount_unit"] = "美元"


def _other_slug(data: dict) -> None:
    data["summary"]["slug"] = "x"  # every entry the same: one output claimed twice


def _other_year(data: dict) -> None:
    data["summary"]["year"] = 2024  # outputs in another year's folder


def _not_an_object(data: dict) -> None:
    data.clear()
    data["summary"] = [1, 2, 3]


def _counts_too_deep(data: dict) -> None:
    count = data["summary"]["counts"]
    for _ in range(50):
        count = [*count[:4], [count]]
    data["summary"]["counts"] = count


@pytest.mark.parametrize(
    "corrupt",
    [
        _truncate,
        _garbage,
        _empty,
        _directory,
        _edit_json(_other_version),
        _edit_json(_wrong_types),
        _edit_json(_amount_not_a_number),
        _edit_json(_unknown_unit),
        _edit_json(_other_slug),
        _edit_json(_other_year),
        _edit_json(_not_an_object),
        _edit_json(_counts_too_deep),
    ],
    ids=lambda f: getattr(f, "__name__", "edit"),
)
def test_a_corrupt_cache_entry_reads_as_absent(tmp_path, capsys, corrupt):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    before = outputs(out)
    for entry in cache_entries(out):
        corrupt(entry)
    (out / "2023/a.md").unlink()
    capsys.readouterr()
    for _ in range(2):  # and not only once: the next build is fine too
        assert main(["build", str(tree), "--out", str(out)]) == 0
        assert "Traceback" not in capsys.readouterr().err
        assert outputs(out) == before


def test_an_entry_of_another_declaration_is_not_taken(tmp_path):
    """Each entry says which source it belongs to: b's summary under a's name is not a's."""
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    before = outputs(out)
    first, second = cache_entries(out)
    first.write_bytes(second.read_bytes())
    second.write_bytes(first.read_bytes())
    (out / "2023/index.md").unlink()
    assert build([tree], out).ok
    assert outputs(out) == before


def test_a_cache_folder_that_is_a_file_is_left_alone(tmp_path, capsys):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    before = outputs(out)
    shutil.rmtree(out / ".cache")
    (out / ".cache").write_text("someone else's file", encoding="utf-8")
    (out / "2023/a.md").unlink()
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert outputs(out) == before
    assert (out / ".cache").read_text(encoding="utf-8") == "someone else's file"


def test_a_changed_source_date_epoch_rebuilds_every_output(tmp_path, monkeypatch):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build([tree], out).ok
    docx = (out / "2023/a.docx").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = build([tree], out)
    assert report.skipped == 0
    assert {"2023/a.docx", "2023/a.xlsx", "2023/b.docx", "2023/index.xlsx"} <= set(report.written)
    assert (out / "2023/a.docx").read_bytes() != docx
    assert build([tree], out).skipped == 2  # and the next build has nothing to do again


def test_a_cache_entry_naming_another_file_is_a_miss_without_the_output_to_make(tmp_path, capsys):
    """Nothing needs to be rendered: the crafted entries are still never used (a cache hit
    skips parsing and validation), and the next build stays well."""
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    before = outputs(out)
    for entry in cache_entries(out):
        _edit_json(_other_slug)(entry)
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert outputs(out) == before


def test_a_changed_python_version_rebuilds_every_output(tmp_path, monkeypatch):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.0")
    assert build([tree], out).skipped == 0


@pytest.mark.parametrize(
    "library", ["python-docx", "openpyxl", "jinja2", "lxml", "markdown-it-py", "pyyaml"]
)
def test_a_changed_library_version_rebuilds_every_output(tmp_path, monkeypatch, library):
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    real = importlib.metadata.version

    def version(name: str) -> str:
        return "999.0" if name.lower() == library else real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert build([tree], out).skipped == 0


def test_a_build_that_holds_no_model_reads_each_again_and_writes_the_same(tmp_path, monkeypatch):
    """Beyond MODELS_KEPT the build keeps a declaration's summary and compressed bytes, and
    reads its model again as it renders it: the same outputs, byte for byte."""
    from conftest import DATA

    import generator.build.cache as cache_module

    source = tmp_path / "src"
    shutil.copytree(DATA / "forms", source)
    assert build([source], tmp_path / "kept").ok
    read = []
    real = cache_module.read_checked
    monkeypatch.setattr(cache_module, "MODELS_KEPT", 0)
    monkeypatch.setattr(
        cache_module,
        "read_checked",
        lambda path, data=None: read.append(path.name) or real(path, data),
    )
    assert build([source], tmp_path / "dropped").ok
    files = len(list(source.rglob("*.yaml")))
    assert len(read) == 2 * files  # checked, then read again to render
    assert outputs(tmp_path / "dropped") == outputs(tmp_path / "kept")


def test_a_model_read_again_with_errors_stops_the_build_writing_nothing(tmp_path, monkeypatch):
    """A summary the cache gave for bytes that do not hold a valid declaration (a wrong
    entry): the model read to render it has errors; they are reported and nothing is written."""
    import generator.build.cache as cache_module
    from generator.declaration.sources import read_checked

    source = make_tree(tmp_path)
    out = tmp_path / "out"
    assert build([source], out).ok
    before = outputs(out)
    good = read_checked(source / "2023" / "b.yaml").summary
    bad = source / "2023" / "b.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("财政拨款: 80.00", "财政拨款: 81.00"))
    monkeypatch.setattr(cache_module.ModelCache, "summary", lambda self, key, src: good)
    report = build([source], out)
    assert not report.ok
    assert [d.code for d in report.errors] == ["E201"]
    assert outputs(out) == before


def test_build_lets_go_of_the_bytes_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a build, no declaration's bytes are held: a cache hit whose outputs are up to
    date is not rendered and lets go of them, one rendered lets go once it is read again."""
    from generator.build import build as build_module
    from generator.build import cache as cache_module

    made: list[cache_module.ModelCache] = []

    class Recorded(cache_module.ModelCache):
        def __init__(self, root: Path, environment: str) -> None:
            super().__init__(root, environment)
            made.append(self)

    monkeypatch.setattr(build_module, "ModelCache", Recorded)
    monkeypatch.setattr(cache_module, "MODELS_KEPT", 0)  # every model given as its summary
    src = make_tree(tmp_path)
    out = tmp_path / "out"
    assert build([src], out).ok
    edited = src / "2023/a.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build([src], out)
    assert report.ok and report.skipped == 1  # b: a cache hit, up to date
    assert made[-1].hits and made[-1].held() == []
