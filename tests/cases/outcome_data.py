"""Building blocks of the outcome tests: procedures with their consult, decision and follow-ups,
made through the factories, and short ways to read the figures."""

import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from tests import factories

TARGET_DAYS = {"2w": 14, "6w": 42, "3m": 91, "12m": 365}


def make_procedure(
    *,
    technique,
    incision,
    nights,
    baseline,
    days_ago=400,
    surgeon=None,
    converted=False,
    operated=None,
):
    """A procedure ``days_ago`` days ago (or on ``operated``), its consult holding ``baseline``
    (back, leg, ODI)."""
    today = timezone.localdate()
    operated = operated or today - datetime.timedelta(days=days_ago)
    days_ago = (today - operated).days
    back, leg, odi = baseline
    surgeon = surgeon or factories.UserFactory(is_staff=True)
    consult = factories.ConsultFactory(
        specialist=surgeon,
        consult_date=operated - datetime.timedelta(days=20),
        mri_date=operated - datetime.timedelta(days=30),
        nrs_back=back,
        nrs_leg=leg,
        odi_score=odi,
    )
    decision = factories.CandidacyDecisionFactory(
        consult=consult,
        outcome="open" if technique == "open" else "miss",
        decided_on=operated - datetime.timedelta(days=10),
    )
    tz = timezone.get_current_timezone()
    return factories.ProcedureFactory(
        decision=decision,
        procedure_date=operated,
        technique=technique,
        incision_length_mm=incision,
        converted_to_open=converted,
        admitted_at=datetime.datetime.combine(operated, datetime.time(7), tzinfo=tz),
        discharged_at=datetime.datetime.combine(
            operated + datetime.timedelta(days=nights), datetime.time(17), tzinfo=tz
        ),
    )


def complete(
    procedure, timepoint, *, back, leg, odi=None, satisfaction=None, daily=None, work=None
):
    """A completed follow-up; ``daily``/``work``: days after the procedure the patient returned."""
    follow_up = factories.FollowUpFactory(procedure=procedure, timepoint=timepoint)
    day = procedure.procedure_date
    follow_up.assessed_on = day + datetime.timedelta(days=TARGET_DAYS[timepoint])
    follow_up.completed_at = timezone.now()
    follow_up.nrs_back, follow_up.nrs_leg, follow_up.odi_score = back, leg, odi
    follow_up.satisfaction = satisfaction
    if daily is not None:
        follow_up.returned_to_daily_activities_on = day + datetime.timedelta(days=daily)
    if work is not None:
        follow_up.returned_to_work_on = day + datetime.timedelta(days=work)
    follow_up.save()
    return follow_up


def adverse_event(procedure, event_type, day):
    return factories.AdverseEventFactory(
        procedure=procedure,
        event_type=event_type,
        onset_date=procedure.procedure_date + datetime.timedelta(days=day),
    )


def quarter_day(year, quarter, day=10):
    return datetime.date(year, 3 * (quarter - 1) + 1, day)


def operate(count, technique, day, **kwargs):
    return [
        make_procedure(
            technique=technique, incision=10 + i, nights=i % 2, baseline=(5, 7, 40), operated=day,
            **kwargs,
        )
        for i in range(count)
    ]  # fmt: skip


def clinical(**filters):
    return outcomes.clinical_results(**filters)


def values(results, key):
    miss, open_ = results.cell(key, "miss"), results.cell(key, "open")
    return (miss.value, miss.n, open_.value, open_.n)


def denominators(results, key):
    return (results.cell(key, "miss").denominator, results.cell(key, "open").denominator)


def approx(*numbers):
    return tuple(pytest.approx(n) if isinstance(n, float) else n for n in numbers)
