"""The clinic's outcome figures: declared once, computed over one cohort, kept current.

* :data:`SPECS` declares every figure — what it counts, over whom, and how — as data: a
  **proportion** (shown with the Wilson 95 % interval) or a **median** (with the order-statistic
  95 % interval); see :mod:`cases.stats`. Every figure carries its *n* (patients with a value),
  its *denominator* (those it was drawn from: operated patients, or those due at a timepoint) and
  so its completeness; below ``OUTCOME_COMPLETENESS_MIN`` % the figure is marked.
* The cohort is :mod:`cases.cohort`'s rows: valid procedures, the baseline being the consult of
  the procedure's decision, follow-ups counted only when answered inside their window. MISS is
  the three minimally invasive techniques; a MISS procedure converted to open stays MISS
  (intention to treat, what a patient choosing MISS faces).
* **Snapshots, off the request path.** :func:`refresh` reads the cohort and stores a
  :class:`~cases.models.FigureSnapshot`: the rows, the clinical team's unfiltered figures, every
  aggregate the editors can request (already protected, below) and the articles' figures. A
  saved clinical record enqueues :func:`cases.tasks.refresh_outcome_figures` after its commit;
  pages read the newest snapshot, so the dashboard, its CSV and every article show the same
  numbers. A page that finds the snapshot older than the newest clinical change (or than today)
  asks for a refresh too and says the figures are being updated.
* **Small cells.** Whatever leaves the clinical team (the editors' view and CSV, figures in
  articles) is suppressed below ``MIN_CELL_SIZE`` patients, and the editors' filters are whole
  calendar quarters or years that have ended and techniques — never a day or a surgeon. The
  periods and techniques nest (a quarter in its year, a year in the articles' years, a
  technique in MISS in all), so two requests could be differenced: a cell is also suppressed
  when a larger cell holding all its patients has between 1 and 9 more (:func:`_protect`).
  Articles count whole completed calendar years (``OUTCOME_ARTICLE_YEARS``), the largest cell
  an editor can ask for, so their figures change once a year, or when a record of those years
  is entered or corrected.
"""

import dataclasses
import datetime
import functools

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from cases import cohort, stats
from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FigureSnapshot,
    FollowUp,
    MinimalImportantChange,
    Procedure,
    Technique,
    Timepoint,
)
from education import figures

MIN_CELL_SIZE = figures.MIN_CELL_SIZE
TOO_FEW = "too few to report"
GROUPS = ("miss", "open")
GROUP_LABELS = {"miss": "MISS", "open": "Open surgery"}
GROUP_TECHNIQUES = {"miss": frozenset(cohort.MISS_TECHNIQUES), "open": frozenset({Technique.OPEN})}
ALL_TECHNIQUES = frozenset(Technique.values)
# Length-of-stay distribution bins (nights): 0, 1, 2, 3 or more.
STAY_BINS = ("0", "1", "2", "3+")
MEASURES = (("nrs_back", "back", "NRS back pain"), ("nrs_leg", "leg", "NRS leg pain"))
TRAJECTORY_MEASURES = ("nrs_back", "nrs_leg", "odi")
PROPORTION, MEDIAN = "proportion", "median"


def active_thresholds():
    """The active MIC set chosen by ``settings.OUTCOME_MIC_SET``, keyed by measure.

    Returns ``{"nrs_back": MinimalImportantChange, "nrs_leg": …, "odi": …}`` (one query). Each
    threshold has ``points``, ``relative_percent`` (or None), ``citation``, ``version`` and
    ``is_reached(baseline, value)``. A measure missing from the set is missing from the dict.
    """
    return MinimalImportantChange.objects.active().by_measure()


# --- the figures, declared ----------------------------------------------------------------------

# The claims of the clinic's MISS article (education/content/miss-spinal-herniations.md).
CLAIMS = {
    "incision": "Incisions as small as one inch",
    "discharge": "Patients often go home the same day or the next",
    "improvement": "Many patients feel improvement within a few days",
    "recovery": "Full recovery within a few weeks to a couple of months",
    "complications": "Lower risk of infection and complications",
    "satisfaction": "Higher patient satisfaction",
    "change": "Less pain and better function",
}


