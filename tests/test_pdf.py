"""`build --pdf`: each form's PDF beside its DOCX, by one LibreOffice per build.

The bookkeeping (which forms are converted, kept, removed; one process; messages) is tested
with a stand-in `soffice` that copies each DOCX to its PDF and logs how it was called; what the
real LibreOffice prints (pages, A4, nothing cut off, header rows repeated, byte-stability) is
tested in tests/test_pdf_pages.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import DATA

from generator import office
from generator.build import pdf
from generator.build.pdf import INSTALL, stable_pdf
from generator.cli import main

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the stand-in soffice is a shell script"
)

FAKE = """#!/bin/sh
# A stand-in LibreOffice: logs its arguments (one line per run), copies each DOCX to <outdir>/<stem>.pdf
printf '%s\\n' "$*" >> "$FAKE_LOG"
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) shift; out="$1" ;;
    *.docx) mkdir -p "$out"; name=$(basename "$1" .docx)
            if [ "$name" != "$FAKE_SKIP" ]; then cp "$1" "$out/$name.pdf"; fi ;;
  esac
  shift
done
sleep "${FAKE_SLEEP:-0}"
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """GENERATOR_SOFFICE names the stand-in; returns its log (one line per run)."""
    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.write_text(FAKE, encoding="utf-8")
    program.chmod(0o755)
    log = tmp_path / "soffice.log"
    monkeypatch.setenv(office.VARIABLE, str(program))
    monkeypatch.setenv("FAKE_LOG", str(log))
    return log


