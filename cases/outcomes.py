"""Outcome figures: minimal important change thresholds and the clinic's own figures.

``active_thresholds()`` is the one way to get the MIC thresholds in use; other modules (the
patient's outcome chart, the dashboard) import it rather than reading the model themselves.

``clinic_figures()`` puts each claim of the clinic's article beside the clinic's own figure, MISS
against open surgery, each with its n. How the figures are read:

* **Cohort.** Valid procedures (not entered in error, nor their decision or consult) dated within
  the period, optionally of one technique or one surgeon. MISS is the three minimally invasive
  techniques; open is open microdiscectomy. A MISS procedure *converted to open* stays in MISS:
  the comparison is by intention to treat (what was planned), which is what a patient choosing
  MISS faces.
* **Follow-ups** count when completed, valid and not cancelled; the baseline is the consult of
  the procedure's decision.
* **Improvement** is baseline minus follow-up (NRS and ODI: lower is better), so a positive mean
  change is an improvement. The 2-week leg-pain share uses the active MIC set.
* **Adverse events** (valid ones) count once per procedure; the 30-/90-day rates use as
  denominator only procedures at least 30/90 days old, whose window is complete.
* **Return to daily activities / work**: days from the procedure to the earliest date recorded at
  any follow-up, among patients who reported one (those who have not yet returned are not counted).
* **Medians** are the usual median (mean of the two middle values for an even n).

The work is a fixed handful of queries whatever the number of procedures: one conditional
aggregate over procedures, one over follow-ups, one ordered value list of each for the medians,
and one for the thresholds.

Suppression: :func:`suppress` blanks any figure computed from fewer than ``MIN_CELL_SIZE``
patients. Specialists are the clinical team and see every number with its n; whatever leaves the
clinical team (the editors' view and CSV, figures in articles) goes through :func:`suppress`.
"""

import dataclasses
import datetime
import functools
import math
import statistics

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone

