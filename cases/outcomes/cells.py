"""A figure for one group of rows: the :class:`Cell` (value, interval, n, denominator), every
figure of a cohort (:func:`compute`), the :class:`Results` a page reads, and their display."""

import dataclasses
import datetime

from django.conf import settings

from cases.models import Technique
from cases.outcomes import stats
from cases.outcomes.specs import (
    ALL_TECHNIQUES,
    GROUPS,
    MIN_CELL_SIZE,
    PROPORTION,
    SPECS,
    TOO_FEW,
    TRAJECTORY_MEASURES,
    TRAJECTORY_POINTS,
)


@dataclasses.dataclass(frozen=True)
class Cell:
    """One figure for one group: value (a % for proportions), 95 % CI, n, denominator."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0
    denominator: int = 0
    patients: int = 0  # distinct patients behind n (what small-cell protection counts)
    suppressed: bool = False

    @property
    def completeness(self):
        """n ÷ denominator as a percentage, or None without a denominator."""
        return None if not self.denominator else 100 * self.n / self.denominator

    @property
    def is_incomplete(self):
        completeness = self.completeness
        return completeness is not None and completeness < settings.OUTCOME_COMPLETENESS_MIN

    def blanked(self):
        return Cell(suppressed=True)

    def to_json(self):
        return dataclasses.astuple(self)


def compute_cell(spec, rows, context):
    """The :class:`Cell` of ``spec`` over ``rows`` (one group's rows)."""
    denominator, values, patients = 0, [], set()
    for row in rows:
        if not spec.eligible(row, context):
            continue
        denominator += 1
        value = spec.value(row, context)
        if value is not None:
            values.append(value)
            patients.add(row.patient)
    n = len(values)
    if not n:
        return Cell(n=0, denominator=denominator)
    if spec.kind == PROPORTION:
        successes = sum(1 for value in values if value)
        low, high = stats.wilson_interval(successes, n)
        return Cell(100 * successes / n, 100 * low, 100 * high, n, denominator, len(patients))
    interval = stats.median_interval(values) or (None, None)
    return Cell(stats.median(values), *interval, n, denominator, len(patients))


def _stay_counts(rows):
    nights = [row.nights for row in rows if row.nights is not None]
    return [
        sum(1 for n in nights if n == 0),
        sum(1 for n in nights if n == 1),
        sum(1 for n in nights if n == 2),
        sum(1 for n in nights if n >= 3),
    ]


def compute(rows, context, techniques=ALL_TECHNIQUES):
    """Every figure for ``rows`` as a JSON-ready dict: ``{"cells": {key: {group: cell}}, …}``."""
    by_group = {group: [] for group in GROUPS}
    for row in rows:
        if row.technique in techniques:
            by_group[row.group].append(row)
    cells = {
        key: {group: compute_cell(spec, by_group[group], context).to_json() for group in GROUPS}
        for key, spec in SPECS.items()
    }
    days = [row.day for row in rows if row.technique in techniques]
    return {
        "cells": cells,
        "stay": {group: _stay_counts(by_group[group]) for group in GROUPS},
        "incision_by_technique": {
            technique: compute_cell(
                SPECS["incision_length"],
                [row for row in rows if row.technique == technique],
                context,
            ).to_json()
            for technique in Technique.values
            if technique in techniques
        },
        "period": [min(days).isoformat(), max(days).isoformat()] if days else [None, None],
    }


@dataclasses.dataclass
class Results:
    """What a page shows, read from a computed dict: cells by figure and group."""

    data: dict
    as_of: datetime.date
    thresholds: list
    suppressed_view: bool = False
    is_updating: bool = False
    computed_at: datetime.datetime | None = None

    def cell(self, key, group):
        return Cell(*self.data["cells"][key][group])

    @property
    def period(self):
        first, last = self.data["period"]
        return (
            first and datetime.date.fromisoformat(first),
            last and datetime.date.fromisoformat(last),
        )

    def figures(self, section="table"):
        """``[(spec, {group: Cell})]`` of a section, in declaration order."""
        return [
            (spec, {group: self.cell(spec.key, group) for group in GROUPS})
            for spec in SPECS.values()
            if spec.section == section
        ]

    def stay_distribution(self):
        """``{group: [count per STAY_BINS] or None}`` (None where the length of stay is hidden)."""
        return {
            group: None
            if self.cell("length_of_stay", group).suppressed
            else self.data["stay"][group]
            for group in GROUPS
        }

    def trajectory(self):
        """``{group: {measure: [median or None per TRAJECTORY_POINTS]}}``."""
        return {
            group: {
                measure: [
                    self.cell(f"trajectory_{measure}_{point}", group).value
                    for point in TRAJECTORY_POINTS
                ]
                for measure in TRAJECTORY_MEASURES
            }
            for group in GROUPS
        }

    def incision_by_technique(self):
        """``[(technique label, Cell)]`` for the techniques in view."""
        # In the techniques' own order: a PostgreSQL JSON column does not keep the keys' order.
        cells = self.data["incision_by_technique"]
        return [
            (label, Cell(*cells[technique]))
            for technique, label in Technique.choices
            if technique in cells
        ]


# --- display ------------------------------------------------------------------------------------


def _number(value, decimals):
    return f"{value:.{decimals}f}"


def is_incomplete(spec, cell):
    """Whether ``cell`` is marked for low follow-up: its own completeness (n ÷ denominator) or,
    for a completeness figure, its value, below ``OUTCOME_COMPLETENESS_MIN`` %."""
    if cell.suppressed:
        return False
    if spec.section == "completeness":
        return cell.value is not None and cell.value < settings.OUTCOME_COMPLETENESS_MIN
    return cell.is_incomplete


def display_value(spec, cell):
    """ "75 %", "8 mm", "too few to report", or "—" without data."""
    if cell.suppressed:
        return TOO_FEW
    if cell.value is None:
        return "—"
    number = _number(cell.value, spec.decimals)
    return f"{number} %" if spec.unit == "%" else f"{number} {spec.unit}".strip()


def display_interval(spec, cell):
    """ "95 % CI 47–91 %", or "" when there is no interval (suppressed, no data, n < 6 for
    medians)."""
    if cell.suppressed or cell.low is None or cell.high is None:
        return ""
    unit = " %" if spec.unit == "%" else (f" {spec.unit}" if spec.unit else "")
    decimals = spec.decimals
    return f"95 % CI {_number(cell.low, decimals)}–{_number(cell.high, decimals)}{unit}"


def display_count(spec, cell):
    """ "12 of 14 operated patients due at 2 weeks" (n of the denominator)."""
    if cell.suppressed:
        return f"fewer than {MIN_CELL_SIZE} patients, or protected"
    return f"{cell.n} of {cell.denominator} {spec.population}"
