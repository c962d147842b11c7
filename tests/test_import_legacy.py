"""import of old binary Office files (.xls, .et, .doc, .wps, and such a file named .xlsx/.docx)
through LibreOffice: real old files, made in tmp_path by LibreOffice from the forms we build,
import as their declaration; all the old files of a run are converted by one LibreOffice per
kind of file, in a temporary folder removed afterwards; a damaged file, a conversion that does
not finish and a LibreOffice that cannot start each give one message; without LibreOffice each
old file says how to install it or save the file again. Tests that need LibreOffice follow
tests/test_office.py: skipped where it is not installed, failed under CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from test_import_kinds import FORMS, as_printed, import_to, in_place

from generator.cli import main
from generator.declaration.sources import read_checked
from generator.importing import legacy

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui",
)
SAVE_XLSX = "在 Excel 或 WPS 中打开，另存为 → Excel 工作簿 (*.xlsx) 后再导入"
SAVE_DOCX = "在 Word 或 WPS 中打开，另存为 → Word 文档 (*.docx) 后再导入"
INSTALL = (
    "安装 LibreOffice（https://zh-cn.libreoffice.org/）后再导入，导入时自动转换"
    "（装在别处的，把 soffice 所在的文件夹加入 PATH）"
)
WHOLE = Path("2024/national-1.yaml")  # a 整体 form
PROJECT = Path("2024/shanghai-1/档案数字化.yaml")  # a project form
OTHERS = [Path("2024/shanghai-1.yaml"), Path("2024/national-1/学生资助.yaml")]  # for a folder
OLD = {".xls": "xlsx", ".et": "xlsx", ".doc": "docx", ".wps": "docx"}  # what each is made from


OLD_BINARY = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)  # an OLE file's start: .xls, .doc


@pytest.fixture(scope="module")
def built_forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture of tests/data/forms built: the output folder."""
    from generator.build.build import build

    root = tmp_path_factory.mktemp("built")
    shutil.copytree(FORMS, root / "declarations")
    assert build([root / "declarations"], root / "out").ok
    return root / "out"


@pytest.fixture(scope="module")
def old_files(tmp_path_factory: pytest.TempPathFactory, built_forms: Path) -> Path:
    """WHOLE, PROJECT and OTHERS built, and saved by LibreOffice as Excel 97-2003 (.xls) and Word
    97-2003 (.doc) files; .et and .wps are those files so named, as WPS saves them. Returns
    the folder holding <fixture stem>.<suffix> for each."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("legacy")
    made = root / "old"
    built = [built_forms / fixture for fixture in (WHOLE, PROJECT, *OTHERS)]
    # LibreOffice 7.4 saving our DOCX straight as .doc loses a project form's second table:
    # the .doc files are saved from the documents as LibreOffice's own (.odt), as it reads them
    office_files(root, [f.with_suffix(".docx") for f in built], "odt", root / "odt")
    office_files(root, [f.with_suffix(".xlsx") for f in built], "xls", made)
    office_files(root, [root / "odt" / f"{f.stem}.odt" for f in built], "doc", made)
    for fixture in (WHOLE, PROJECT, *OTHERS):
        for suffix, copy in ((".xls", ".et"), (".doc", ".wps")):
            shutil.copy(made / f"{fixture.stem}{suffix}", made / f"{fixture.stem}{copy}")
    return made


def office_files(root: Path, sources: list[Path], suffix: str, folder: Path) -> None:
    """`sources` saved as `suffix` into `folder` by one LibreOffice."""
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless",
         "--convert-to", suffix, "--outdir", str(folder), *map(str, sources)],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip


def no_office(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH without LibreOffice (and no LibreOffice where its installers put it)."""
    empty = tmp_path / "no-office"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(legacy, "INSTALLED", ())