from cases.models import (
    AdverseEvent,
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
MISS_TECHNIQUES = tuple(t.value for t in Procedure.MISS_TECHNIQUES)
# Length-of-stay distribution bins (nights): 0, 1, 2, 3 or more.
STAY_BINS = ("0", "1", "2", "3+")
TRAJECTORY_POINTS = ("baseline", *(t.value for t in Timepoint))


def active_thresholds():
    """The active MIC set chosen by ``settings.OUTCOME_MIC_SET``, keyed by measure.

    Returns ``{"nrs_back": MinimalImportantChange, "nrs_leg": …, "odi": …}`` (one query). Each
    threshold has ``points``, ``relative_percent`` (or None), ``citation``, ``version`` and
    ``is_reached(baseline, value)``. A measure missing from the set is missing from the dict.
    """
    return MinimalImportantChange.objects.active().by_measure()


def suppress(value, n, minimum=MIN_CELL_SIZE):
    """``value`` if it was computed from at least ``minimum`` patients, else None."""
    return value if n is not None and n >= minimum else None


@dataclasses.dataclass(frozen=True)
class Cell:
    """One figure for one group: its value (None if there is no data) and its n."""

    value: float | None
    n: int
    suppressed: bool = False

    def suppress(self):
        kept = suppress(self.value, self.n)
        return Cell(value=kept, n=self.n, suppressed=self.n < MIN_CELL_SIZE)


@dataclasses.dataclass(frozen=True)
class Figure:
    key: str
    label: str  # what the clinic measures
    claim: str  # what the article says
    unit: str  # "%", "mm", "nights", "days", "points"
    miss: Cell
    open: Cell
    period: tuple  # (first, last) procedure date of the cohort, or (None, None)
    decimals: int = 0

    def suppressed(self):
        return dataclasses.replace(self, miss=self.miss.suppress(), open=self.open.suppress())

    def display(self, group):
        """The cell as text: "87 %", "8 mm", "too few to report", or "—" without data."""
        cell = getattr(self, group)
        if cell.suppressed:
            return TOO_FEW
        if cell.value is None:
            return "—"
        number = f"{cell.value:.{self.decimals}f}"
        return f"{number} %" if self.unit == "%" else f"{number} {self.unit}"


# The article's claims (DESIGN.md, "The seed's claims, measured").
CLAIMS = {
    "incision": "Incisions as small as one inch",
    "discharge": "Patients often go home the same day or the next",
    "improvement": "Many patients feel improvement within a few days",
    "recovery": "Full recovery within a few weeks to a couple of months",
    "complications": "Lower risk of infection and complications",
    "satisfaction": "Higher patient satisfaction",
    "change": "Less pain and better function",
}


@dataclasses.dataclass
class Results:
    """Everything the dashboard shows: the table, the charts' data and the cohort's extent."""

    figures: list
    stay_distribution: dict  # {"miss": [count per STAY_BINS], "open": [...]}
    trajectory: dict  # {"miss": {"nrs_back": [median per TRAJECTORY_POINTS]…}, "open": …}
    trajectory_n: dict  # same shape, the n of each median
    incision_by_technique: list  # [(label, median, n)]
    period: tuple
    thresholds: dict

    def suppressed(self):
        """The same results with every small cell blanked: for outside the clinical team."""
        stay = {
            group: counts if sum(counts) >= MIN_CELL_SIZE else None
            for group, counts in self.stay_distribution.items()
        }
        trajectory = {
            group: {
                measure: [
                    suppress(value, n)
                    for value, n in zip(values, self.trajectory_n[group][measure], strict=True)
                ]
                for measure, values in measures.items()
            }
            for group, measures in self.trajectory.items()
        }
        return dataclasses.replace(
            self,
            figures=[figure.suppressed() for figure in self.figures],
            stay_distribution=stay,
            trajectory=trajectory,
            incision_by_technique=[
                (label, suppress(value, n), n) for label, value, n in self.incision_by_technique
            ],
        )

    def figure(self, key):
        return next(figure for figure in self.figures if figure.key == key)


def cohort(*, period_start=None, period_end=None, technique=None, specialist=None):
    """The valid procedures the figures are about (see the module docstring)."""
    procedures = Procedure.objects.valid().filter(
        decision__entered_in_error=False, decision__consult__entered_in_error=False
    )
    if period_start:
        procedures = procedures.filter(procedure_date__gte=period_start)
    if period_end:
        procedures = procedures.filter(procedure_date__lte=period_end)
    if technique == "miss":
        procedures = procedures.filter(technique__in=MISS_TECHNIQUES)
    elif technique:
        procedures = procedures.filter(technique=technique)
    if specialist:
        procedures = procedures.filter(surgeon=specialist)
    return procedures


def _group_q(group, prefix=""):
    if group == "miss":
        return Q(**{f"{prefix}technique__in": MISS_TECHNIQUES})
    return Q(**{f"{prefix}technique": Technique.OPEN})


def _share(count, n):
    return None if not n else 100 * count / n


def _median(values):
    return statistics.median(values) if values else None


def _mean(value):
    return None if value is None else float(value)


def clinic_figures(*, period_start=None, period_end=None, technique=None, specialist=None):
    """The clinic's figures beside the article's claims: a :class:`Results` (unsuppressed)."""
    today = timezone.localdate()
    thresholds = active_thresholds()
    procedures = cohort(
        period_start=period_start,
        period_end=period_end,
        technique=technique,
        specialist=specialist,
    )
    adverse = AdverseEvent.objects.valid().filter(procedure=OuterRef("pk"))
    day_30 = today - datetime.timedelta(days=30)
    day_90 = today - datetime.timedelta(days=90)

    # 1. One conditional aggregate over procedures: discharge shares and adverse-event rates.
    aggregates = {"first": Min("procedure_date"), "last": Max("procedure_date")}
    annotated = procedures.annotate(
        ae_30=Exists(adverse.filter(within_30_days=True)),
        ae_90=Exists(adverse.filter(within_90_days=True)),
        ssi_30=Exists(adverse.filter(within_30_days=True, event_type=AdverseEvent.Type.SSI)),
        ssi_90=Exists(adverse.filter(within_90_days=True, event_type=AdverseEvent.Type.SSI)),
    )
    for group in GROUPS:
        in_group = _group_q(group)
        discharged = in_group & Q(length_of_stay_nights__isnull=False)
        old_30 = in_group & Q(procedure_date__lte=day_30)
        old_90 = in_group & Q(procedure_date__lte=day_90)
        aggregates |= {
            f"{group}_discharged": Count("pk", filter=discharged),
            f"{group}_same_day": Count("pk", filter=discharged & Q(same_day_discharge=True)),
            f"{group}_next_day": Count("pk", filter=discharged & Q(next_day_discharge=True)),
            f"{group}_old_30": Count("pk", filter=old_30),
            f"{group}_old_90": Count("pk", filter=old_90),
            f"{group}_ae_30": Count("pk", filter=old_30 & Q(ae_30=True)),
            f"{group}_ae_90": Count("pk", filter=old_90 & Q(ae_90=True)),
            f"{group}_ssi_30": Count("pk", filter=old_30 & Q(ssi_30=True)),
            f"{group}_ssi_90": Count("pk", filter=old_90 & Q(ssi_90=True)),
        }
    p = annotated.aggregate(**aggregates)

    # 2. One conditional aggregate over completed follow-ups: MIC share, satisfaction, changes.
    follow_ups = FollowUp.objects.valid().filter(
        procedure__in=procedures, completed_at__isnull=False, cancelled_at__isnull=True
    )
    consult = "procedure__decision__consult__"
    follow_ups = follow_ups.annotate(
        leg_gain=F(f"{consult}nrs_leg") - F("nrs_leg"),
        back_gain=F(f"{consult}nrs_back") - F("nrs_back"),
        odi_gain=F(f"{consult}odi_score") - F("odi_score"),
    )
    leg_mic = thresholds.get("nrs_leg")
    if leg_mic is None:
        leg_reached = Q(pk__in=[])
    else:
        # NRS values are whole numbers, so "gain ≥ 3.2" is "gain ≥ 4" (the lookup would
        # otherwise truncate the Decimal to an integer).
        leg_reached = Q(leg_gain__gte=math.ceil(leg_mic.points))
        if leg_mic.relative_percent:
            follow_ups = follow_ups.annotate(
                leg_gain_percent=F("leg_gain") * 100,
                leg_percent_needed=F(f"{consult}nrs_leg") * leg_mic.relative_percent,
            )
            leg_reached |= Q(leg_gain__gt=0, leg_gain_percent__gte=F("leg_percent_needed"))
    aggregates = {}
    for group in GROUPS:
        in_group = _group_q(group, "procedure__")
        two_weeks = in_group & Q(timepoint=Timepoint.WEEKS_2, nrs_leg__isnull=False)
        aggregates |= {
            f"{group}_2w": Count("pk", filter=two_weeks),
            f"{group}_2w_mic": Count("pk", filter=two_weeks & leg_reached),
        }
        for timepoint in (Timepoint.MONTHS_3, Timepoint.MONTHS_12):
            at = in_group & Q(timepoint=timepoint)
            rated = at & Q(satisfaction__isnull=False)
            aggregates |= {
                f"{group}_{timepoint}_rated": Count("pk", filter=rated),
                f"{group}_{timepoint}_satisfied": Count(
                    "pk", filter=rated & Q(satisfaction__lte=2)
                ),
            }
            for measure in ("back", "leg", "odi"):
                known = at & Q(**{f"{measure}_gain__isnull": False})
                aggregates |= {
                    f"{group}_{timepoint}_{measure}_n": Count("pk", filter=known),
                    f"{group}_{timepoint}_{measure}_mean": Avg(f"{measure}_gain", filter=known),
                }
    f = follow_ups.aggregate(**aggregates)

    # 3. Ordered value lists for the medians (portable: no percentile_cont on SQLite).
    stays = {group: [] for group in GROUPS}
    incisions = {group: [] for group in GROUPS}
    by_technique = {value: [] for value in Technique.values}
    baselines = {group: {"nrs_back": [], "nrs_leg": [], "odi": []} for group in GROUPS}
    for tech, incision, nights, back, leg, odi in procedures.order_by("pk").values_list(
        "technique",
        "incision_length_mm",
        "length_of_stay_nights",
        "decision__consult__nrs_back",
        "decision__consult__nrs_leg",
        "decision__consult__odi_score",
    ):
        group = "miss" if tech in MISS_TECHNIQUES else "open"
        if incision is not None:
            incisions[group].append(incision)
            by_technique[tech].append(incision)
        if nights is not None:
            stays[group].append(nights)
        for measure, value in (("nrs_back", back), ("nrs_leg", leg), ("odi", odi)):
            if value is not None:
                baselines[group][measure].append(value)

    at_timepoint = {
        group: {t: {"nrs_back": [], "nrs_leg": [], "odi": []} for t in Timepoint.values}
        for group in GROUPS
    }
    returns = {group: {"daily": {}, "work": {}} for group in GROUPS}
    for row in follow_ups.order_by("pk").values_list(
        "procedure_id",
        "procedure__technique",
        "procedure__procedure_date",
        "timepoint",
        "nrs_back",
        "nrs_leg",
        "odi_score",
        "returned_to_daily_activities_on",
        "returned_to_work_on",
    ):
        procedure_id, tech, operated, timepoint, back, leg, odi, daily, work = row
        group = "miss" if tech in MISS_TECHNIQUES else "open"
        for measure, value in (("nrs_back", back), ("nrs_leg", leg), ("odi", odi)):
            if value is not None:
                at_timepoint[group][timepoint][measure].append(value)
        for kind, day in (("daily", daily), ("work", work)):
            if day is not None:
                days = (day - operated).days
                earliest = returns[group][kind].get(procedure_id)
                returns[group][kind][procedure_id] = (
                    days if earliest is None else min(earliest, days)
                )

    period = (p["first"], p["last"])

    def cell(value, n):
        return Cell(value=None if not n else value, n=n)

    def row(key, label, claim, unit, values, decimals=0):
        return Figure(
            key=key,
            label=label,
            claim=CLAIMS[claim],
            unit=unit,
            miss=cell(*values("miss")),
            open=cell(*values("open")),
            period=period,
            decimals=decimals,
        )

    figures = [
        row(
            "incision_length",
            "Median incision length",
            "incision",
            "mm",
            lambda g: (_median(incisions[g]), len(incisions[g])),
        ),
        row(
            "same_day_discharge",
            "Went home the same day",
            "discharge",
            "%",
            lambda g: (_share(p[f"{g}_same_day"], p[f"{g}_discharged"]), p[f"{g}_discharged"]),
        ),
        row(
            "same_or_next_day_discharge",
            "Went home the same or the next day",
            "discharge",
            "%",
            lambda g: (
                _share(p[f"{g}_same_day"] + p[f"{g}_next_day"], p[f"{g}_discharged"]),
                p[f"{g}_discharged"],
            ),
        ),
        row(
            "length_of_stay",
            "Median length of stay",
            "discharge",
            "nights",
            lambda g: (_median(stays[g]), len(stays[g])),
        ),
        row(
            "leg_pain_mic_2_weeks",
            "Leg pain improved by at least the minimal important change at 2 weeks",
            "improvement",
            "%",
            lambda g: (_share(f[f"{g}_2w_mic"], f[f"{g}_2w"]), f[f"{g}_2w"]),
        ),
        row(
            "return_to_daily_activities",
            "Median days to return to daily activities",
            "recovery",
            "days",
            lambda g: (
                _median(list(returns[g]["daily"].values())),
                len(returns[g]["daily"]),
            ),
        ),
        row(
            "return_to_work",
            "Median days to return to work",
            "recovery",
            "days",
            lambda g: (_median(list(returns[g]["work"].values())), len(returns[g]["work"])),
        ),
    ]
    for days in (30, 90):
        figures += [
            row(
                f"adverse_events_{days}_days",
                f"Procedures with an adverse event within {days} days",
                "complications",
                "%",
                lambda g, d=days: (_share(p[f"{g}_ae_{d}"], p[f"{g}_old_{d}"]), p[f"{g}_old_{d}"]),
                decimals=1,
            ),
            row(
                f"surgical_site_infection_{days}_days",
                f"Procedures with a surgical-site infection within {days} days",
                "complications",
                "%",
                lambda g, d=days: (
                    _share(p[f"{g}_ssi_{d}"], p[f"{g}_old_{d}"]),
                    p[f"{g}_old_{d}"],
                ),
                decimals=1,
            ),
        ]
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        label = Timepoint(timepoint).label
        figures.append(
            row(
                f"satisfied_{name}",
                f"Satisfied at {label} (NASS 1–2)",
                "satisfaction",
                "%",
                lambda g, t=timepoint: (
                    _share(f[f"{g}_{t}_satisfied"], f[f"{g}_{t}_rated"]),
                    f[f"{g}_{t}_rated"],
                ),
            )
        )
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        label = Timepoint(timepoint).label
        for measure, what in (("back", "NRS back pain"), ("leg", "NRS leg pain"), ("odi", "ODI")):
            figures.append(
                row(
                    f"{measure}_change_{name}",
                    f"Mean improvement in {what} at {label} (baseline − follow-up)",
                    "change",
                    "points",
                    lambda g, t=timepoint, m=measure: (
                        _mean(f[f"{g}_{t}_{m}_mean"]),
                        f[f"{g}_{t}_{m}_n"],
                    ),
                    decimals=1,
                )
            )

    def stay_counts(nights):
        return [
            sum(1 for n in nights if n == 0),
            sum(1 for n in nights if n == 1),
            sum(1 for n in nights if n == 2),
            sum(1 for n in nights if n >= 3),
        ]

    trajectory, trajectory_n = {}, {}
    for group in GROUPS:
        trajectory[group], trajectory_n[group] = {}, {}
        for measure in ("nrs_back", "nrs_leg", "odi"):
            columns = [baselines[group][measure]] + [
                at_timepoint[group][t][measure] for t in Timepoint.values
            ]
            trajectory[group][measure] = [_median(values) for values in columns]
            trajectory_n[group][measure] = [len(values) for values in columns]

    return Results(
        figures=figures,
        stay_distribution={group: stay_counts(stays[group]) for group in GROUPS},
        trajectory=trajectory,
        trajectory_n=trajectory_n,
        incision_by_technique=[
            (Technique(value).label, _median(values), len(values))
            for value, values in by_technique.items()
        ],
        period=period,
        thresholds=thresholds,
    )


# --- figures inside articles ---------------------------------------------------------------------

# [[figure:key]] in an article → (dashboard figure, the patient's sentence, the editor's note).
# Articles speak of MISS, so the MISS figure is shown; always with its n, never below n = 10.
ARTICLE_FIGURES = {
    "same_day_discharge": (
        "same_or_next_day_discharge",
        "{value:.0f} % of patients who had minimally invasive surgery went home the same day or"
        " the next",
        "MISS: share home the same or the next day",
    ),
    "incision_length": (
        "incision_length",
        "half of the minimally invasive operations used an incision of {value:.0f} mm or less"
        " (one inch is about 25 mm)",
        "MISS: median incision length",
    ),
    "leg_pain_improvement": (
        "leg_pain_mic_2_weeks",
        "{value:.0f} % of patients had clearly less leg pain two weeks after minimally invasive"
        " surgery",
        "MISS: share with leg pain improved by the minimal important change at 2 weeks",
    ),
    "return_to_daily_activities": (
        "return_to_daily_activities",
        "half of the patients were back to their daily activities within {value:.0f} days of"
        " minimally invasive surgery",
        "MISS: median days to return to daily activities",
    ),
    "surgical_site_infection": (
        "surgical_site_infection_90_days",
        "{value:.1f} % of minimally invasive operations were followed by a wound infection"
        " within 90 days",
        "MISS: surgical-site infections within 90 days",
    ),
    "satisfied_12_months": (
        "satisfied_12_months",
        "{value:.0f} % of patients were satisfied with their minimally invasive surgery a year"
        " later",
        "MISS: share satisfied at 12 months",
    ),
}


def article_period_start():
    """The first procedure day the article figures count: a rolling window of
    ``OUTCOME_ARTICLE_YEARS`` years (365 days each) up to today, or None for all time."""
    years = settings.OUTCOME_ARTICLE_YEARS
    if years <= 0:
        return None
    return timezone.localdate() - datetime.timedelta(days=365 * years)


def article_figure(key):
    """The provider behind ``[[figure:key]]``: ``(sentence, n, period)`` or None."""
    figure_key, text, _ = ARTICLE_FIGURES[key]
    results = clinic_figures(period_start=article_period_start())
    cell = results.figure(figure_key).miss
    if suppress(cell.value, cell.n) is None:
        return None
    return text.format(value=cell.value), cell.n, results.period


def register_article_figures():
    for key, (_, _, description) in ARTICLE_FIGURES.items():
        figures.register(key, functools.partial(article_figure, key), description=description)
