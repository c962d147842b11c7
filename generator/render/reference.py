"""The reference DOCX every form's DOCX starts from (generator/templates/reference.docx):
python-docx's default document cut down to the parts a form needs.

python-docx's default carries a second copy of its styles for Word 2010 (stylesWithEffects.xml,
which Word wants to agree with styles.xml and which ours would not), some 260 latent and unused
styles, a thumbnail, customXml, numbering, web settings and Mac Word's namespaces: about 800 KB
to compress into every form. What is kept: the document with its section, styles.xml with the
document defaults and the four default styles (Normal, 默认段落字体, 普通表格, 无列表) naming
no theme font, settings.xml without revision ids, maths, theme and shape settings, the font
table and the theme (Word expects both; no style names a theme font), plain core and
application properties.

Made by `make reference`, the same bytes on every run; tests/test_office_schema.py checks that the
committed file is what this makes. The base package of each build (render/docx.py) is this file
with the style file's page, fonts and paragraph styles applied.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CORE = f"{_PACKAGE_RELS}/metadata/core-properties"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_MAIN = f"{_OFFICE}.wordprocessingml"
_XML = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_SETTINGS_KEPT = ("zoom", "defaultTabStop", "characterSpacingControl", "compat")
_SETTINGS_AFTER = ("decimalSymbol", "listSeparator")  # kept, in the schema's order
_COMPAT_KEPT = ("useFELayout", "compatSetting")
_COMPAT_SETTINGS = ("compatibilityMode", "overrideTableStyleFontSizeAndJustification")
_DATE = (1980, 1, 1, 0, 0, 0)


def reference_docx() -> bytes:
    """The reference DOCX's bytes (the same on every run)."""
    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        styles = package.read("word/styles.xml")
        settings = package.read("word/settings.xml")
        fonts = package.read("word/fontTable.xml")
        theme = package.read("word/theme/theme1.xml")
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _relationships(
            [
                ("rId1", f"{_OFFICE_RELS}/officeDocument", "word/document.xml"),
                ("rId2", _CORE, "docProps/core.xml"),
                ("rId3", f"{_OFFICE_RELS}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "docProps/core.xml": _core(),
        "docProps/app.xml": _XML
        + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Application>budget-declarations</Application></Properties>',
        "word/document.xml": _document(),
        "word/_rels/document.xml.rels": _relationships(
            [
                ("rId1", f"{_OFFICE_RELS}/styles", "styles.xml"),
                ("rId2", f"{_OFFICE_RELS}/settings", "settings.xml"),
                ("rId3", f"{_OFFICE_RELS}/fontTable", "fontTable.xml"),
                ("rId4", f"{_OFFICE_RELS}/theme", "theme/theme1.xml"),
            ]
        ),
        "word/styles.xml": _styles(styles),
        "word/settings.xml": _settings(settings),
        "word/fontTable.xml": fonts,
        "word/theme/theme1.xml": theme,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same bytes on Windows
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _content_types() -> bytes:
    overrides = [
        ("/word/document.xml", f"{_MAIN}.document.main+xml"),
        ("/word/styles.xml", f"{_MAIN}.styles+xml"),
        ("/word/settings.xml", f"{_MAIN}.settings+xml"),
        ("/word/fontTable.xml", f"{_MAIN}.fontTable+xml"),
        ("/word/theme/theme1.xml", f"{_OFFICE}.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
    ]
    return (
        _XML + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides).encode()
        + b"</Types>"
    )


def _relationships(items: list[tuple[str, str, str]]) -> bytes:
    return (
        _XML
        + f'<Relationships xmlns="{_PACKAGE_RELS}">'.encode()
        + "".join(
            f'<Relationship Id="{i}" Type="{kind}" Target="{target}"/>' for i, kind, target in items
        ).encode()
        + b"</Relationships>"
    )


def _core() -> bytes:
    return (
        _XML + b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    )


def _document() -> bytes:
    return (
        _XML
        + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body><w:sectPr>'.encode()
        + b'<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" '
        b'w:bottom="1440" w:left="1800" w:header="720" w:footer="720" w:gutter="0"/>'
        b'<w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body>'
        b"</w:document>"
    )


def _styles(data: bytes) -> bytes:
    """docDefaults and the default style of each type (Normal, Default Paragraph Font, Normal
    Table, No List), nothing else; no theme fonts."""
    root = etree.fromstring(data)
    kept = etree.Element(f"{{{W}}}styles", nsmap={"w": W})
    for child in root:
        if child.tag == f"{{{W}}}docDefaults" or child.get(f"{{{W}}}default") == "1":
            kept.append(child)
    for element in list(kept.iter()):
        if element.tag == f"{{{W}}}rsid":  # revision ids of the template's own editing
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if name.lower().endswith("theme") or name.startswith(f"{{{W}}}rsid"):
                del element.attrib[name]
    return _XML + bytes(etree.tostring(_clean(kept), encoding="UTF-8"))


def _settings(data: bytes) -> bytes:
    root = etree.fromstring(data)
    kept = etree.Element(f"{{{W}}}settings", nsmap={"w": W})
    for name in (*_SETTINGS_KEPT, *_SETTINGS_AFTER):
        child = root.find(f"{{{W}}}{name}")
        if child is not None:
            kept.append(child)
    compat = kept.find(f"{{{W}}}compat")
    if compat is not None:
        for child in list(compat):
            local = etree.QName(child).localname
            if local not in _COMPAT_KEPT or (
                local == "compatSetting" and child.get(f"{{{W}}}name") not in _COMPAT_SETTINGS
            ):
                compat.remove(child)
    return _XML + bytes(etree.tostring(_clean(kept), encoding="UTF-8"))


def _clean(root: etree._Element) -> etree._Element:
    """`root` with the namespaces it no longer uses dropped."""
    etree.cleanup_namespaces(root)
    return root
