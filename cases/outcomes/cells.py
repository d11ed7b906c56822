"""A figure for one group of rows: the :class:`Cell` (value, interval, n, denominator), every
figure of a cohort (:func:`compute`), the :class:`Results` a page reads, and their display."""

import dataclasses
import datetime

from django.conf import settings
from django.utils.translation import gettext, ngettext

from cases.models import Technique
from cases.outcomes import stats
from cases.outcomes.specs import (
    ALL_TECHNIQUES,
    GROUP_TECHNIQUES,
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
        return (
            self.value,
            self.low,
            self.high,
            self.n,
            self.denominator,
            self.patients,
            self.suppressed,
        )


def _finish(spec, denominator, values, patients):
    """The :class:`Cell` of ``spec`` from its denominator, the values of n and their patients."""
    n = len(values)
    if not n:
        return Cell(n=0, denominator=denominator)
    people = len(set(patients))
    if spec.kind == PROPORTION:
        successes = sum(1 for value in values if value)
        low, high = stats.wilson_interval(successes, n)
        return Cell(100 * successes / n, 100 * low, 100 * high, n, denominator, people)
    interval = stats.median_interval(values) or (None, None)
    return Cell(stats.median(values), *interval, n, denominator, people)


def compute_cell(spec, rows, context):
    """The :class:`Cell` of ``spec`` over ``rows`` (one group's rows)."""
    bucket = Bucket.of(rows, context, specs=(spec,))
    return _finish(spec, *bucket.figures[spec.key])


@dataclasses.dataclass
class Bucket:
    """What some rows of one technique give every figure, before figures are made of it.

    Buckets merge: the figures of a union of buckets are those of the union of their rows. The
    background refresh reads each row once into buckets (by technique, surgeon and quarter) and
    makes every filter's figures by merging buckets, instead of going over the rows again for
    each of the hundreds of filters it computes.
    """

    technique: str
    figures: dict  # spec key → [denominator, values of n, their patients]
    stay: list  # rows per STAY_BINS: 0, 1, 2, 3+ nights
    first: datetime.date | None = None
    last: datetime.date | None = None

    @classmethod
    def of(cls, rows, context, specs=None):
        """One bucket of ``rows`` (all of one technique, or one figure's group)."""
        specs = tuple(SPECS.values()) if specs is None else specs
        bucket = cls("", {spec.key: [0, [], []] for spec in specs}, [0, 0, 0, 0])
        for row in rows:
            bucket.add(row, context, specs)
        return bucket

    def add(self, row, context, specs):
        self.technique = row.technique
        for spec in specs:
            if spec.eligible(row, context):
                figure = self.figures[spec.key]
                figure[0] += 1
                value = spec.value(row, context)
                if value is not None:
                    figure[1].append(value)
                    figure[2].append(row.patient)
        if row.nights is not None:
            self.stay[min(row.nights, 3)] += 1
        if self.first is None or row.day < self.first:
            self.first = row.day
        if self.last is None or row.day > self.last:
            self.last = row.day

    def counts(self, key):
        """Whether at least one row of this bucket is in ``key``'s n."""
        return bool(self.figures[key][1])


def buckets(rows, context, by=()):
    """``{(technique, *by(row)): Bucket}``: each row read once, whatever it is later merged
    into. ``by`` are functions of a row (``lambda row: row.quarter``)."""
    specs = tuple(SPECS.values())
    found = {}
    for row in rows:
        key = (row.technique, *(part(row) for part in by))
        bucket = found.get(key)
        if bucket is None:
            bucket = found[key] = Bucket("", {spec.key: [0, [], []] for spec in specs}, [0] * 4)
        bucket.add(row, context, specs)
    return found


def _merged(spec_key, spec, chosen):
    denominator, values, patients = 0, [], []
    for bucket in chosen:
        figure = bucket.figures[spec_key]
        denominator += figure[0]
        values.extend(figure[1])
        patients.extend(figure[2])
    return _finish(spec, denominator, values, patients)


def _group_of(technique):
    return next(group for group in GROUPS if technique in GROUP_TECHNIQUES[group])


def compute_from(chosen, techniques=ALL_TECHNIQUES):
    """Every figure for the rows of the buckets ``chosen`` whose technique is in
    ``techniques``, as a JSON-ready dict: ``{"cells": {key: {group: cell}}, …}``."""
    chosen = [bucket for bucket in chosen if bucket.technique in techniques]
    by_group = {group: [] for group in GROUPS}
    for bucket in chosen:
        by_group[_group_of(bucket.technique)].append(bucket)
    cells = {
        key: {group: _merged(key, spec, by_group[group]).to_json() for group in GROUPS}
        for key, spec in SPECS.items()
    }
    firsts = [bucket.first for bucket in chosen if bucket.first is not None]
    lasts = [bucket.last for bucket in chosen if bucket.last is not None]
    incision = SPECS["incision_length"]
    return {
        "cells": cells,
        "stay": {
            group: [sum(bucket.stay[i] for bucket in by_group[group]) for i in range(4)]
            for group in GROUPS
        },
        "incision_by_technique": {
            technique: _merged(
                incision.key, incision, [b for b in chosen if b.technique == technique]
            ).to_json()
            for technique in Technique.values
            if technique in techniques
        },
        "period": [min(firsts).isoformat(), max(lasts).isoformat()] if firsts else [None, None],
    }


def compute(rows, context, techniques=ALL_TECHNIQUES):
    """Every figure for ``rows`` as a JSON-ready dict: ``{"cells": {key: {group: cell}}, …}``."""
    return compute_from(buckets(rows, context).values(), techniques)


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
    if spec.section == "completeness" and not spec.count_successes:
        # (Whose baseline it is, count_successes, is no follow-up to complete.)
        return cell.value is not None and cell.value < settings.OUTCOME_COMPLETENESS_MIN
    return cell.is_incomplete


def display_value(spec, cell):
    """ "75 %", "8 mm", "too few to report", or "—" without data."""
    if cell.suppressed:
        return gettext(TOO_FEW)
    if cell.value is None:
        return "—"
    number = _number(cell.value, spec.decimals)
    if spec.unit in COUNTED_UNITS:
        # "1 night", "1.5 nights": the singular only for a value that reads as exactly one.
        return COUNTED_UNITS[spec.unit](1 if number == "1" else 2) % {"value": number}
    return f"{number} %" if spec.unit == "%" else f"{number} {spec.unit}".strip()


# Units that are counted words, so that a figure reads "1 night", never "1 nights".
# Written out in full, so that makemessages finds each pair for the translators.
COUNTED_UNITS = {
    "nights": lambda n: ngettext("%(value)s night", "%(value)s nights", n),
    "days": lambda n: ngettext("%(value)s day", "%(value)s days", n),
    "points": lambda n: ngettext("%(value)s point", "%(value)s points", n),
}


def display_interval(spec, cell):
    """ "95 % CI 47–91 %", or "" when there is no interval (suppressed, no data, n < 6 for
    medians)."""
    if cell.suppressed or cell.low is None or cell.high is None:
        return ""
    unit = " %" if spec.unit == "%" else (f" {spec.unit}" if spec.unit else "")
    decimals = spec.decimals
    return gettext("95 %% CI %(low)s–%(high)s%(unit)s") % {
        "low": _number(cell.low, decimals),
        "high": _number(cell.high, decimals),
        "unit": unit,
    }


def display_count(spec, cell):
    """ "12 of 14 operated patients due at 2 weeks" (n of the denominator)."""
    if cell.suppressed:
        return gettext("fewer than %(n)s patients, or protected") % {"n": MIN_CELL_SIZE}
    n, denominator = cell.n, cell.denominator
    if spec.count_successes and cell.value is not None:
        n, denominator = round(cell.value * cell.n / 100), cell.n
    return gettext("%(n)s of %(denominator)s %(population)s") % {
        "n": n,
        "denominator": denominator,
        "population": spec.population,
    }
