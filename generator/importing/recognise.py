"""Which form kind a filled-in form is, from what it prints: all from the kinds' definitions.

1. Its title: a kind whose title the form prints (项目支出绩效目标申报表, 上海市财政支出项目绩效
   目标申报表, 部门（单位）整体支出绩效目标申报表) is preferred; of titles inside one another,
   the longest printed one counts.
2. Its labels: the kind with most of its fields' and indicator columns' labels on the form;
   of kinds with as many, the one with most printed as its own keys rather than as aliases
   (部门（单位）名称 is the national forms' key, an alias of Shanghai's 部门名称).
3. Its indicator table: a kind whose indicator columns are missing from the form's header row
   of the indicator table (the landscape form's 指标值类型 … on a portrait form) fits less.
Two kinds that fit equally are a tie: the one with fewest fields is taken, and the caller says
so (W609).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.importing.grid import Grid
from generator.importing.labels import is_label, plain
from generator.importing.rules import level_words
from generator.kinds import FormKind, form_kinds


@dataclass(frozen=True)
class Recognised:
    kind: FormKind
    labels: int  # how many of its labels the form has (0: none of any kind's)
    tied: tuple[str, ...]  # other kinds that fit as well


def recognise(grid: Grid) -> Recognised:
    """The kind the form in `grid` fits best (see the module's docstring)."""
    cells = [[plain(cell) for cell in row] for row in grid.rows]
    texts = {cell for row in cells for cell in row if cell}
    titles = {kind.name: plain(kind.title) for kind in form_kinds().values()}
    printed = [t for t in set(titles.values()) if t and any(t in cell for cell in texts)]
    longest = max(printed, key=len, default="")

    def fit(kind: FormKind) -> tuple[int, int, int, int]:
        title = int(bool(longest) and titles[kind.name] == longest)
        fields = (*kind.fields, *kind.indicator)

        def printed(*keys: str) -> bool:
            return any(is_label(cell, plain(k)) for k in keys for cell in texts)

        found = sum(1 for spec in fields if printed(spec.key, *spec.aliases))
        own = sum(1 for spec in fields if printed(spec.key))
        return title, found, own, -_missing_columns(kind, cells)

    scored = [(fit(kind), kind) for kind in form_kinds().values()]
    best_fit = max(score for score, _ in scored)
    # of the kinds that fit best, the one with fewest fields (missing fewest of its own)
    best = max(
        (kind for score, kind in scored if score == best_fit),
        key=lambda kind: -len(kind.fields) - len(kind.indicator),
    )
    tied = tuple(kind.name for score, kind in scored if score == best_fit and kind is not best)
    return Recognised(best, best_fit[1], tied)


def _missing_columns(kind: FormKind, cells: list[list[str]]) -> int:
    """How many of the kind's printed indicator columns the form's indicator header row (the
    row with the kind's 三级 label) lacks; 0 when the form has no such row."""
    level3 = [plain(word) for word in level_words(kind.levels[2])]
    header = next(
        (row for row in cells if any(is_label(c, w) for c in row if c for w in level3)), None
    )
    if header is None:
        return 0
    return sum(
        1
        for spec in kind.indicator
        if spec.printed
        and not any(is_label(c, plain(k)) for k in (spec.key, *spec.aliases) for c in header if c)
    )
