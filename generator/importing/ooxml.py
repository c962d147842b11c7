"""Opening an Office Open XML package (XLSX, DOCX) for import without trusting it.

A package is a zip of XML parts. Before any part is parsed: the file must be a zip (an old
binary .xls/.doc, or an encrypted file, is named as such), hold at most LIMITS.parts members,
and each part read must unpack to at most LIMITS.xml_part_bytes. XML parts must be UTF-8 or
UTF-16, as Office writes them, and may not declare a DTD (<!DOCTYPE>, <!ENTITY>): Office never
writes one, and entity definitions are how XML bombs and external-entity reads work. Parts are
then parsed by lxml with entity resolution, DTD loading and network access turned off.

Only the parts the readers need are opened; problems raise FormReadError (E602, E603, E604,
E605) with the hint `save_hint` (how to save the file again from Excel, Word or WPS).
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from generator.importing.grid import LIMITS, TOO_BIG_HINT, FormReadError, read_error

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and encrypted .xlsx/.docx
PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
}
_PARSER = etree.XMLParser(**PARSER_OPTIONS)
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_END_OF_DIRECTORY = b"PK\x05\x06"


@dataclass(frozen=True)
class Package:
    """An opened package: `kind` (".xlsx", ".docx") and `save_hint` for messages."""

    source: str
    kind: str
    save_hint: str
    archive: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]  # by part name in lower case (OPC names ignore case)

    def error(self, code: str, message: str, hint: str | None = None) -> FormReadError:
        return read_error(self.source, code, message, self.save_hint if hint is None else hint)

    def read(self, name: str) -> bytes:
        """The unpacked bytes of part `name`, at most LIMITS.xml_part_bytes of them."""
        info = self.members.get(name.lower())
        if info is None:
            raise self.error("E603", f"不是有效的 {self.kind} 文件：缺少 {name}")
        if info.file_size > LIMITS.xml_part_bytes:
            raise self.error(
                "E604",
                f"{name} 解压后有 {info.file_size / 2**20:.1f} MB，"
                f"超过上限 {LIMITS.xml_part_bytes // 2**20} MB",
                TOO_BIG_HINT,
            )
        try:
            with self.archive.open(info) as stream:
                return stream.read(LIMITS.xml_part_bytes + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            RuntimeError,
            NotImplementedError,
            ValueError,
            OSError,
            struct.error,
        ) as e:
            raise self.error("E603", f"文件已损坏：无法解压 {name}（{e}）") from None

    def checked_xml(self, name: str) -> bytes:
        """The bytes of XML part `name`, refused if Office would not have written them."""
        data = self.read(name)
        encoding = _encoding(data)
        if encoding not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            raise self.error(
                "E603",
                f"{name} 的编码是 {encoding}，不是 Office 文件使用的 UTF-8 或 UTF-16",
            )
        text = data if encoding == "utf-8" else data.decode(encoding, "replace").encode()
        if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
            raise self.error(
                "E605",
                f"{name} 含有 <!DOCTYPE> 或 <!ENTITY> 声明：Office 不会写入这些，为安全起见不读取",
            )
        return data

    def xml(self, name: str) -> Any:
        """Part `name` parsed (its root element)."""
        data = self.checked_xml(name)
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as error:
            raise self.xml_error(name, error) from None

    def elements(self, name: str, tag: str) -> Iterator[Any]:
        """Every element `tag` of part `name`, streamed: each when it is complete (the caller
        clears what it has read)."""
        data = self.checked_xml(name)
        events = etree.iterparse(io.BytesIO(data), events=("end",), tag=tag, **PARSER_OPTIONS)
        try:
            for _, element in events:
                yield element
        except etree.XMLSyntaxError as error:
            raise self.xml_error(name, error) from None

    def xml_error(self, name: str, error: etree.XMLSyntaxError) -> FormReadError:
        return self.error(
            "E603", f"文件已损坏：{name} 不是有效的 XML（第 {error.lineno} 行：{error.msg}）"
        )

    def related(self, name: str, kind: str) -> list[str]:
        """The parts that part `name` ("" for the package) refers to by relationships whose
        type ends in `/kind` (officeDocument, worksheet …), in the order written."""
        return [target for type_, _, target in self.relationships(name) if type_ == kind]

    def relationships(self, name: str) -> list[tuple[str, str, str]]:
        """(type's last segment, id, target part) of every internal relationship of `name`."""
        folder, base = posixpath.split(name)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if name and rels_name.lower() not in self.members:
            return []
        found = []
        for element in self.xml(rels_name):
            if not isinstance(element.tag, str) or element.get("TargetMode") == "External":
                continue
            target = element.get("Target", "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join(folder, target))
            type_ = element.get("Type", "").rpartition("/")[2]
            found.append((type_, element.get("Id", ""), part))
        return found

    def main_part(self) -> str:
        """The package's main part (the workbook, the document)."""
        found = self.related("", "officeDocument")
        if not found:
            raise self.error("E603", f"不是有效的 {self.kind} 文件：找不到主文档")
        return found[0]


def open_package(data: bytes, source: str, kind: str, save_hint: str) -> Package:
    """The package in `data` (the bytes of a `kind` file), checked as described above."""
    if data.startswith(OLE_SIGNATURE):
        raise read_error(
            source,
            "E602",
            f"这个 {kind} 文件实为旧版 Office 格式（.xls/.doc）或设有打开密码",
            f"如设有打开密码，先取消密码；{save_hint}",
        )
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 65_557))
    if at >= 0 and len(data) >= at + 12:
        entries = int.from_bytes(data[at + 10 : at + 12], "little")  # 0xFFFF: a zip64 count
        if entries > LIMITS.parts:
            raise read_error(
                source,
                "E604",
                f"文件含有 {entries:,} 个部件，超过上限 {LIMITS.parts:,}",
                TOO_BIG_HINT,
            )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError, struct.error):
        raise read_error(
            source,
            "E603",
            f"不是有效的 {kind} 文件：内容不是 zip 格式",
            f"文件可能已损坏或改过扩展名；{save_hint}",
        ) from None
    if len(archive.infolist()) > LIMITS.parts:
        raise read_error(
            source,
            "E604",
            f"文件含有 {len(archive.infolist()):,} 个部件，超过上限 {LIMITS.parts:,}",
            TOO_BIG_HINT,
        )
    members = {info.filename.lower(): info for info in archive.infolist()}
    return Package(source, kind, save_hint, archive, members)