@dataclasses.dataclass(frozen=True)
class Spec:
    """One figure: over which rows (``eligible``, the denominator) and what each row gives.

    ``value(row, context)`` returns None when the row has no value (it is then not in n), True or
    False for a proportion, a number for a median.
    """

    key: str
    label: str
    kind: str
    population: str  # the denominator in words: "operated patients due at 2 weeks"
    eligible: object
    value: object
    unit: str = ""
    claim: str = ""
    decimals: int = 0
    section: str = "table"  # "table", "completeness" or "trajectory"
    timepoint: str = ""


def _always(row, context):
    return True


def _due(timepoint):
    return lambda row, context: row.visit(timepoint).is_due


def _old(days):
    return lambda row, context: (context["as_of"] - row.day).days >= days


def _answered(timepoint, read):
    def value(row, context):
        visit = row.visit(timepoint)
        return read(row, visit, context) if visit.is_answered else None

    return value


def _gain(baseline, field):
    def read(row, visit, context):
        before, after = getattr(row, baseline), getattr(visit, field)
        return None if before is None or after is None else before - after

    return read


def _leg_mic(row, visit, context):
    threshold = context["thresholds"].get("nrs_leg")
    return None if threshold is None else threshold.is_reached(row.base_leg, visit.leg)


def _satisfied(row, visit, context):
    return None if visit.satisfaction is None else visit.satisfaction <= 2


def _discharged(flag):
    return lambda row, context: None if row.nights is None else flag(row)


def _any_due(row, context):
    return any(visit.is_due for visit in row.visits)


