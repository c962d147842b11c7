"""Old binary Office files (.xls, .et, .doc, .wps) converted to XLSX/DOCX by LibreOffice, for
import: most of an office's archive is in these formats, and the importer reads only the new.

Which files: those named .xls/.et (spreadsheets) or .doc/.wps (documents), and a file named
.xlsx/.xlsm/.docx whose content is an old binary file (it starts with the OLE signature: saved
as Excel 97-2003 and renamed, or encrypted). WPS saves .et and .wps in the Excel 97-2003 and
Word 97-2003 formats, so they are converted as those.

How: all the files of one run that need it are converted together, by one headless LibreOffice
process per kind (one for the spreadsheets, one for the documents; `--convert-to` writes one
format), with a private profile (a LibreOffice the user has open is neither used nor disturbed)
in a temporary folder that is removed afterwards, within a time limit. Each file is copied in
under a numbered name first (two files called 表.xls and 表.et would otherwise convert to one
表.xlsx, and a name starting with "-" would read as an option). The input filter is named
(MS Excel 97, MS Word 97): LibreOffice would otherwise open a damaged file as plain text and
"convert" its bytes. Nothing is printed: each file gets its converted bytes or why not.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.importing.docx import SAVE_DOCX
from generator.importing.ooxml import OLE_SIGNATURE
from generator.importing.xlsx import SAVE_XLSX
from generator.office import INSTALLED, Ran, find_office, run_office

ZIP_SIGNATURE = b"PK\x03\x04"
START_SECONDS = 120  # LibreOffice's first start with a new profile, on a slow office PC
FILE_SECONDS = 30  # and each file it converts


@dataclass(frozen=True)
class Family:
    """What an old file converts to: `suffix` (.xlsx, .docx), read by LibreOffice's `filter`;
    `format` names the old format in messages, `save` says how to save as the new one."""

    suffix: str
    filter: str
    format: str
    save: str


SPREADSHEET = Family(
    ".xlsx",
    "MS Excel 97",
    "Excel 97-2003 工作簿",
    SAVE_XLSX,
)
DOCUMENT = Family(
    ".docx",
    "MS Word 97",
    "Word 97-2003 文档",
    SAVE_DOCX,
)
# The old formats by suffix: what they are called, and what they convert to.
LEGACY: dict[str, tuple[str, Family]] = {
    ".xls": ("旧版 Excel 工作簿", SPREADSHEET),
    ".et": ("WPS 表格", SPREADSHEET),
    ".doc": ("旧版 Word 文档", DOCUMENT),
    ".wps": ("WPS 文字", DOCUMENT),
}
NEW: dict[str, Family] = {".xlsx": SPREADSHEET, ".xlsm": SPREADSHEET, ".docx": DOCUMENT}
INSTALL_HINT = (
    "安装 LibreOffice（https://zh-cn.libreoffice.org/）后再导入，导入时自动转换"
    "（装在别处的，把 soffice 所在的文件夹加入 PATH）"
)


@dataclass(frozen=True)
class Converted:
    """One file after conversion: the bytes of the new file (`suffix`), or, when `data` is
    None, why not (`problem`, with a `hint`); `broken` when LibreOffice itself could not run
    (a problem of the machine, not of the file)."""

    suffix: str
    data: bytes | None = None
    problem: str = ""
    hint: str = ""
    broken: bool = False
    note: str = ""  # for the YAML's first comment: how the file became `suffix`


def renamed(path: Path, family: Family) -> Converted | None:
    """An old-named file that is in fact a new one (a zip: saved as .xlsx and renamed .xls),
    read as that without LibreOffice; None for any other."""
    try:
        with path.open("rb") as stream:
            if stream.read(len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
                return None
        data = path.read_bytes()
    except OSError:
        return None
    return Converted(family.suffix, data, note=f"实为 {family.suffix} 文件")


def family_of(path: Path) -> Family | None:
    """What `path` converts to, or None when it is not an old binary file (by its suffix, or
    by its first bytes for one named as a new file; an unreadable file is left to the reader,
    which says why)."""
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        return LEGACY[suffix][1]
    if suffix not in NEW:
        return None
    try:
        with path.open("rb") as stream:
            start = stream.read(len(OLE_SIGNATURE))
    except OSError:
        return None
    return NEW[suffix] if start == OLE_SIGNATURE else None


def office() -> str | None:
    """The LibreOffice program: GENERATOR_SOFFICE, else on PATH (soffice, or libreoffice as
    some Linux packages call it), else where its installer puts it (INSTALLED)."""
    return find_office(INSTALLED)


def convert(files: dict[Path, Family], program: str) -> dict[Path, Converted]:
    """Every file of `files` converted by `program` (LibreOffice), in a temporary folder."""
    results: dict[Path, Converted] = {}
    with tempfile.TemporaryDirectory(prefix="import-", ignore_cleanup_errors=True) as folder:
        root = Path(folder)
        profile = (root / "profile").as_uri()
        for family in (SPREADSHEET, DOCUMENT):
            group = [path for path, of in files.items() if of is family]
            if group:
                results.update(_convert(group, family, program, profile, root / family.suffix[1:]))
    return results


def _convert(
    paths: list[Path], family: Family, program: str, profile: str, folder: Path
) -> dict[Path, Converted]:
    """`paths` converted to `family` by one LibreOffice process (its work in `folder`)."""
    inputs, outputs = folder / "in", folder / "out"
    inputs.mkdir(parents=True)
    copies: dict[Path, Path] = {}
    results: dict[Path, Converted] = {}
    for number, path in enumerate(paths, start=1):
        copy = inputs / f"{number}{path.suffix.lower()}"
        try:
            shutil.copyfile(path, copy)
        except OSError as error:
            why = f"无法读取（{error.strerror or error}）"
            results[path] = Converted(family.suffix, problem=why, broken=True)
            continue
        copies[path] = copy
    if not copies:
        return results
    seconds = START_SECONDS + FILE_SECONDS * len(copies)
    command = [
        program,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        f"--infilter={family.filter}",
        "--convert-to",
        family.suffix[1:],
        "--outdir",
        str(outputs),
        *(str(copy) for copy in copies.values()),
    ]
    ran, why_not = run_office(command, seconds)
    for path, copy in copies.items():
        made = outputs / f"{copy.stem}{family.suffix}"
        suffix = path.suffix.lower()
        if ran is Ran.UNSTARTED:
            why = f"无法启动 LibreOffice（{program}：{why_not}）来转换 {suffix} 文件；{family.save}"
            results[path] = Converted(family.suffix, problem=why, broken=True)
        elif ran is Ran.TIMED_OUT:
            results[path] = Converted(
                family.suffix,
                problem=f"用 LibreOffice 转换 {suffix} 文件超时（{seconds} 秒内没有完成）",
                hint=f"文件可能已损坏；{family.save}",
            )
        elif made.is_file():
            note = f"经 LibreOffice 转换为 {family.suffix}"
            results[path] = Converted(family.suffix, made.read_bytes(), note=note)
        else:
            results[path] = Converted(
                family.suffix,
                problem=(
                    f"LibreOffice 无法转换这个 {suffix} 文件：文件可能已损坏、设有打开密码，"
                    f"或不是 {family.format}格式"
                ),
                hint=f"如设有打开密码，先取消密码；{family.save}",
            )
    return results
