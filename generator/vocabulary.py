"""The domain's vocabularies, read from the package's data files: indicator taxonomy, target
operators, amount units. Code asks here; no list of domain words is written in Python.

Each file is read on first use and checked as it is read: a malformed one raises ConfigError
naming the file and the key (a configuration error, exit 2), never a traceback later on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from generator.config import ConfigError, read_config

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
    raw = read_config(DATA / "taxonomy.yaml")
    return {
        name: Level1Spec(name, spec.get("二级").texts(), spec.optional("note_only", False).flag())
        for name, spec in raw.mapping().items()
    }


@cache
def operators() -> dict[str, str]:
    """Operator as written (half-width, no spaces) → operator as printed."""
    raw = read_config(DATA / "operators.yaml")
    return {written: printed.text() for written, printed in raw.mapping().items()}


@cache
def amount_units() -> dict[str, AmountUnit]:
    """金额单位 name → unit."""
    raw = read_config(DATA / "units.yaml")
    units = {
        name: AmountUnit(
            name,
            spec.get("places").integer(0, 10),
            spec.get("label").text(),
            spec.get("in_yuan").decimal(),
        )
        for name, spec in raw.mapping().items()
    }
    if not any(unit.in_yuan == 1 for unit in units.values()):
        raise ConfigError(f"{raw.file}: 没有 in_yuan 为 1 的单位（金额换算成元时要用它）")
    return units


def base_unit() -> AmountUnit:
    """The unit worth 1 元: what amounts in different units are converted to."""
    return next(unit for unit in amount_units().values() if unit.in_yuan == 1)


def in_unit(value: Decimal, unit: str, target: AmountUnit) -> Decimal:
    """`value` given in `unit`, expressed in `target`."""
    return value * amount_units()[unit].in_yuan / target.in_yuan


@cache
def level2_by_suffix() -> dict[str, tuple[str, ...]]:
    """二级 → the endings of 三级 names that belong to it (import inference)."""
    raw = read_config(DATA / "import.yaml").get("level2_by_suffix")
    return {level2: endings.texts() for level2, endings in raw.mapping().items()}
