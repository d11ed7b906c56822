"""Every outcome figure, declared: whom it is drawn from and what each cohort row gives.

A :class:`Spec` is a **proportion** (shown with the Wilson 95 % interval) or a **median** (with
the order-statistic 95 % interval; :mod:`cases.outcomes.stats`). ``eligible(row, context)`` says
whether a row is in the figure's denominator; ``value(row, context)`` gives its value, or None
when the row has none (it is then not in n). The dashboard table, the completeness table, the
trajectories, the CSV and the articles' figure tokens all read these specs.
"""

import dataclasses

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cases.models import Technique, Timepoint
from cases.outcomes import cohort
from education import figures

MIN_CELL_SIZE = figures.MIN_CELL_SIZE
# The CSV's code for a suppressed cell (pages show it translated: cells.display_value).
TOO_FEW = gettext_noop("too few to report")
GROUPS = ("miss", "open")
GROUP_LABELS = {"miss": _("MISS"), "open": _("Open surgery")}
GROUP_TECHNIQUES = {"miss": frozenset(cohort.MISS_TECHNIQUES), "open": frozenset({Technique.OPEN})}
ALL_TECHNIQUES = frozenset(Technique.values)
# Length-of-stay distribution bins (nights): 0, 1, 2, 3 or more.
STAY_BINS = ("0", "1", "2", "3+")
TRAJECTORY_MEASURES = ("nrs_back", "nrs_leg", "odi")
PROPORTION, MEDIAN = "proportion", "median"


PROPORTION, MEDIAN = "proportion", "median"


# The claims of the clinic's MISS article (education/content/miss-spinal-herniations.md).
CLAIMS = {
    "incision": _("Incisions as small as one inch"),
    "discharge": _("Patients often go home the same day or the next"),
    "improvement": _("Many patients feel improvement within a few days"),
    "recovery": _("Full recovery within a few weeks to a couple of months"),
    "complications": _("Lower risk of infection and complications"),
    "satisfaction": _("Higher patient satisfaction"),
    "change": _("Less pain and better function"),
}

# The words of the figures that depend on a timepoint or a delay, written out in full for the
# translators (labels and populations are shown in the reader's language; the CSV is English).
OPERATED = _("operated patients")
DUE_AT = {
    Timepoint.WEEKS_2: _("operated patients due at 2 weeks"),
    Timepoint.WEEKS_6: _("operated patients due at 6 weeks"),
    Timepoint.MONTHS_3: _("operated patients due at 3 months"),
    Timepoint.MONTHS_12: _("operated patients due at 12 months"),
    Timepoint.MONTHS_24: _("operated patients due at 24 months"),
}
ANSWERED_AT = {
    Timepoint.WEEKS_2: _("Answered in the window at 2 weeks"),
    Timepoint.WEEKS_6: _("Answered in the window at 6 weeks"),
    Timepoint.MONTHS_3: _("Answered in the window at 3 months"),
    Timepoint.MONTHS_12: _("Answered in the window at 12 months"),
    Timepoint.MONTHS_24: _("Answered in the window at 24 months"),
}
SATISFIED_AT = {
    Timepoint.MONTHS_3: _("Satisfied at 3 months (NASS 1–2)"),
    Timepoint.MONTHS_12: _("Satisfied at 12 months (NASS 1–2)"),
}
IMPROVED_AT = {
    (Timepoint.MONTHS_3, "back"): _(
        "Median improvement in NRS back pain at 3 months (baseline − follow-up)"
    ),
    (Timepoint.MONTHS_3, "leg"): _(
        "Median improvement in NRS leg pain at 3 months (baseline − follow-up)"
    ),
    (Timepoint.MONTHS_3, "odi"): _("Median improvement in ODI at 3 months (baseline − follow-up)"),
    (Timepoint.MONTHS_12, "back"): _(
        "Median improvement in NRS back pain at 12 months (baseline − follow-up)"
    ),
    (Timepoint.MONTHS_12, "leg"): _(
        "Median improvement in NRS leg pain at 12 months (baseline − follow-up)"
    ),
    (Timepoint.MONTHS_12, "odi"): _(
        "Median improvement in ODI at 12 months (baseline − follow-up)"
    ),
}
# (adverse events, surgical-site infections, population) by days after the procedure.
WITHIN_DAYS = {
    30: (
        _("Procedures with an adverse event within 30 days"),
        _("Procedures with a surgical-site infection within 30 days"),
        _("patients operated at least 30 days ago"),
    ),
    90: (
        _("Procedures with an adverse event within 90 days"),
        _("Procedures with a surgical-site infection within 90 days"),
        _("patients operated at least 90 days ago"),
    ),
}


@dataclasses.dataclass(frozen=True)
class Spec:
    """One figure: over which rows (``eligible``, the denominator) and what each row gives.

    ``value(row, context)`` returns None when the row has no value (it is then not in n), True or
    False for a proportion, a number for a median.
    """

    key: str
    label: str  # shown in the reader's language (lazy); in English in the CSV
    kind: str
    population: str  # the denominator in words: "operated patients due at 2 weeks"
    eligible: object
    value: object
    unit: str = ""
    claim: str = ""
    decimals: int = 0
    section: str = "table"  # "table", "completeness" or "trajectory"
    timepoint: str = ""
    # A proportion whose count reads as its successes: "4 of 10 operated patients".
    count_successes: bool = False


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


