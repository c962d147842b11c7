"""The domain's vocabularies, read from the package's data files: indicator taxonomy, target
operators, amount units. Code asks here; no list of domain words is written in Python."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from generator.load import load_resource

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Level1Spec:
    """One 一级指标 of the framework and the 二级 allowed under it."""

    name: str
    level2: tuple[str, ...]
    note_only: bool  # its 二级 may be listed without 三级 when the 一级 has a 说明


@dataclass(frozen=True)
class AmountUnit:
    """A 金额单位: its name, the decimal places allowed, its label on the forms, and what one
    of it is worth in 元."""

    name: str
    places: int
    label: str
    in_yuan: Decimal


@cache
def taxonomy() -> dict[str, Level1Spec]:
    """一级 name → its spec, in the framework's order."""
    raw = load_resource(DATA / "taxonomy.yaml")
    return {
        name: Level1Spec(name, tuple(spec["二级"]), bool(spec.get("note_only", False)))
        for name, spec in raw.items()
    }


@cache
def operators() -> dict[str, str]:
    """Operator as written (half-width, no spaces) → operator as printed."""
    return {str(k): str(v) for k, v in load_resource(DATA / "operators.yaml").items()}


@cache
def amount_units() -> dict[str, AmountUnit]:
    """金额单位 name → unit."""
    raw = load_resource(DATA / "units.yaml")
    return {
        name: AmountUnit(name, int(s["places"]), str(s["label"]), Decimal(str(s["in_yuan"])))
        for name, s in raw.items()
    }


def base_unit() -> AmountUnit:
    """The unit worth 1 元: what amounts in different units are converted to."""
    return next(unit for unit in amount_units().values() if unit.in_yuan == 1)


def in_unit(value: Decimal, unit: str, target: AmountUnit) -> Decimal:
    """`value` given in `unit`, expressed in `target`."""
    return value * amount_units()[unit].in_yuan / target.in_yuan


@cache
def level2_by_suffix() -> dict[str, tuple[str, ...]]:
    """二级 → the endings of 三级 names that belong to it (import inference)."""
    raw = load_resource(DATA / "import.yaml")["level2_by_suffix"]
    return {str(level2): tuple(str(s) for s in endings) for level2, endings in raw.items()}