def _build_specs():
    tp = {t.value: t.label for t in Timepoint}
    specs = [
        Spec(
            "incision_length",
            "Median incision length",
            MEDIAN,
            "operated patients",
            _always,
            lambda row, context: row.incision,
            unit="mm",
            claim="incision",
        ),
        Spec(
            "same_day_discharge",
            "Went home the same day",
            PROPORTION,
            "operated patients",
            _always,
            _discharged(lambda row: row.same_day),
            unit="%",
            claim="discharge",
        ),
        Spec(
            "same_or_next_day_discharge",
            "Went home the same or the next day",
            PROPORTION,
            "operated patients",
            _always,
            _discharged(lambda row: row.same_day or row.next_day),
            unit="%",
            claim="discharge",
        ),
        Spec(
            "length_of_stay",
            "Median length of stay",
            MEDIAN,
            "operated patients",
            _always,
            lambda row, context: row.nights,
            unit="nights",
            claim="discharge",
        ),
        Spec(
            "leg_pain_mic_2_weeks",
            "Leg pain improved by at least the minimal important change at 2 weeks",
            PROPORTION,
            "operated patients due at 2 weeks",
            _due(Timepoint.WEEKS_2),
            _answered(Timepoint.WEEKS_2, _leg_mic),
            unit="%",
            claim="improvement",
            timepoint=Timepoint.WEEKS_2,
        ),
        Spec(
            "return_to_daily_activities",
            "Median days to return to daily activities",
            MEDIAN,
            "operated patients with a follow-up due",
            _any_due,
            lambda row, context: row.return_daily,
            unit="days",
            claim="recovery",
        ),
        Spec(
            "return_to_work",
            "Median days to return to work",
            MEDIAN,
            "operated patients with a follow-up due",
            _any_due,
            lambda row, context: row.return_work,
            unit="days",
            claim="recovery",
        ),
    ]
    for days in (30, 90):
        specs += [
            Spec(
                f"adverse_events_{days}_days",
                f"Procedures with an adverse event within {days} days",
                PROPORTION,
                f"patients operated at least {days} days ago",
                _old(days),
                lambda row, context, d=days: getattr(row, f"ae_{d}"),
                unit="%",
                claim="complications",
                decimals=1,
            ),
            Spec(
                f"surgical_site_infection_{days}_days",
                f"Procedures with a surgical-site infection within {days} days",
                PROPORTION,
                f"patients operated at least {days} days ago",
                _old(days),
                lambda row, context, d=days: getattr(row, f"ssi_{d}"),
                unit="%",
                claim="complications",
                decimals=1,
            ),
        ]
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        specs.append(
            Spec(
                f"satisfied_{name}",
                f"Satisfied at {tp[timepoint]} (NASS 1–2)",
                PROPORTION,
                f"operated patients due at {tp[timepoint]}",
                _due(timepoint),
                _answered(timepoint, _satisfied),
                unit="%",
                claim="satisfaction",
                timepoint=timepoint,
            )
        )
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        for measure, baseline, field, what in (
            ("back", "base_back", "back", "NRS back pain"),
            ("leg", "base_leg", "leg", "NRS leg pain"),
            ("odi", "base_odi", "odi", "ODI"),
        ):
            specs.append(
                Spec(
                    f"{measure}_change_{name}",
                    f"Median improvement in {what} at {tp[timepoint]} (baseline − follow-up)",
                    MEDIAN,
                    f"operated patients due at {tp[timepoint]}",
                    _due(timepoint),
                    _answered(timepoint, _gain(baseline, field)),
                    unit="points",
                    claim="change",
                    decimals=1,
                    timepoint=timepoint,
                )
            )
    for timepoint in Timepoint:
        specs.append(
            Spec(
                f"answered_{timepoint.value}",
                f"Answered in the window at {timepoint.label}",
                PROPORTION,
                f"operated patients due at {timepoint.label}",
                _due(timepoint.value),
                lambda row, context, t=timepoint.value: row.visit(t).is_answered,
                unit="%",
                section="completeness",
                timepoint=timepoint.value,
            )
        )
    for measure, baseline, field in (
        ("nrs_back", "base_back", "back"),
        ("nrs_leg", "base_leg", "leg"),
        ("odi", "base_odi", "odi"),
    ):
        specs.append(
            Spec(
                f"trajectory_{measure}_baseline",
                f"Median {measure} at baseline",
                MEDIAN,
                "operated patients",
                _always,
                lambda row, context, b=baseline: getattr(row, b),
                section="trajectory",
            )
        )
        for timepoint in Timepoint:
            specs.append(
                Spec(
                    f"trajectory_{measure}_{timepoint.value}",
                    f"Median {measure} at {timepoint.label}",
                    MEDIAN,
                    f"operated patients due at {timepoint.label}",
                    _due(timepoint.value),
                    _answered(
                        timepoint.value,
                        lambda row, visit, context, f=field: getattr(visit, f),
                    ),
                    section="trajectory",
                    timepoint=timepoint.value,
                )
            )
    return {spec.key: spec for spec in specs}


SPECS = _build_specs()
TRAJECTORY_POINTS = ("baseline", *(t.value for t in Timepoint))


# --- cells and results --------------------------------------------------------------------------


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


# --- the editors' periods and the small-cell protection ------------------------------------------


@dataclasses.dataclass(frozen=True)
class Period:
    key: str
    label: str
    quarters: frozenset


def _completed_quarters(rows, as_of):
    """The calendar quarters with procedures that ended before ``as_of``, oldest first."""
    current = cohort.quarter_of(as_of)
    return sorted({row.quarter for row in rows if row.quarter < current}, key=_quarter_order)


def _quarter_order(quarter):
    year, number = quarter.split("Q")
    return int(year), int(number)


def article_years(as_of):
    """The whole calendar years articles count: the last ``OUTCOME_ARTICLE_YEARS`` that have
    ended (``0``: every ended year). Returns ``(first year or None, last year)``."""
    last = as_of.year - 1
    years = settings.OUTCOME_ARTICLE_YEARS
    return (None if years <= 0 else last - years + 1), last


