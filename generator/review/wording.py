"""How a change of a number is said, in `diff` and `trend` alike: its direction and size, in
points where the unit is a share (=60% → =70% is `↑ +10 个百分点`, never "+16.67 %")."""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from generator.kinds.vocabulary import point_units

# Sums, differences and products of decimals are exact in this context, whatever their digits.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def number_change(old: Decimal, new: Decimal, unit: str = "") -> str:
    """`↑ +30`, `↓ −2 个百分点`; empty when the numbers are equal."""
    if new == old:
        return ""
    arrow = "↑" if new > old else "↓"
    delta = EXACT.subtract(new, old)
    points = point_units().get(unit)
    size = f"{arrow} {'+' if delta > 0 else '−'}{delta.copy_abs():f}"
    return f"{size} {points}" if points else size
