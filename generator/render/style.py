"""The look of the official forms, read from `templates/form.style.yaml`: page, fonts, column
widths, colours. Both the DOCX and the XLSX writer take their measures from here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.declaration.load import load_resource

STYLE_FILE = "form.style.yaml"


class StyleError(Exception):
    """The style file is missing a value or has one of the wrong kind."""


@dataclass(frozen=True)
class Font:
    east_asian: str
    latin: str
    size: float  # points
    bold: bool


@dataclass(frozen=True)
class FormStyle:
    page_width: float  # millimetres
    page_height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    body: Font
    title: Font
    subtitle: Font
    label: Font
    layouts: dict[str, LayoutMeasures]
    label_fill: str
    border: str
    table_gap: float  # points
    line_spacing: float

    @property
    def text_width(self) -> float:
        """Millimetres between the left and right margins (portrait)."""
        return self.text_width_for(False)

    def text_width_for(self, landscape: bool) -> float:
        """Millimetres between the left and right margins, the page turned or not."""
        width = self.page_height if landscape else self.page_width
        return width - self.margin_left - self.margin_right

    def measures(self, layout: str, columns: int) -> LayoutMeasures:
        """The measures of layout template `layout`, which has `columns` columns. A layout
        with more columns than its style lists (one per year, say) repeats the last width;
        equal widths when the style file does not describe it."""
        found = self.layouts.get(layout)
        if found is None or not found.columns:
            return LayoutMeasures((1.0,) * columns, 12.0 * columns)
        widths = (found.columns + (found.columns[-1],) * columns)[:columns]
        scale = sum(widths) / sum(found.columns)
        return LayoutMeasures(widths, found.xlsx_width * scale, found.landscape)


@dataclass(frozen=True)
class LayoutMeasures:
    """Column widths of one layout: relative widths, and their total in Excel units."""

    columns: tuple[float, ...]
    xlsx_width: float
    landscape: bool = False

    def fractions(self) -> list[float]:
        total = sum(self.columns)
        return [w / total for w in self.columns]


def load_style(folder: Path) -> FormStyle:
    """Read `folder/form.style.yaml`."""
    path = folder / STYLE_FILE
    try:
        raw = load_resource(path)
        page, fonts = raw["page"], raw["fonts"]
        return FormStyle(
            page_width=float(page["width"]),
            page_height=float(page["height"]),
            margin_top=float(page["margin_top"]),
            margin_bottom=float(page["margin_bottom"]),
            margin_left=float(page["margin_left"]),
            margin_right=float(page["margin_right"]),
            body=_font(fonts["body"]),
            title=_font(fonts["title"]),
            subtitle=_font(fonts["subtitle"]),
            label=_font(fonts["label"]),
            layouts={
                name: LayoutMeasures(
                    tuple(float(w) for w in spec["columns"]),
                    float(spec["xlsx_width"]),
                    bool(spec.get("landscape", False)),
                )
                for name, spec in raw["layouts"].items()
            },
            label_fill=str(raw.get("label_fill") or ""),
            border=str(raw.get("border") or "000000"),
            table_gap=float(raw.get("table_gap", 6)),
            line_spacing=float(raw["line_spacing"]),
        )
    except OSError as error:
        raise StyleError(f"{path}: 无法读取：{error.strerror}") from None
    except (KeyError, TypeError, ValueError) as error:
        raise StyleError(f"{path}: 缺少或无效的设置 {error}") from None


def _font(raw: dict[str, Any]) -> Font:
    return Font(
        east_asian=str(raw["east_asian"]),
        latin=str(raw["latin"]),
        size=float(raw["size"]),
        bold=bool(raw.get("bold", False)),
    )