def editor_periods(rows, as_of):
    """What an editor can ask for: the articles' whole years first, then every ended calendar
    year and quarter (the current year's ended quarters included, as "2026 (Q1–Q3)")."""
    quarters = _completed_quarters(rows, as_of)
    first, last = article_years(as_of)
    in_articles = frozenset(
        q for q in quarters if int(q[:4]) <= last and (first is None or int(q[:4]) >= first)
    )
    label = f"{first}–{last}" if first is not None and first != last else str(last)
    if first is None:
        label = f"Up to {last}"
    periods = [Period("articles", f"{label} (as in articles)", in_articles)]
    for year in sorted({int(q[:4]) for q in quarters}, reverse=True):
        own = frozenset(q for q in quarters if int(q[:4]) == year)
        name = str(year)
        if year == as_of.year:
            name = f"{year}, ended quarters"
        periods.append(Period(str(year), name, own))
    for quarter in reversed(quarters):
        year, number = quarter.split("Q")
        periods.append(Period(quarter, f"{year} Q{number}", frozenset({quarter})))
    return periods


def technique_filters():
    """``[(key, label, techniques)]``: what any viewer can filter by."""
    return [
        ("", "All techniques", ALL_TECHNIQUES),
        ("miss", "All MISS techniques", GROUP_TECHNIQUES["miss"]),
        *((value, label, frozenset({value})) for value, label in Technique.choices),
    ]


def _protect(computed, periods, rows, context):
    """Suppress, in place, every cell an editor could difference down to 1–9 patients.

    ``computed`` maps ``(period key, technique key)`` to :func:`compute`'s dict. A cell is
    blanked when it has fewer than ``MIN_CELL_SIZE`` patients, or when another cell of the same
    figure and group holds all of its patients and between 1 and ``MIN_CELL_SIZE − 1`` more —
    whichever filters the two came from (all FE transforaminal may well be inside one year's
    MISS). Containment is judged on the *buckets* (ended quarter × technique) holding the
    cell's patients: a cell whose buckets are among another's has its patients among the
    other's, so the difference is a difference of counts.
    """
    techniques = {key: set_ for key, _, set_ in technique_filters()}
    quarters = {period.key: period.quarters for period in periods}
    buckets = {}
    for row in rows:
        buckets.setdefault((row.quarter, row.technique), []).append(row)
    bit = {bucket: 1 << index for index, bucket in enumerate(sorted(buckets))}
    # Per figure and group, the buckets with at least one patient counted in n.
    counted = {}
    for bucket, bucket_rows in buckets.items():
        group = "miss" if bucket[1] in GROUP_TECHNIQUES["miss"] else "open"
        for key, spec in SPECS.items():
            if any(
                spec.eligible(row, context) and spec.value(row, context) is not None
                for row in bucket_rows
            ):
                counted[key, group] = counted.get((key, group), 0) | bit[bucket]
    blank = Cell().blanked().to_json()
    for key in SPECS:
        for group in GROUPS:
            masks = {}  # combo → buckets of its patients
            for period_key, technique_key in computed:
                allowed = techniques[technique_key] & GROUP_TECHNIQUES[group]
                combo_bits = sum(
                    bit[bucket]
                    for bucket in bit
                    if bucket[0] in quarters[period_key] and bucket[1] in allowed
                )
                masks[period_key, technique_key] = combo_bits & counted.get((key, group), 0)
            patients = {
                mask: Cell(*computed[combo]["cells"][key][group]).patients
                for combo, mask in masks.items()
            }
            hidden = {
                mask
                for mask, mine in patients.items()
                if mine < MIN_CELL_SIZE
                or any(
                    other != mask and mask & ~other == 0 and 0 < more - mine < MIN_CELL_SIZE
                    for other, more in patients.items()
                )
            }
            for combo, mask in masks.items():
                if mask in hidden:
                    computed[combo]["cells"][key][group] = blank
    # The by-technique incision table is the incision figure filtered by each technique.
    for (period_key, _), data in computed.items():
        for technique in list(data["incision_by_technique"]):
            group = "open" if technique == Technique.OPEN else "miss"
            data["incision_by_technique"][technique] = computed[period_key, technique]["cells"][
                "incision_length"
            ][group]
    return computed


# --- snapshots ----------------------------------------------------------------------------------


