"""How a field's value prints on the forms and in reports, by its type and its kind's `print`
setting: amounts with the unit's decimals, 汇总 as "(汇总)", dates as 2024年1月15日, choices as
their text or as ☑/□ boxes, lists of texts as 目标1：…"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generator.declaration.model import Declaration, Goals, Record, Target, Value, format_amount
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import amount_units

CHECKED, UNCHECKED = "☑", "□"


def amount_places(decl: Declaration) -> int:
    """Decimals every amount of `decl` prints with: the unit's fewest, or as many as its most
    precise amount has (so nothing is rounded)."""
    places = amount_units()[decl.amount_unit].print_places
    for _, spec, value in decl.walk():
        if spec.type is FieldType.AMOUNT and isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, -exponent)
    return places


def show(spec: FieldSpec, value: Value | None, places: int = 2) -> str:
    """`value` of field `spec` as printed ("" when absent)."""
    if value is None:
        return ""
    kind = spec.type
    if kind is FieldType.BOOL:
        mapping = spec.print if isinstance(spec.print, dict) else {}
        return str(mapping.get(value, "是" if value else "否"))
    if kind is FieldType.AMOUNT and isinstance(value, Decimal):
        return format_amount(value, places)
    if kind is FieldType.PERCENT and isinstance(value, Decimal):
        return f"{value:.2f}%"
    if kind is FieldType.NUMBER and isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if kind is FieldType.DATE and isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if kind is FieldType.CHOICE and spec.print == "boxes":
        return "  ".join(f"{CHECKED if o == value else UNCHECKED}{o}" for o in spec.options)
    if kind is FieldType.TEXTS and isinstance(value, tuple):
        pattern = spec.print if isinstance(spec.print, str) else "{text}"
        return "\n".join(pattern.format(n=n, text=text) for n, text in enumerate(value, start=1))
    if isinstance(value, Target):
        return value.text
    if isinstance(value, (Record, Goals, tuple)):
        return ""  # a group, a list or the indicator tree prints through its parts
    return str(value)
