"""The Office files we write are valid as Word and Excel read them: every DOCX and XLSX of
every form kind (the seed, each fixture of tests/data/forms, the examples with their project
forms, the year's index.xlsx and trend.xlsx) passes the Open XML SDK's validation — the
ECMA-376 transitional schemas, their semantic constraints and the package's relationships —
as openxml-audit (a packaged port of the SDK's validator, no network) runs it for Office 2007,
the oldest version that opens .docx/.xlsx. And the trimmed reference DOCX is what
`make reference` makes."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED_YAML, make_seed_tree
from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

from generator.cli import main

# Excel moves inline strings (which we write: no shared-strings table to build) into a shared
# table when the user saves; that is a rewrite on save, not a repair on open.
ACCEPTED_WARNINGS = {"Excel_InlineStrCells"}


@pytest.fixture(scope="module")
def office_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("schema")
    shutil.copytree(DATA / "forms", root / "declarations")
    make_seed_tree(root / "seed")
    shutil.copytree(ROOT / "examples", root / "examples")
    out = root / "out"
    for source in ("declarations", "seed", "examples"):
        assert main(["build", str(root / source), "--out", str(out / source)]) == 0
    assert main(["trend", str(root / "examples"), "--out", str(out / "trend")]) == 0
    files = sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))
    kinds = {p.suffix for p in files}
    assert kinds == {".docx", ".xlsx"} and (out / "trend" / "trend.xlsx") in files
    return files


def problems(path: Path) -> list[str]:
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2007).validate(path)
    return [
        f"{e.severity.value} {e.id} {e.part_uri} {e.path}: {e.description}"
        for e in result.errors
        if e.severity is ValidationSeverity.ERROR or e.id not in ACCEPTED_WARNINGS
    ]


def test_every_office_file_of_every_kind_is_valid(office_files):
    found = {p.name: problems(p) for p in office_files}
    assert len(found) >= 20
    assert {name: errors for name, errors in found.items() if errors} == {}


def test_the_validation_catches_a_part_that_breaks_the_schema(office_files, tmp_path):
    docx = next(p for p in office_files if p.suffix == ".docx")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:tblPr>", b"<w:tblPr><w:colour/>", 1)
            target.writestr(info, data)
    assert any("colour" in line for line in problems(broken))


def test_the_reference_docx_is_what_make_reference_makes():
    from generator.render.reference import reference_docx

    made = reference_docx()
    assert made == reference_docx()  # the same bytes on every run
    assert (ROOT / "generator" / "templates" / "reference.docx").read_bytes() == made, (
        "run `make reference`"
    )
    with zipfile.ZipFile(io.BytesIO(made)) as package:
        assert sorted(package.namelist()) == [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/core.xml",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/fontTable.xml",
            "word/settings.xml",
            "word/styles.xml",
            "word/theme/theme1.xml",
        ]
        styles = package.read("word/styles.xml").decode()
    assert "Theme" not in styles and "theme" not in styles  # theme fonts would win


def test_a_form_carries_only_the_parts_it_needs(seed_outputs):
    with zipfile.ZipFile(seed_outputs / f"{SEED_YAML.stem}.docx") as package:
        names = package.namelist()
        size = sum(info.file_size for info in package.infolist())
    assert not [n for n in names if "stylesWithEffects" in n or "customXml" in n]
    assert not [n for n in names if "thumbnail" in n or "webSettings" in n]
    assert size < 150_000  # was 904,035 bytes with python-docx's default template