def _context(as_of, thresholds):
    return {"as_of": as_of, "thresholds": thresholds}


def refresh(today=None):
    """Read the cohort and store a new :class:`FigureSnapshot`; returns it."""
    started_at = timezone.now()
    as_of = today or timezone.localdate()
    thresholds = active_thresholds()
    context = _context(as_of, thresholds)
    rows = cohort.build(as_of)
    periods = editor_periods(rows, as_of)
    by_quarter = {}
    for row in rows:
        by_quarter.setdefault(row.quarter, []).append(row)
    editor = {}
    for period in periods:
        period_rows = [row for quarter in period.quarters for row in by_quarter.get(quarter, [])]
        for technique_key, _, techniques in technique_filters():
            editor[period.key, technique_key] = compute(period_rows, context, techniques)
    ended = set().union(*(period.quarters for period in periods))
    _protect(editor, periods, [row for row in rows if row.quarter in ended], context)
    article = {
        key: editor["articles", ""]["cells"][key]["miss"] for key in SPECS if key in ARTICLE_KEYS
    }
    first, last = article_years(as_of)
    with transaction.atomic():
        snapshot = FigureSnapshot.objects.create(
            started_at=started_at,
            as_of=as_of,
            mic_set=settings.OUTCOME_MIC_SET,
            rows=[row.to_json() for row in rows],
            clinical=compute(rows, context),
            editor={
                "periods": [[p.key, p.label] for p in periods],
                "results": {f"{p}|{t}": data for (p, t), data in editor.items()},
            },
            article={"cells": article, "years": [first, last]},
        )
        # Snapshots are derived data, rebuilt at will: keep the last few.
        stale = FigureSnapshot.objects.order_by("-pk").values_list("pk", flat=True)[3:]
        FigureSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


CLINICAL_MODELS = (Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp)


def _latest_snapshot(fields):
    """The newest snapshot's ``fields`` with the newest clinical change, in one query."""
    changes = {
        f"changed_{model._meta.model_name}": Subquery(
            model.history.model.objects.order_by("-history_date").values("history_date")[:1]
        )
        for model in CLINICAL_MODELS
    }
    return (
        FigureSnapshot.objects.order_by("-pk")
        .annotate(**changes)
        .values("pk", "started_at", "as_of", "mic_set", "created_at", *fields, *changes)
        .first()
    )


def _is_current(snapshot):
    if snapshot["as_of"] != timezone.localdate() or snapshot["mic_set"] != settings.OUTCOME_MIC_SET:
        return False
    changed = [value for key, value in snapshot.items() if key.startswith("changed_") and value]
    return not changed or max(changed) <= snapshot["started_at"]


def current_snapshot(*fields):
    """The newest snapshot (a dict with ``fields``) and whether it is being updated.

    A snapshot older than the newest clinical change (or than today) is still served — the
    numbers of the last computation, consistent everywhere — while a refresh is requested. With
    no snapshot at all, or where tasks run at once (the immediate backend), the refresh has run
    by the time this returns.
    """
    from cases.tasks import request_refresh_from_page

    snapshot = _latest_snapshot(fields)
    if snapshot is not None and _is_current(snapshot):
        return snapshot, False
    request_refresh_from_page(
        None if snapshot is None else f"{snapshot['pk']}-{snapshot['started_at'].timestamp()}"
    )
    fresh = _latest_snapshot(fields)
    if fresh is None:
        return None, True
    return fresh, not _is_current(fresh)


@functools.lru_cache(maxsize=2)
def _rows_of(snapshot_pk, started_at):
    """The snapshot's cohort rows, parsed once per process (a snapshot never changes)."""
    rows = FigureSnapshot.objects.filter(pk=snapshot_pk).values_list("rows", flat=True).first()
    return [cohort.Row.from_json(row) for row in rows or []]


def _thresholds_list():
    return list(active_thresholds().values())


