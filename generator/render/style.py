"""The look of the official forms, read from `generator/templates/form.style.yaml`: page, fonts,
column widths, colours. Both the DOCX and the XLSX writer take their measures from here.

Every layout template that is drawn (a kind's form, the index, the trend) takes its column
widths from the style's `layouts`; an entry there for no layout, or a layout drawn without one,
is a StyleError naming the key (widths are never made up in silence)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import ConfigError, Value, read_config
from generator.kinds.vocabulary import OPERATORS
from generator.render.layout import Layout, Table

STYLE_FILE = "form.style.yaml"


class StyleError(ConfigError):
    """The style file is missing a value or has one of the wrong kind."""


# What the style's measures may be: anything outside is a typo, not a design.
PAGE_MM = (50.0, 2000.0)
MARGIN_MM = (0.0, 500.0)
FONT_PT = (1.0, 100.0)
GAP_PT = (0.0, 100.0)
LINE_SPACING = (0.5, 5.0)
WIDTH = (0.1, 1000.0)  # relative column widths, and a layout's total width in Excel units


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
    operators: dict[str, str] = field(default_factory=dict)  # a target's operator → as printed
    source: Path = Path(STYLE_FILE)  # the style file, for messages

    def target(self, text: str) -> str:
        """A target as printed: its operator as the style prints it (">=90%" → "≥90%")."""
        for written in sorted(self.operators, key=len, reverse=True):
            if text.startswith(written):
                return self.operators[written] + text[len(written) :]
        return text

    @property
    def text_width(self) -> float:
        """Millimetres between the left and right margins (portrait)."""
        return self.text_width_for(False)

    def text_width_for(self, landscape: bool) -> float:
        """Millimetres between the left and right margins, the page turned or not."""
        width = self.page_height if landscape else self.page_width
        return width - self.margin_left - self.margin_right

    def check_columns(self, layout: Layout) -> None:
        """Every table of `layout` has as many columns as its style lists widths for, unless
        the style says the count varies (`repeat: true`): a StyleError otherwise, since the
        widths would be cut off or stretched in silence."""
        found = self._layout(layout.name)
        if found.repeat:
            return
        for table in (b for b in layout.blocks if isinstance(b, Table)):
            if table.columns != len(found.columns):
                raise StyleError(
                    f"{self.source}: layouts.{layout.name}.columns 有 {len(found.columns)} 个列宽，"
                    f"而布局模板 {layout.name} 的表格有 {table.columns} 列"
                    "（列数随内容变化的布局写 repeat: true）"
                )

    def measures(self, layout: str, columns: int) -> LayoutMeasures:
        """The measures of layout template `layout`, which has `columns` columns. A layout
        whose count varies (`repeat: true`: one column per year, say) repeats the last width,
        or takes the first ones. `check_columns` refuses any other difference."""
        found = self._layout(layout)
        widths = (found.columns + (found.columns[-1],) * columns)[:columns]
        scale = sum(widths) / sum(found.columns)
        return LayoutMeasures(widths, found.xlsx_width * scale, found.landscape)

    def _layout(self, name: str) -> LayoutMeasures:
        """The style's entry for layout `name`: a StyleError saying what to add when none."""
        found = self.layouts.get(name)
        if found is None:
            raise StyleError(
                f"{self.source}: layouts.{name}.columns 缺少该设置：布局模板 {name} 各列的相对宽度"
                f"（在 layouts 下加上 {name}: {{columns: [左起各列的宽度], xlsx_width: 总宽}}；"
                "各列等宽写 columns: [1] 和 repeat: true）"
            )
        return found


@dataclass(frozen=True)
class LayoutMeasures:
    """Column widths of one layout: relative widths, and their total in Excel units."""

    columns: tuple[float, ...]
    xlsx_width: float
    landscape: bool = False
    repeat: bool = False  # the layout's column count varies with its content

    def fractions(self) -> list[float]:
        total = sum(self.columns)
        return [w / total for w in self.columns]


