"""A change of order in a list, as `diff` reports it: whether the items found on both sides
(tasks, indicators of one 二级, the 二级 of one 一级, texts of a list) are printed in another
order, which of them moved, and the old and new order named briefly. Items added or removed
move the others on the form but change no order; only the items on both sides are compared."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NAME_LENGTH = 12  # characters of an item's name shown in an order (longer names end in …)
MOVES_SHOWN = 3  # moves named one by one; more are counted


@dataclass(frozen=True)
class Reorder:
    """How the items on both sides were reordered: `old`/`new` name them in their order on
    each side, from the first to the last that changed place (`…` for the ones around);
    `moves` says which moved where (positions on the form, from 1)."""

    old: str
    new: str
    moves: str


def reorder(
    old_names: Sequence[str], new_names: Sequence[str], matched: Sequence[tuple[int, int]]
) -> Reorder | None:
    """The change of order of the items `matched` (pairs of their positions in `old_names`
    and `new_names`), or None when they keep their order. The items said to move are the
    fewest that explain the new order; the others stay."""
    by_old = sorted(matched)
    by_new = sorted(matched, key=lambda pair: pair[1])
    if by_old == by_new:
        return None
    staying = set(_longest_increasing([new for _, new in by_old]))
    moved = [(old, new) for old, new in by_new if new not in staying]
    moves = [
        f"“{excerpt(new_names[new])}”从第 {old + 1} 位移到第 {new + 1} 位"
        for old, new in moved[:MOVES_SHOWN]
    ]
    if len(moved) > MOVES_SHOWN:
        moves.append(f"……共 {len(moved)} 项换了位置")
    first = next(i for i, (a, b) in enumerate(zip(by_old, by_new, strict=True)) if a != b)
    last = max(i for i, (a, b) in enumerate(zip(by_old, by_new, strict=True)) if a != b)
    return Reorder(
        _span([old_names[old] for old, _ in by_old], first, last),
        _span([new_names[new] for _, new in by_new], first, last),
        "；".join(moves),
    )


def excerpt(name: str, length: int = NAME_LENGTH) -> str:
    flat = " ".join(name.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _span(names: list[str], first: int, last: int) -> str:
    shown = [excerpt(name) for name in names[first : last + 1]]
    return "、".join(
        (["…"] if first > 0 else []) + shown + (["…"] if last < len(names) - 1 else [])
    )


def _longest_increasing(values: list[int]) -> list[int]:
    """A longest strictly increasing subsequence of `values`, the one that keeps the earliest
    values where several are as long (so that of two items swapped, the later one moved)."""
    longest_from = [1] * len(values)
    for i in range(len(values) - 1, -1, -1):
        for j in range(i + 1, len(values)):
            if values[j] > values[i]:
                longest_from[i] = max(longest_from[i], longest_from[j] + 1)
    chosen: list[int] = []
    wanted = max(longest_from, default=0)
    for i, value in enumerate(values):
        if longest_from[i] == wanted and (not chosen or value > chosen[-1]):
            chosen.append(value)
            wanted -= 1
    return chosen