def runs(log: Path) -> list[list[str]]:
    """Each run of the stand-in: the DOCX files it was given (their names)."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return [[Path(a).name for a in line.split() if a.endswith(".docx")] for line in lines]


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    """A copy of the fixture forms of every kind (tests/data/forms)."""
    shutil.copytree(DATA / "forms", tmp_path / "forms")
    return tmp_path / "forms"


def build(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["build", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


FORMS = [
    "landscape-1",
    "landscape-2",
    "landscape-3",
    "national-1",
    "national-1/学生资助",
    "national-1/教师培训",
    "national-1/校舍维修改造",
    "national-2",
    "national-3",
    "shanghai-1",
    "shanghai-1/库房改造",
    "shanghai-1/档案利用服务",
    "shanghai-1/档案数字化",
    "shanghai-2",
    "shanghai-3",
]


def test_every_form_gets_its_pdf_beside_its_docx_from_one_libreoffice(
    fake, forms, tmp_path, capsys
):
    out = tmp_path / "out"
    status, _, err = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert status == 0
    assert (
        sorted(p.relative_to(out / "2024").with_suffix("").as_posix() for p in out.rglob("*.pdf"))
        == FORMS
    )
    for name in FORMS:  # the stand-in copies: each PDF is made from its own form's DOCX
        assert (out / f"2024/{name}.pdf").read_bytes() == (out / f"2024/{name}.docx").read_bytes()
    [run] = runs(fake)
    assert run == [f"{n}.docx" for n in range(1, len(FORMS) + 1)]  # numbered: names may repeat
    command = fake.read_text(encoding="utf-8").split()
    profile = next(a for a in command if a.startswith("-env:UserInstallation=file:///"))
    assert "--headless" in command and "--convert-to" in command
    assert not Path(profile.split("=", 1)[1].removeprefix("file://")).exists()  # removed after
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    for name in FORMS:
        docx = hashlib.sha256((out / f"2024/{name}.docx").read_bytes()).hexdigest()
        assert manifest["files"][f"2024/{name}.pdf"] == docx  # made from that DOCX
        assert manifest["sums"][f"2024/{name}.pdf"] == docx  # (the stand-in's PDF is a copy)
    assert f"写入 {len(FORMS) * 5 + 3 + 2 * 2 + 1} 个文件" in err  # and the page of every year


def test_only_a_form_whose_docx_changed_or_whose_pdf_is_missing_is_converted_again(
    fake, forms, tmp_path, capsys
):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    assert len(runs(fake)) == 1  # nothing to convert: LibreOffice is not even started
    source = forms / "2024" / "national-2.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("示例", "样例"), encoding="utf-8")
    (out / "2024/shanghai-1/档案数字化.pdf").unlink()
    status, _, _ = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert status == 0 and runs(fake)[1:] == [["1.docx", "2.docx"]]
    assert (out / "2024/national-2.pdf").read_bytes() == (out / "2024/national-2.docx").read_bytes()
    assert (out / "2024/shanghai-1/档案数字化.pdf").is_file()


def test_a_pdf_changed_by_hand_is_made_again_with_a_warning(fake, forms, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    (out / "2024/national-3.pdf").write_bytes(b"%PDF annotated")
    status, _, err = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert status == 0 and runs(fake)[1:] == [["1.docx"]]
    assert (
        f"警告：{out / '2024/national-3.pdf'} 在上次构建之后被改过，已按 2024/national-3.docx "
        "重新生成；要改内容请改申报的 YAML 文件"
    ) in err.splitlines()
    assert (out / "2024/national-3.pdf").read_bytes() == (out / "2024/national-3.docx").read_bytes()


def test_a_build_without_pdf_keeps_current_pdfs_and_removes_stale_ones(
    fake, forms, tmp_path, capsys
):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    source = forms / "2024" / "national-2.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("示例", "样例"), encoding="utf-8")
    status, _, err = build(capsys, str(forms), "--out", str(out))
    assert status == 0 and len(runs(fake)) == 1
    assert not (out / "2024/national-2.pdf").exists()  # never a stale PDF beside a new DOCX
    assert (
        f"警告：{out / '2024/national-2.pdf'} 已删除：2024/national-2.docx 已重新生成，"
        "旧的 PDF 与它不符（要 PDF 请用 build --pdf 或 make pdf）"
    ) in err.splitlines()
    assert "删除 1 个过时文件" in err
    kept = sorted(
        p.relative_to(out / "2024").with_suffix("").as_posix() for p in out.rglob("*.pdf")
    )
    assert kept == [name for name in FORMS if name != "national-2"]
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert "2024/national-2.pdf" not in manifest["files"]
    assert "2024/national-3.pdf" in manifest["files"]
    # … and --pdf again makes just that one
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    assert runs(fake)[1:] == [["1.docx"]]


def test_a_declaration_removed_takes_its_pdf_with_it(fake, forms, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    (forms / "2024" / "national-1" / "学生资助.yaml").unlink()
    status, _, err = build(capsys, str(forms), "--out", str(out))
    assert status == 0
    assert "删除 5 个过时文件" in err  # its DOCX, XLSX, Markdown, web page and PDF
    assert not list((out / "2024/national-1").glob("学生资助.*"))
    assert (out / "2024/national-1/教师培训.pdf").is_file()


def test_a_subset_built_with_pdf_leaves_the_others_pdfs_alone(fake, forms, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    status, _, _ = build(capsys, str(forms / "2024" / "landscape-2.yaml"), "--out", str(out))
    assert status == 0
    assert len(list(out.rglob("*.pdf"))) == len(FORMS)
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert all(f"2024/{name}.pdf" in manifest["files"] for name in FORMS)


def test_a_pdf_of_ones_own_at_an_outputs_name_stops_the_build(fake, forms, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out))[0] == 0
    (out / "2024/national-3.pdf").write_bytes(b"%PDF mine")
    status, _, err = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert status == 2
    assert err == (
        f"错误：{(out / '2024/national-3.pdf').resolve()}：不是构建生成的文件（构建记录 "
        ".manifest.json 中没有它），不会覆盖；请把它移走或删除，再构建\n"
    )
    assert (out / "2024/national-3.pdf").read_bytes() == b"%PDF mine"
    assert not (out / "2024/national-2.pdf").exists()


def test_without_libreoffice_build_pdf_says_how_to_install_it(forms, tmp_path, capsys, monkeypatch):
    empty = tmp_path / "no-office"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(office.VARIABLE, raising=False)
    monkeypatch.setattr(office, "INSTALLED", ())
    status, out, err = build(capsys, str(forms), "--out", str(tmp_path / "out"), "--pdf")
    assert (status, out) == (2, "")
    assert err == (
        "错误：build --pdf 要用 LibreOffice 把表格转换为 PDF，但没有找到它（soffice 或 "
        "libreoffice）。请安装 LibreOffice：Windows 从 https://zh-cn.libreoffice.org/ 下载安装，"
        "再把它的 program 文件夹（例如 C:\\Program Files\\LibreOffice\\program）加入 PATH，"
        "或把环境变量 GENERATOR_SOFFICE 设为 soffice.exe 的完整路径；Debian/Ubuntu：sudo "
        "apt-get install libreoffice-writer-nogui fonts-noto-cjk；macOS：brew install --cask "
        "libreoffice。不加 --pdf 构建则不需要 LibreOffice\n"
    )
    assert err == f"错误：{INSTALL}\n"
    assert not (tmp_path / "out").exists()
    # … and without --pdf the build needs none
    assert build(capsys, str(forms), "--out", str(tmp_path / "out"))[0] == 0


def test_generator_soffice_naming_no_file_is_an_error_naming_it(
    forms, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv(office.VARIABLE, str(tmp_path / "nowhere" / "soffice.exe"))
    status, _, err = build(capsys, str(forms), "--out", str(tmp_path / "out"), "--pdf")
    assert status == 2
    assert err == (
        f"错误：环境变量 GENERATOR_SOFFICE 的值“{tmp_path / 'nowhere' / 'soffice.exe'}”不是 "
        "LibreOffice 程序（没有这个文件）：应为 soffice 的完整路径，例如 "
        "C:\\Program Files\\LibreOffice\\program\\soffice.exe；改正它，或删除它以在 PATH 中查找 "
        "soffice\n"
    )


def test_generator_soffice_may_name_the_program_folder(fake, forms, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(office.VARIABLE, str(tmp_path / "bin"))
    assert build(capsys, str(forms), "--out", str(tmp_path / "out"), "--pdf")[0] == 0
    assert len(runs(fake)) == 1


def test_a_libreoffice_that_takes_too_long_is_stopped_and_nothing_is_written(
    fake, forms, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("FAKE_SLEEP", "30")
    monkeypatch.setattr(pdf, "START_SECONDS", 1)
    monkeypatch.setattr(pdf, "FILE_SECONDS", 0)
    out = tmp_path / "out"
    started = datetime.now(UTC)
    status, _, err = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert (datetime.now(UTC) - started).total_seconds() < 20  # killed, not waited for
    assert status == 2
    assert err == (
        f"错误：LibreOffice 在 1 秒内没有把 {len(FORMS)} 份表格转换为 PDF，已停止它；"
        "未写入任何文件；再试一次，或先不加 --pdf 构建\n"
    )
    assert not list(out.rglob("*.docx"))


def test_a_form_libreoffice_made_no_pdf_of_stops_the_build(
    fake, forms, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("FAKE_SKIP", "3")  # the third form of the batch
    out = tmp_path / "out"
    status, _, err = build(capsys, str(forms), "--out", str(out), "--pdf")
    assert status == 2
    assert err == (
        f"错误：LibreOffice 没有把 {out / '2024/landscape-3'}.docx 转换为 PDF；"
        "未写入任何文件；再试一次，或先不加 --pdf 构建\n"
    )
    assert not list(out.rglob("*.docx"))


def test_a_libreoffice_that_cannot_start_is_an_error(forms, tmp_path, capsys, monkeypatch):
    program = tmp_path / "soffice"
    program.write_text("not a program", encoding="utf-8")  # not executable
    monkeypatch.setenv(office.VARIABLE, str(program))
    status, _, err = build(capsys, str(forms), "--out", str(tmp_path / "out"), "--pdf")
    assert status == 2
    assert err == (
        f"错误：无法启动 LibreOffice（{program}：Permission denied）来生成 PDF；"
        "未写入任何文件；再试一次，或先不加 --pdf 构建\n"
    )


# -- the conversion's time stamp and what LibreOffice derives from it ----------------------

STAMPED = (
    b"%PDF-1.6\n1 0 obj\n<</Producer<FEFF>\n/CreationDate(D:20261127132139Z')>>\nendobj\n"
    b"trailer\n<</Size 2/Root 1 0 R\n/ID [ <309CA4830A0D3D533F32732B1D7A5603>\n"
    b"<309CA4830A0D3D533F32732B1D7A5603> ]\n/DocChecksum /5D07C08C05CC82E04F8FF65144079460\n"
    b">>\nstartxref\n0\n%%EOF\n"
)


def test_a_pdf_is_stamped_with_the_build_time_and_a_digest_of_its_content_in_place():
    when = datetime(2024, 1, 1, tzinfo=UTC)
    stable = stable_pdf(STAMPED, when)
    assert len(stable) == len(STAMPED)  # every offset after them stays right
    assert b"/CreationDate(D:20240101000000Z')" in stable
    later = STAMPED.replace(b"20261127132139", b"20261127140000").replace(b"309CA", b"11111")
    assert stable_pdf(later, when) == stable
    other = STAMPED.replace(b"FEFF", b"FEFE")  # another content: another /ID
    assert stable_pdf(other, when)[-120:] != stable[-120:]


def test_a_pdf_stamped_in_another_time_zone_keeps_its_length():
    zoned = STAMPED.replace(b"Z')", b"+08'00')")
    stable = stable_pdf(zoned, datetime(2024, 1, 1, tzinfo=UTC))
    assert len(stable) == len(zoned)
    assert b"/CreationDate(D:20240101000000+00'00')" in stable


def test_a_pdf_without_those_fields_is_left_as_it_is():
    bare = STAMPED.replace(b"/DocChecksum", b"/Other")
    assert stable_pdf(bare, datetime(2024, 1, 1, tzinfo=UTC)) == bare


def test_import_finds_libreoffice_by_generator_soffice_too(fake, tmp_path, monkeypatch):
    from generator.importing import legacy

    empty = tmp_path / "no-office"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert legacy.office() == str(tmp_path / "bin" / "soffice")


def _links_pdf(page: Path) -> bool:
    return f'href="{quote(page.stem)}.pdf"' in page.read_text(encoding="utf-8")


def test_each_page_links_its_pdf_exactly_when_the_pdf_is_there(fake, forms, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(capsys, str(forms), "--out", str(out))[0] == 0
    assert not any(_links_pdf(out / f"2024/{name}.html") for name in FORMS)  # none made
    assert build(capsys, str(forms), "--out", str(out), "--pdf")[0] == 0
    assert all(_links_pdf(out / f"2024/{name}.html") for name in FORMS)
    # a form changed and built without --pdf loses its PDF, and its page the link; the others
    # keep both
    source = forms / "2024" / "national-2.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("示例", "样例"), encoding="utf-8")
    assert build(capsys, str(forms), "--out", str(out))[0] == 0
    for name in FORMS:
        page, there = out / f"2024/{name}.html", (out / f"2024/{name}.pdf").is_file()
        assert there == (name != "national-2") == _links_pdf(page), name


def test_a_page_and_its_pdf_agree_when_the_same_tree_is_named_another_way(
    fake, forms, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert build(capsys, "forms", "--out", str(out), "--pdf")[0] == 0
    assert build(capsys, str(forms), "--out", str(out))[0] == 0  # the same files, named whole
    for name in FORMS:
        page, there = out / f"2024/{name}.html", (out / f"2024/{name}.pdf").is_file()
        assert there == _links_pdf(page), name


def test_generator_soffice_naming_a_folder_without_the_program_says_so(
    forms, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv(office.VARIABLE, str(tmp_path))
    status, _, err = build(capsys, str(forms), "--out", str(tmp_path / "out"), "--pdf")
    assert status == 2
    assert err == (
        f"错误：环境变量 GENERATOR_SOFFICE 的值“{tmp_path}”是一个文件夹，其中没有 soffice "
        "（soffice.exe、soffice 或 libreoffice）：应为 LibreOffice 的 program 文件夹或 soffice 的"
        "完整路径，例如 C:\\Program Files\\LibreOffice\\program；改正它，或删除它以在 PATH 中查找 "
        "soffice\n"
    )