def load_style(folder: Path, layouts: Collection[str]) -> FormStyle:
    """Read `folder/form.style.yaml`, checking every value: a wrong one would otherwise give a
    DOCX that Word cannot open (a colour or font name is written into its XML) or a traceback.
    `layouts` are the names of the layout templates that may be drawn (form-shanghai-department,
    index, …): an entry for any other name is a misspelling, refused."""
    try:
        raw = read_config(folder / STYLE_FILE).only(*_KEYS)
        page = raw.get("page").only(*_PAGE_KEYS)
        fonts = raw.get("fonts").only(*_FONTS)
        width = page.get("width").number(*PAGE_MM, "（毫米）")
        height = page.get("height").number(*PAGE_MM, "（毫米）")
        margins = {
            side: page.get(f"margin_{side}").number(*MARGIN_MM, "（毫米）")
            for side in ("top", "bottom", "left", "right")
        }
        if margins["left"] + margins["right"] >= width:
            raise page.get("margin_left").fail(f"左右页边距之和应小于页面宽度 {width:g} 毫米")
        if margins["top"] + margins["bottom"] >= height:
            raise page.get("margin_top").fail(f"上下页边距之和应小于页面高度 {height:g} 毫米")
        return FormStyle(
            page_width=width,
            page_height=height,
            margin_top=margins["top"],
            margin_bottom=margins["bottom"],
            margin_left=margins["left"],
            margin_right=margins["right"],
            body=_font(fonts.get("body")),
            title=_font(fonts.get("title")),
            subtitle=_font(fonts.get("subtitle")),
            label=_font(fonts.get("label")),
            layouts={
                name: _layout(name, spec, layouts)
                for name, spec in raw.get("layouts").mapping().items()
            },
            label_fill=raw.optional("label_fill", "").colour(),
            border=raw.optional("border", "").colour() or "000000",
            table_gap=raw.optional("table_gap", 6).number(*GAP_PT, "（磅）"),
            line_spacing=raw.get("line_spacing").number(*LINE_SPACING),
            operators={
                written: printed.text(xml=True)
                for written, printed in raw.optional("operators", {})
                .only(*sorted(OPERATORS))
                .mapping()
                .items()
            },
            source=folder / STYLE_FILE,
        )
    except ConfigError as error:
        raise StyleError(str(error)) from None


# The settings the style file may have, in its order: anything else is a typo, refused.
_KEYS = (
    "page",
    "fonts",
    "layouts",
    "label_fill",
    "border",
    "table_gap",
    "operators",
    "line_spacing",
)
_PAGE_KEYS = ("width", "height", "margin_top", "margin_bottom", "margin_left", "margin_right")
_FONTS = ("body", "title", "subtitle", "label")
_FONT_KEYS = ("east_asian", "latin", "size", "bold")
_LAYOUT_KEYS = ("columns", "xlsx_width", "landscape", "repeat")


def _font(raw: Value) -> Font:
    raw.only(*_FONT_KEYS)
    return Font(
        east_asian=raw.get("east_asian").text(xml=True),
        latin=raw.get("latin").text(xml=True),
        size=raw.get("size").number(*FONT_PT, "（磅）"),
        bold=raw.optional("bold", False).flag(),
    )


def _layout(name: str, raw: Value, known: Collection[str]) -> LayoutMeasures:
    if name not in known:
        raise raw.fail(f"不是布局模板的名称；可用：{'、'.join(sorted(known))}")
    raw.only(*_LAYOUT_KEYS)
    columns = tuple(width.number(*WIDTH) for width in raw.get("columns").items())
    if not columns:
        raise raw.get("columns").fail("至少要有一列")
    return LayoutMeasures(
        columns,
        raw.get("xlsx_width").number(*WIDTH),
        raw.optional("landscape", False).flag(),
        raw.optional("repeat", False).flag(),
    )