def _discharge_specs():
    return [
        Spec(
            "incision_length",
            _("Median incision length"),
            MEDIAN,
            OPERATED,
            _always,
            lambda row, context: row.incision,
            unit="mm",
            claim="incision",
        ),
        Spec(
            "same_day_discharge",
            _("Went home the same day"),
            PROPORTION,
            OPERATED,
            _always,
            _discharged(lambda row: row.same_day),
            unit="%",
            claim="discharge",
        ),
        Spec(
            "same_or_next_day_discharge",
            _("Went home the same or the next day"),
            PROPORTION,
            OPERATED,
            _always,
            _discharged(lambda row: row.same_day or row.next_day),
            unit="%",
            claim="discharge",
        ),
        Spec(
            "length_of_stay",
            _("Median length of stay"),
            MEDIAN,
            OPERATED,
            _always,
            lambda row, context: row.nights,
            unit="nights",
            claim="discharge",
        ),
    ]


def _recovery_specs():
    return [
        Spec(
            "leg_pain_mic_2_weeks",
            _("Leg pain improved by at least the minimal important change at 2 weeks"),
            PROPORTION,
            DUE_AT[Timepoint.WEEKS_2],
            _due(Timepoint.WEEKS_2),
            _answered(Timepoint.WEEKS_2, _leg_mic),
            unit="%",
            claim="improvement",
            timepoint=Timepoint.WEEKS_2,
        ),
        Spec(
            "return_to_daily_activities",
            _("Median days to return to daily activities"),
            MEDIAN,
            _("operated patients with a follow-up due"),
            _any_due,
            lambda row, context: row.return_daily,
            unit="days",
            claim="recovery",
        ),
        Spec(
            "return_to_work",
            _("Median days to return to work"),
            MEDIAN,
            _("operated patients with a follow-up due"),
            _any_due,
            lambda row, context: row.return_work,
            unit="days",
            claim="recovery",
        ),
    ]


def _complication_specs():
    specs = []
    for days, (adverse_events, infections, population) in WITHIN_DAYS.items():
        specs += [
            Spec(
                f"adverse_events_{days}_days",
                adverse_events,
                PROPORTION,
                population,
                _old(days),
                lambda row, context, d=days: getattr(row, f"ae_{d}"),
                unit="%",
                claim="complications",
                decimals=1,
            ),
            Spec(
                f"surgical_site_infection_{days}_days",
                infections,
                PROPORTION,
                population,
                _old(days),
                lambda row, context, d=days: getattr(row, f"ssi_{d}"),
                unit="%",
                claim="complications",
                decimals=1,
            ),
        ]
    return specs


def _satisfaction_specs():
    specs = []
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        specs.append(
            Spec(
                f"satisfied_{name}",
                SATISFIED_AT[timepoint],
                PROPORTION,
                DUE_AT[timepoint],
                _due(timepoint),
                _answered(timepoint, _satisfied),
                unit="%",
                claim="satisfaction",
                timepoint=timepoint,
            )
        )
    return specs


def _change_specs():
    specs = []
    for timepoint, name in ((Timepoint.MONTHS_3, "3_months"), (Timepoint.MONTHS_12, "12_months")):
        for measure, baseline, field in (
            ("back", "base_back", "back"),
            ("leg", "base_leg", "leg"),
            ("odi", "base_odi", "odi"),
        ):
            specs.append(
                Spec(
                    f"{measure}_change_{name}",
                    IMPROVED_AT[timepoint, measure],
                    MEDIAN,
                    DUE_AT[timepoint],
                    _due(timepoint),
                    _answered(timepoint, _gain(baseline, field)),
                    unit="points",
                    claim="change",
                    decimals=1,
                    timepoint=timepoint,
                )
            )
    return specs


def _completeness_specs():
    specs = [
        # Whose baseline the improvements are measured from (cohort.Row.base_source).
        Spec(
            "baseline_patient_reported",
            _("Baseline reported by the patient (the others: the consult's)"),
            PROPORTION,
            OPERATED,
            _always,
            lambda row, context: row.base_source == cohort.PATIENT_REPORTED,
            unit="%",
            section="completeness",
            count_successes=True,
        )
    ]
    for timepoint in Timepoint:
        specs.append(
            Spec(
                f"answered_{timepoint.value}",
                ANSWERED_AT[timepoint],
                PROPORTION,
                DUE_AT[timepoint],
                _due(timepoint.value),
                lambda row, context, t=timepoint.value: row.visit(t).is_answered,
                unit="%",
                section="completeness",
                timepoint=timepoint.value,
            )
        )
    return specs


def _trajectory_specs():
    specs = []
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
                OPERATED,
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
                    DUE_AT[timepoint],
                    _due(timepoint.value),
                    _answered(
                        timepoint.value,
                        lambda row, visit, context, f=field: getattr(visit, f),
                    ),
                    section="trajectory",
                    timepoint=timepoint.value,
                )
            )
    return specs


SPEC_GROUPS = (
    _discharge_specs,
    _recovery_specs,
    _complication_specs,
    _satisfaction_specs,
    _change_specs,
    _completeness_specs,
    _trajectory_specs,
)
SPECS = {spec.key: spec for group in SPEC_GROUPS for spec in group()}
TRAJECTORY_POINTS = ("baseline", *(t.value for t in Timepoint))