def fake_office(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str) -> Path:
    """A PATH whose soffice is the shell `script` (the folder it is in is returned)."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / "soffice"
    program.write_text(script, encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def own_temp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temporary folder of the test's own, to see that the conversion leaves nothing."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["import", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


# -- with LibreOffice -----------------------------------------------------------------------


@needs_office
@pytest.mark.parametrize("suffix", list(OLD))
@pytest.mark.parametrize("fixture", [WHOLE, PROJECT], ids=str)
def test_an_old_file_imports_as_its_declaration(
    old_files, tmp_path, monkeypatch, capsys, fixture, suffix
):
    temp = own_temp(monkeypatch, tmp_path)
    path = old_files / f"{fixture.stem}{suffix}"
    target = in_place(fixture, tmp_path / "imported")
    status, lines = import_to(path, target, capsys)
    assert lines == [f"{path} → {target}"]  # not a warning: every cell placed
    assert status == 0
    imported = read_checked(target)
    assert imported.diagnostics == ()
    assert as_printed(imported.declaration) == as_printed(read_checked(FORMS / fixture).declaration)
    second = target.read_text(encoding="utf-8").splitlines()[1]
    assert second.startswith(f"# 由 {path.name} 导入（经 LibreOffice 转换为 .{OLD[suffix]}；表样：")
    assert list(temp.iterdir()) == []  # the conversion's folder and profile are gone


@needs_office
def test_the_old_files_of_a_run_are_converted_by_one_libreoffice_per_kind(
    old_files, tmp_path, monkeypatch, capsys
):
    """Two files of one name (表.xls, 表.et) are two forms; a file named -x.doc is no option."""
    log = tmp_path / "calls.txt"
    fake_office(monkeypatch, tmp_path, f'#!/bin/sh\necho "$@" >> {log}\nexec {SOFFICE} "$@"\n')
    temp = own_temp(monkeypatch, tmp_path)
    folder = tmp_path / "收到的表"
    folder.mkdir()
    shutil.copy(old_files / "national-1.xls", folder / "表.xls")
    shutil.copy(old_files / "档案数字化.et", folder / "表.et")
    shutil.copy(old_files / "shanghai-1.doc", folder / "-x.doc")
    shutil.copy(old_files / "学生资助.wps", folder / "表.wps")
    year = tmp_path / "declarations" / "2024"
    status, out, err = run(capsys, str(folder), "--into", str(year))
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{folder / '-x.doc'} → {year / '示例区档案馆.yaml'}",
        f"{folder / '表.et'} → {year / '示例区档案馆' / '档案数字化.yaml'}",
        f"{folder / '表.wps'} → {year / '示例县教育局' / '学生资助.yaml'}",
        f"{folder / '表.xls'} → {year / '示例县教育局.yaml'}",
        "4 个文件：写入 4 个，未导入 0 个，未写入 0 个",
    ]
    assert main(["check", str(year)]) == 0
    calls = log.read_text(encoding="utf-8").splitlines()
    assert len(calls) == 2
    assert "--infilter=MS Excel 97 --convert-to xlsx" in calls[0]
    assert calls[0].count(".xls") + calls[0].count(".et") == 2
    assert "--infilter=MS Word 97 --convert-to docx" in calls[1]
    assert calls[1].count(".doc") + calls[1].count(".wps") == 2
    assert list(temp.iterdir()) == []


@needs_office
@pytest.mark.parametrize(("old", "named"), [(".xls", ".xlsx"), (".doc", ".docx")])
def test_an_old_file_named_as_a_new_one_is_converted(old_files, tmp_path, capsys, old, named):
    path = tmp_path / f"national-1{named}"
    shutil.copy(old_files / f"national-1{old}", path)
    target = in_place(WHOLE, tmp_path / "imported")
    assert import_to(path, target, capsys) == (0, [f"{path} → {target}"])
    assert as_printed(read_checked(target).declaration) == as_printed(
        read_checked(FORMS / WHOLE).declaration
    )


@needs_office
def test_each_file_libreoffice_cannot_convert_says_so_and_the_others_import(
    old_files, tmp_path, monkeypatch, capsys
):
    """Damaged files (the signature of an old file, or of an encrypted new one, then noise; an
    .xls cut short; text named .doc) among good ones: one message each, the good one read."""
    temp = own_temp(monkeypatch, tmp_path)
    folder = tmp_path / "收到的表"
    folder.mkdir()
    noise = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 16
    (folder / "损坏.xls").write_bytes(noise)
    (folder / "加密.xlsx").write_bytes(noise)
    (folder / "截断.xls").write_bytes((old_files / "national-1.xls").read_bytes()[:5000])
    (folder / "文本.doc").write_text("部门名称\t测试局\n", encoding="utf-8")
    shutil.copy(old_files / "national-1.xls", folder / "好.xls")
    year = tmp_path / "declarations" / "2024"
    status, out, err = run(capsys, str(folder), "--into", str(year))
    assert status == 1
    excel = ("Excel 97-2003 工作簿", SAVE_XLSX)
    failed = [("加密.xlsx", *excel), ("截断.xls", *excel), ("损坏.xls", *excel),
              ("文本.doc", "Word 97-2003 文档", SAVE_DOCX)]  # fmt: skip
    assert out.splitlines() == [
        f"{(folder / name).as_posix()}:1:1: E606 LibreOffice 无法转换这个 {Path(name).suffix} "
        f"文件：文件可能已损坏、设有打开密码，或不是 {what}格式（提示：如设有打开密码，先取消密码；"
        f"{save}）"
        for name, what, save in failed
    ]
    assert err.splitlines() == [
        f"{folder / '加密.xlsx'}：未导入（见上）",
        f"{folder / '好.xls'} → {year / '示例县教育局.yaml'}",
        f"{folder / '截断.xls'}：未导入（见上）",
        f"{folder / '损坏.xls'}：未导入（见上）",
        f"{folder / '文本.doc'}：未导入（见上）",
        "5 个文件：写入 1 个，未导入 4 个，未写入 0 个",
    ]
    assert list(temp.iterdir()) == []


# -- a LibreOffice that does not finish, or cannot start (a stand-in for it) --------------------


def test_a_conversion_that_does_not_finish_in_time_is_stopped(tmp_path, monkeypatch, capsys):
    started = tmp_path / "started.txt"
    fake_office(monkeypatch, tmp_path, f"#!/bin/sh\nsleep 60 &\necho $! > {started}\nwait\n")
    monkeypatch.setattr(legacy, "START_SECONDS", 1)
    monkeypatch.setattr(legacy, "FILE_SECONDS", 1)
    temp = own_temp(monkeypatch, tmp_path)
    path = tmp_path / "表.doc"
    path.write_bytes(OLD_BINARY)
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path.as_posix()}:1:1: E606 用 LibreOffice 转换 .doc 文件超时（2 秒内没有完成）"
        f"（提示：文件可能已损坏；{SAVE_DOCX}）\n"
        f"{path}：未导入（见上）\n"
    )
    sleeper = int(started.read_text(encoding="utf-8"))
    for _ in range(50):  # what it started is stopped too (killed: gone within moments)
        if not running(sleeper):
            break
        time.sleep(0.1)
    assert not running(sleeper)
    assert list(temp.iterdir()) == []


def running(pid: int) -> bool:
    """Whether process `pid` runs (a stopped one may wait, a zombie, for its parent to go)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_libreoffice_that_cannot_start_is_a_problem_of_the_machine(tmp_path, monkeypatch, capsys):
    fake_office(monkeypatch, tmp_path, "#!/nonexistent/interpreter\n")
    path = tmp_path / "表.et"
    path.write_bytes(OLD_BINARY)
    status, out, err = run(capsys, str(path))
    program = tmp_path / "bin" / "soffice"
    assert (status, out) == (2, "")
    assert err == (
        f"错误：{path}：无法启动 LibreOffice（{program}：No such file or directory）"
        f"来转换 .et 文件；{SAVE_XLSX}\n"
    )


