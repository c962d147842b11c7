"""The printable PDF of each built form (`build --pdf`): `<stem>.pdf` beside `<stem>.docx`,
converted from that DOCX by LibreOffice.

What is converted: a form of the build whose PDF is missing, was made from another DOCX, or was
changed since it was written; all of them by ONE headless LibreOffice process (its start costs
more than a form), with a private profile in a temporary folder (a LibreOffice the user has open
is neither used nor disturbed), within a time limit. Each DOCX goes in under a numbered name
(two departments' projects may share a file name; a name starting with "-" would read as an
option); each PDF is staged with the build's writer, so it takes its place with the other
outputs or not at all.

A PDF is recorded in the manifest like any output, as made from its DOCX (the SHA-256 of the
DOCX's bytes). A build without --pdf keeps a PDF whose DOCX is unchanged and removes one whose
DOCX it made anew, saying so: never a stale PDF beside a new DOCX.

Byte-stable: LibreOffice (before 24.2) stamps each PDF with the time of the conversion
(CreationDate) and derives its /ID and DocChecksum from it; these are set here, in place and at
the same length (the cross-reference offsets stay right), to the form's build time and to a
digest of the PDF's own bytes, so the same DOCX gives the same PDF bytes with the same
LibreOffice. A PDF whose fields are not where this expects them is left as LibreOffice wrote it.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from generator import office
from generator.build.manifest import Manifest
from generator.build.report import Report
from generator.build.write import Artifact, Writer
from generator.errors import EnvironmentProblem
from generator.render.package import build_time, source_date_epoch

SUFFIX = ".pdf"
START_SECONDS = 120  # LibreOffice's first start with a new profile, on a slow office PC
FILE_SECONDS = 20  # and each form it converts
INSTALL = (
    "build --pdf 要用 LibreOffice 把表格转换为 PDF，但没有找到它（soffice 或 libreoffice）。"
    "请安装 LibreOffice：Windows 从 https://zh-cn.libreoffice.org/ 下载安装，"
    "再把它的 program 文件夹（例如 C:\\Program Files\\LibreOffice\\program）加入 PATH，"
    f"或把环境变量 {office.VARIABLE} 设为 soffice.exe 的完整路径；"
    "Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "macOS：brew install --cask libreoffice。不加 --pdf 构建则不需要 LibreOffice"
)
AGAIN = "未写入任何文件；再试一次，或先不加 --pdf 构建"


class PdfError(EnvironmentProblem):
    """LibreOffice is not there, could not start, ran out of time or made no PDF."""


def office_program() -> str:
    """The LibreOffice program that converts the PDFs; PdfError saying how to install it."""
    program = office.find_office(office.INSTALLED)
    if program is None:
        raise PdfError(INSTALL)
    return program


@dataclass
class Prints:
    """The PDFs of one build: which are kept, which are converted (`program`; None: a build
    without --pdf, which converts none) and which go. `kept`/`rendered` are told of each form
    of the build with its DOCX; `stage` then converts what is needed and stages it."""

    out: Path
    report: Report
    program: str | None
    previous: Manifest = field(default_factory=Manifest)  # set by the build: its manifests
    manifest: Manifest = field(default_factory=Manifest)
    _folder: tempfile.TemporaryDirectory[str] | None = None
    _batch: list[str] = field(default_factory=list)  # keys, in the order of their numbers

    def __enter__(self) -> Prints:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._folder is not None:
            self._folder.cleanup()

    def expect(self, key: str) -> None:
        """Record in the manifest, before any page's links are made from it, the PDF the form
        `key` will have after this build: with --pdf, every form has one (kept or converted);
        without, one that is there and made from the DOCX this build makes again the same."""
        path = f"{key}{SUFFIX}"
        if self.program is not None or (self._same_docx(key) and (self.out / path).is_file()):
            self.manifest.files[path] = self.previous.files.get(path, "")  # set by _form

    def _same_docx(self, key: str) -> bool:
        """Whether the form `key` had a PDF made from a DOCX made from what its DOCX is made
        from now (the declaration as named, and everything else, by its digest)."""
        path, docx = f"{key}{SUFFIX}", f"{key}.docx"
        return path in self.previous.files and (
            self.previous.files.get(docx) == self.manifest.files.get(docx)
        )

    def kept(self, key: str) -> None:
        """The form `key` (<年度>/<slug>) was not rendered again: its DOCX in `out` is as built."""
        self._form(key, None)

    def rendered(self, key: str, docx: bytes) -> None:
        """The form `key` was rendered again, to `docx`."""
        self._form(key, docx)

    def _form(self, key: str, docx: bytes | None) -> None:
        path = f"{key}{SUFFIX}"
        made_from = self.manifest.sums[f"{key}.docx"]
        recorded = self.previous.files.get(path) == made_from
        target = self.out / path
        if recorded and target.is_file() and self._same_docx(key):
            if self.program is None or _sum(target) == self.previous.sums.get(path):
                self.manifest.files[path] = made_from
                if path in self.previous.sums:
                    self.manifest.sums[path] = self.previous.sums[path]
                self.report.kept += 1
                return
            self.report.notes.append(
                f"{target} 在上次构建之后被改过，已按 {key}.docx 重新生成；"
                "要改内容请改申报的 YAML 文件"
            )
        if self.program is None:
            self.manifest.files.pop(path, None)
            if path in self.previous.files and target.is_file():
                self.report.notes.append(
                    f"{target} 已删除：{key}.docx 已重新生成，旧的 PDF 与它不符"
                    "（要 PDF 请用 build --pdf 或 make pdf）"
                )
            return  # not in the manifest: an old one is removed with the outputs made no longer
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="pdf-", ignore_cleanup_errors=True)
            (Path(self._folder.name) / "in").mkdir()
        number = len(self._batch) + 1
        source = Path(self._folder.name) / "in" / f"{number}.docx"
        source.write_bytes(docx if docx is not None else (self.out / f"{key}.docx").read_bytes())
        self._batch.append(key)
        self.manifest.files[path] = made_from

    def stage(self, writer: Writer) -> None:
        """Convert every form that needs it by one LibreOffice and stage the PDFs; PdfError
        when LibreOffice could not start, ran out of time or left a form without its PDF."""
        if not self._batch or self._folder is None or self.program is None:
            return
        root = Path(self._folder.name)
        inputs, outputs = root / "in", root / "out"
        seconds = START_SECONDS + FILE_SECONDS * len(self._batch)
        command = [
            self.program,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outputs),
            *(str(inputs / f"{n}.docx") for n in range(1, len(self._batch) + 1)),
        ]
        epoch = source_date_epoch()
        environment = {"TZ": "UTC"}
        if epoch is not None:  # honoured by LibreOffice 24.2 and later
            environment["SOURCE_DATE_EPOCH"] = str(int(epoch.timestamp()))
        ran, why = office.run_office(command, seconds, environment)
        if ran is office.Ran.UNSTARTED:
            raise PdfError(f"无法启动 LibreOffice（{self.program}：{why}）来生成 PDF；{AGAIN}")
        if ran is office.Ran.TIMED_OUT:
            raise PdfError(
                f"LibreOffice 在 {seconds} 秒内没有把 {len(self._batch)} 份表格转换为 PDF，"
                f"已停止它；{AGAIN}"
            )
        for number, key in enumerate(self._batch, start=1):
            made = outputs / f"{number}{SUFFIX}"
            try:
                content = made.read_bytes()
            except OSError:
                raise PdfError(
                    f"LibreOffice 没有把 {self.out / key}.docx 转换为 PDF；{AGAIN}"
                ) from None
            content = stable_pdf(content, build_time(int(key.split("/")[0])))
            path = f"{key}{SUFFIX}"
            writer.stage(Artifact(path, content))
            self.manifest.sums[path] = hashlib.sha256(content).hexdigest()


def _sum(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


# What LibreOffice stamps a PDF with: the time of the conversion, and what it derives from it.
_CREATED = re.compile(rb"/CreationDate\(D:(\d{14})(Z'|[+-]\d\d'\d\d')\)")
_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


def stable_pdf(data: bytes, when: datetime) -> bytes:
    """`data` (a PDF written by LibreOffice) with its creation time set to `when` and its /ID
    and DocChecksum to a digest of the rest, each in place at its own length; `data` as it is
    when any of them is not found exactly once."""
    found = [list(pattern.finditer(data)) for pattern in (_CREATED, _ID, _CHECKSUM)]
    if any(len(matches) != 1 for matches in found):
        return data
    created, ident, checksum = (matches[0] for matches in found)
    zone = b"Z'" if created[2] == b"Z'" else b"+00'00'"
    stamp = when.strftime("%Y%m%d%H%M%S").encode()
    data = _replace(data, created.start(1), created.end(2), stamp + zone)
    blank = b"0" * 32
    for match, group in ((ident, 1), (ident, 2), (checksum, 1)):
        data = _replace(data, match.start(group), match.end(group), blank)
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest().upper().encode()
    for match, group in ((ident, 1), (ident, 2), (checksum, 1)):
        data = _replace(data, match.start(group), match.end(group), digest)
    return data


def _replace(data: bytes, start: int, end: int, new: bytes) -> bytes:
    assert len(new) == end - start  # in place: every offset after it stays right
    return data[:start] + new + data[end:]
