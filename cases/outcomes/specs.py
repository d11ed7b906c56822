"""Every outcome figure, declared: whom it is drawn from and what each cohort row gives.

A :class:`Spec` is a **proportion** (shown with the Wilson 95 % interval) or a **median** (with
the order-statistic 95 % interval; :mod:`cases.outcomes.stats`). ``eligible(row, context)`` says
whether a row is in the figure's denominator; ``value(row, context)`` gives its value, or None
when the row has none (it is then not in n). The dashboard table, the completeness table, the
trajectories, the CSV and the articles' figure tokens all read these specs.
"""

import dataclasses

from cases.models import Technique, Timepoint
from cases.outcomes import cohort
from education import figures

MIN_CELL_SIZE = figures.MIN_CELL_SIZE
TOO_FEW = "too few to report"
GROUPS = ("miss", "open")
GROUP_LABELS = {"miss": "MISS", "open": "Open surgery"}
GROUP_TECHNIQUES = {"miss": frozenset(cohort.MISS_TECHNIQUES), "open": frozenset({Technique.OPEN})}
ALL_TECHNIQUES = frozenset(Technique.values)
# Length-of-stay distribution bins (nights): 0, 1, 2, 3 or more.
STAY_BINS = ("0", "1", "2", "3+")
TRAJECTORY_MEASURES = ("nrs_back", "nrs_leg", "odi")
PROPORTION, MEDIAN = "proportion", "median"


PROPORTION, MEDIAN = "proportion", "median"


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
    ]


def _recovery_specs():
    return [
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


def _complication_specs():
    specs = []
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
    return specs


def _satisfaction_specs():
    tp = {t.value: t.label for t in Timepoint}
    specs = []
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
    return specs


def _change_specs():
    tp = {t.value: t.label for t in Timepoint}
    specs = []
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
    return specs


def _completeness_specs():
    specs = [
        # Whose baseline the improvements are measured from (cohort.Row.base_source).
        Spec(
            "baseline_patient_reported",
            "Baseline reported by the patient (the others: the consult's)",
            PROPORTION,
            "operated patients",
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