# -- without LibreOffice ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "what", "save"),
    [
        (".xls", "旧版 Excel 工作簿", SAVE_XLSX),
        (".et", "WPS 表格", SAVE_XLSX),
        (".doc", "旧版 Word 文档", SAVE_DOCX),
        (".wps", "WPS 文字", SAVE_DOCX),
    ],
)
def test_without_libreoffice_an_old_file_says_how_to_read_it(
    tmp_path, monkeypatch, capsys, suffix, what, save
):
    no_office(monkeypatch, tmp_path)
    path = tmp_path / f"申报表{suffix}"
    path.write_bytes(OLD_BINARY)
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path.as_posix()}:1:1: E602 不能读取 {suffix} 文件（{what}）：没有找到 LibreOffice 来转换"
        f"（提示：{INSTALL}；或{save}）\n"
        f"{path}：未导入（见上）\n"
    )


def test_without_libreoffice_every_old_file_of_a_folder_says_so_once(tmp_path, monkeypatch, capsys):
    no_office(monkeypatch, tmp_path)
    folder = tmp_path / "收到的表"
    folder.mkdir()
    for name in ("a.xls", "b.doc"):
        (folder / name).write_bytes(OLD_BINARY)
    status, out, err = run(capsys, str(folder), "--into", str(tmp_path / "out"))
    assert status == 1
    assert [line.split(": E602 ")[0] for line in out.splitlines()] == [
        f"{(folder / 'a.xls').as_posix()}:1:1",
        f"{(folder / 'b.doc').as_posix()}:1:1",
    ]
    assert err.splitlines()[-1] == "2 个文件：写入 0 个，未导入 2 个，未写入 0 个"


