"""The domain's small vocabularies, read from the package's data files: amount units and target
operators. Code asks here; no list of domain words is written in Python."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from generator.kinds.spec import KindError

DATA = Path(__file__).resolve().parent.parent / "data"


def load_data(name: str) -> Any:
    """A data file of the package, parsed; KindError (with the file) when it cannot be."""
    from generator.declaration.load import load_resource  # the one module that reads YAML

    path = DATA / name
    try:
        return load_resource(path)
    except OSError as error:
        raise KindError(f"{path}: 无法读取：{error.strerror or error}") from None
    except ValueError as error:
        raise KindError(f"{path}: {error}") from None


@dataclass(frozen=True)
class AmountUnit:
    """A 金额单位: its name; the decimal places an amount may have and the fewest it prints
    with (a form prints all its amounts with as many as its most precise one needs, never
    fewer: nothing is rounded); its label on the forms; and what one of it is worth in 元."""

    name: str
    places: int
    print_places: int
    label: str
    in_yuan: Decimal


@cache
def amount_units() -> dict[str, AmountUnit]:
    """金额单位 name → unit."""
    source = DATA / "units.yaml"
    raw = load_data("units.yaml")
    if not isinstance(raw, dict) or not raw:
        raise KindError(f"{source}: 应为“单位: 设置”的映射")
    units = {}
    for name, spec in raw.items():
        try:
            unit = AmountUnit(
                str(name),
                int(spec["places"]),
                int(spec.get("print_places", spec["places"])),
                str(spec["label"]),
                Decimal(str(spec["in_yuan"])),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise KindError(f"{source}: {name}: 缺少或无效的设置 {error}") from None
        if not 0 <= unit.print_places <= unit.places <= 6 or unit.in_yuan <= 0:
            raise KindError(f"{source}: {name}: places 应在 0–6 之间且不小于 print_places")
        units[unit.name] = unit
    if not any(u.in_yuan == 1 for u in units.values()):
        raise KindError(f"{source}: 没有 in_yuan: 1 的单位（元）")
    return units


def base_unit() -> AmountUnit:
    """The unit worth 1 元: what amounts in different units are converted to."""
    return next(unit for unit in amount_units().values() if unit.in_yuan == 1)


def in_unit(value: Decimal, unit: str, target: AmountUnit) -> Decimal:
    """`value` given in `unit`, expressed in `target` (exactly: 1 万元 = 10000 元)."""
    return value * amount_units()[unit].in_yuan / target.in_yuan


@cache
def operators() -> dict[str, str]:
    """Operator as written (half-width, no spaces) → operator as printed."""
    raw = load_data("operators.yaml")
    if not isinstance(raw, dict):
        raise KindError(f"{DATA / 'operators.yaml'}: 应为“写法: 印法”的映射")
    return {str(k): str(v) for k, v in raw.items()}


@cache
def target_words() -> dict[str, tuple[str, ...]]:
    """Words of targets.yaml: what makes a target that starts with a number a date or period
    (定性) rather than a quantity missing its operator."""
    raw = load_data("targets.yaml")
    if not isinstance(raw, dict):
        raise KindError(f"{DATA / 'targets.yaml'}: 应为映射")
    return {str(k): tuple(str(w) for w in v) for k, v in raw.items()}