def local_name(element: Any) -> str:
    """The element's name without its namespace ("" for comments and processing
    instructions), so that both transitional and strict OOXML namespaces are read."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def attribute(element: Any, name: str) -> str | None:
    """The value of the attribute called `name` in any namespace (w:val, r:id)."""
    for key, value in element.attrib.items():
        if key.rpartition("}")[2] == name:
            return str(value)
    return None


def _encoding(data: bytes) -> str:
    """The encoding of an XML part as an XML parser detects it (XML 1.0 appendix F): from its
    byte order mark or first bytes, else from its declaration (default UTF-8)."""
    for signatures, name in _DETECTED:
        if data.startswith(signatures):
            return name
    declared = _ENCODING.match(data.removeprefix(codecs.BOM_UTF8))
    name = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    return "utf-8" if name.lower().replace("-", "").replace("_", "") == "utf8" else name


_DETECTED: tuple[tuple[tuple[bytes, ...], str], ...] = (
    ((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"), "UTF-32"),
    ((b"\x00\x00<\x00", b"\x00<\x00\x00"), "UCS-4"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
    ((b"<\x00?\x00",), "utf-16-le"),
    ((b"\x00<\x00?",), "utf-16-be"),
    ((b"Lo\xa7\x94",), "EBCDIC"),
)