def clinical_results(*, period_start=None, period_end=None, technique=None, specialist=None):
    """The clinical team's figures (unsuppressed) for any filter, from the newest snapshot."""
    snapshot, updating = current_snapshot("clinical")
    if snapshot is None:
        return None
    as_of = snapshot["as_of"]
    techniques = dict((key, set_) for key, _, set_ in technique_filters())[technique or ""]
    if not (period_start or period_end or specialist or technique):
        data = snapshot["clinical"]
    else:
        rows = [
            row
            for row in _rows_of(snapshot["pk"], snapshot["started_at"])
            if (period_start is None or row.day >= period_start)
            and (period_end is None or row.day <= period_end)
            and (specialist is None or row.surgeon == specialist.pk)
        ]
        data = compute(rows, _context(as_of, active_thresholds()), techniques)
    return Results(
        data,
        as_of,
        _thresholds_list(),
        is_updating=updating,
        computed_at=snapshot["created_at"],
    )


def editor_choices():
    """The editors' period choices ``[(key, label)]`` from the newest snapshot."""
    snapshot, _ = current_snapshot("editor")
    if snapshot is None:
        return []
    return [tuple(pair) for pair in snapshot["editor"]["periods"]]


def editor_results(*, period="articles", technique=""):
    """The editors' protected figures for one period and technique filter, or None."""
    snapshot, updating = current_snapshot("editor")
    if snapshot is None:
        return None
    data = snapshot["editor"]["results"].get(f"{period}|{technique or ''}")
    if data is None:
        return None
    return Results(
        data,
        snapshot["as_of"],
        _thresholds_list(),
        suppressed_view=True,
        is_updating=updating,
        computed_at=snapshot["created_at"],
    )


# --- figures inside articles ---------------------------------------------------------------------

# [[figure:key]] in an article → (dashboard figure, the patient's sentence, the editor's note).
# Articles speak of MISS, so the MISS figure is shown; always with its n, never below n = 10.
ARTICLE_FIGURES = {
    "same_day_discharge": (
        "same_or_next_day_discharge",
        "{value} of patients who had minimally invasive surgery went home the same day or the next",
        "MISS: share home the same or the next day",
    ),
    "incision_length": (
        "incision_length",
        "half of the minimally invasive operations used an incision of {value} or less",
        "MISS: median incision length",
    ),
    "leg_pain_improvement": (
        "leg_pain_mic_2_weeks",
        "{value} of patients had clearly less leg pain two weeks after minimally invasive surgery",
        "MISS: share with leg pain improved by the minimal important change at 2 weeks",
    ),
    "return_to_daily_activities": (
        "return_to_daily_activities",
        "half of the patients were back to their daily activities within {value} of minimally"
        " invasive surgery",
        "MISS: median days to return to daily activities",
    ),
    "surgical_site_infection": (
        "surgical_site_infection_90_days",
        "{value} of minimally invasive operations were followed by a wound infection within"
        " 90 days",
        "MISS: surgical-site infections within 90 days",
    ),
    "satisfied_12_months": (
        "satisfied_12_months",
        "{value} of patients were satisfied with their minimally invasive surgery a year later",
        "MISS: share satisfied at 12 months",
    ),
}
ARTICLE_KEYS = {figure_key for figure_key, _, _ in ARTICLE_FIGURES.values()}


def article_figure(key):
    """The provider behind ``[[figure:key]]``: a :class:`education.figures.Figure` or None."""
    figure_key, text, _ = ARTICLE_FIGURES[key]
    snapshot, _ = current_snapshot("article")
    if snapshot is None:
        return None
    cell = Cell(*snapshot["article"]["cells"][figure_key])
    if cell.suppressed or cell.value is None or cell.patients < MIN_CELL_SIZE:
        return None
    spec = SPECS[figure_key]
    first, last = snapshot["article"]["years"]
    return figures.Figure(
        text=text.format(value=display_value(spec, cell)),
        interval=display_interval(spec, cell),
        count=display_count(spec, cell),
        n=cell.n,
        years=(first or None, last),
    )


def register_article_figures():
    for key, (_, _, description) in ARTICLE_FIGURES.items():
        figures.register(key, functools.partial(article_figure, key), description=description)