@pytest.mark.parametrize(("suffix", "save"), [(".xlsx", SAVE_XLSX), (".docx", SAVE_DOCX)])
def test_without_libreoffice_an_old_file_named_as_a_new_one_says_what_it_is(
    tmp_path, monkeypatch, capsys, suffix, save
):
    no_office(monkeypatch, tmp_path)
    path = tmp_path / f"申报表{suffix}"
    path.write_bytes(OLD_BINARY)
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path.as_posix()}:1:1: E602 这个 {suffix} 文件实为旧版 Office 格式（.xls/.doc）"
        f"或设有打开密码（提示：如设有打开密码，先取消密码；{save}）\n"
        f"{path}：未导入（见上）\n"
    )


def test_a_pdf_is_not_supported_with_or_without_libreoffice(tmp_path, capsys):
    path = tmp_path / "申报表.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path.as_posix()}:1:1: E602 不支持 PDF 文件（提示：用申报表的原文件（Excel 或 Word）导入；"
        "可读取的格式：.xlsx/.xlsm、.docx、制表符分隔的文本 .txt/.tsv）\n"
        f"{path}：未导入（见上）\n"
    )


@pytest.mark.parametrize(("new", "named"), [("xlsx", ".xls"), ("docx", ".wps")])
def test_a_new_file_given_an_old_name_is_read_as_what_it_is(
    built_forms, tmp_path, monkeypatch, capsys, new, named
):
    no_office(monkeypatch, tmp_path)  # not needed for it
    path = tmp_path / f"national-1{named}"
    shutil.copy(built_forms / WHOLE.with_suffix(f".{new}"), path)
    target = in_place(WHOLE, tmp_path / "imported")
    assert import_to(path, target, capsys) == (0, [f"{path} → {target}"])
    second = target.read_text(encoding="utf-8").splitlines()[1]
    assert second.startswith(f"# 由 {path.name} 导入（实为 .{new} 文件；表样：全国整体，")
    assert as_printed(read_checked(target).declaration) == as_printed(
        read_checked(FORMS / WHOLE).declaration
    )
