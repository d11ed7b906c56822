"""The outcome figures: every figure on a hand-made fixture, intervals, completeness, snapshots,
small-cell protection, the dashboard and figures in articles.

Every expected value below is computed by hand in the comments, from the fixture's table.
"""

import csv
import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import FigureSnapshot, FollowUp, Procedure
from cases.outcomes import MIN_CELL_SIZE, TOO_FEW, cohort, stats
from clinic.models import AuditEvent
from education import figures as article_figures
from tests import factories

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def fixture(specialist):
    """Five MISS procedures, three open ones, and one open procedure entered in error.

    | proc | technique          | mm  | nights | baseline back/leg/ODI | adverse events          |
    |------|--------------------|-----|--------|-----------------------|-------------------------|
    | M1   | FE transforaminal  | 8   | 0      | 5 / 8 / 50            | SSI day 10              |
    | M2   | FE interlaminar    | 10  | 0      | 4 / 7 / 40            |                         |
    | M3   | tubular            | 20  | 1      | 6 / 9 / 60            | dural tear 0, haem. 2   |
    | M4   | FE transf.→ open   | 7   | 1      | 3 / 3 / 30            |                         |
    | M5   | tubular            | 18  | 3      | 5 / 6 / –             | recurrence day 60       |
    | O1   | open               | 30  | 1      | 6 / 8 / 56            | SSI day 45              |
    | O2   | open               | 40  | 2      | 5 / 7 / 44            | dural tear (in error)   |
    | O3   | open               | 35  | 2      | 4 / 6 / 38            |                         |
    | Oerr | open (in error)    | 100 | 0      | 0 / 0 / 0             | SSI day 1               |

    M4 was converted to open: it stays MISS (intention to treat).
    """
    m1 = make_procedure(
        technique="fe_transforaminal", incision=8, nights=0, baseline=(5, 8, 50), surgeon=specialist
    )
    m2 = make_procedure(
        technique="fe_interlaminar", incision=10, nights=0, baseline=(4, 7, 40), days_ago=401
    )
    m3 = make_procedure(technique="tubular", incision=20, nights=1, baseline=(6, 9, 60))
    m4 = make_procedure(
        technique="fe_transforaminal",
        incision=7,
        nights=1,
        baseline=(3, 3, 30),
        converted=True,
    )
    m5 = make_procedure(
        technique="tubular", incision=18, nights=3, baseline=(5, 6, None), surgeon=specialist
    )
    o1 = make_procedure(technique="open", incision=30, nights=1, baseline=(6, 8, 56))
    o2 = make_procedure(technique="open", incision=40, nights=2, baseline=(5, 7, 44), days_ago=407)
    o3 = make_procedure(technique="open", incision=35, nights=2, baseline=(4, 6, 38))
    wrong = make_procedure(technique="open", incision=100, nights=0, baseline=(0, 0, 0))

    adverse_event(m1, "ssi", 10)
    adverse_event(m3, "dural_tear", 0)
    adverse_event(m3, "haematoma", 2)
    adverse_event(m5, "recurrence", 60)
    adverse_event(o1, "ssi", 45)
    adverse_event(o2, "dural_tear", 1).mark_entered_in_error(by=specialist, reason="wrong patient")
    adverse_event(wrong, "ssi", 1)

    # 2 weeks: back, leg. Leg gains (Ostelo: ≥ 2 points or ≥ 30 % of baseline):
    # M1 8→2 = 6 ✓; M2 7→6 = 1, 14 % ✗; M3 9→4 = 5 ✓; M4 3→2 = 1 but 33 % ✓;
    # O1 8→7 = 1, 12.5 % ✗; O2 7→4 = 3 ✓.  M5's 2-week follow-up is entered in error.
    complete(m1, "2w", back=3, leg=2, daily=7)
    complete(m2, "2w", back=3, leg=6)
    complete(m3, "2w", back=5, leg=4)
    complete(m4, "2w", back=2, leg=2)
    complete(m5, "2w", back=0, leg=0).mark_entered_in_error(by=specialist, reason="typo")
    complete(o1, "2w", back=5, leg=7)
    complete(o2, "2w", back=4, leg=4)

    # 3 months: back, leg, ODI, satisfaction, days to daily activities / work.
    complete(m1, "3m", back=2, leg=1, odi=20, satisfaction=1, daily=10, work=30)
    complete(m2, "3m", back=3, leg=3, odi=30, satisfaction=2, daily=20)
    complete(m3, "3m", back=4, leg=2, odi=40, satisfaction=3, daily=14, work=60)
    complete(m4, "3m", back=1, leg=1)
    complete(o1, "3m", back=4, leg=3, odi=36, satisfaction=2, daily=40, work=90)
    complete(o2, "3m", back=3, leg=2, odi=30, satisfaction=4, daily=30, work=70)
    complete(wrong, "3m", back=0, leg=0, odi=0, satisfaction=1, daily=1, work=1)

    # 12 months.
    complete(m1, "12m", back=1, leg=0, odi=10, satisfaction=1)
    complete(m2, "12m", back=2, leg=1, odi=16, satisfaction=1)
    complete(m3, "12m", back=3, leg=3, odi=30, satisfaction=4)
    complete(o1, "12m", back=3, leg=2, odi=26, satisfaction=2)
    complete(o3, "12m", back=2, leg=2, odi=20, satisfaction=1)

    # A pending follow-up counts nowhere.
    factories.FollowUpFactory(procedure=o3, timepoint="6w")
    wrong.mark_entered_in_error(by=specialist, reason="test record")
    return {"m1": m1, "o2": o2, "wrong": wrong}


def clinical(**filters):
    return outcomes.clinical_results(**filters)


def values(results, key):
    miss, open_ = results.cell(key, "miss"), results.cell(key, "open")
    return (miss.value, miss.n, open_.value, open_.n)


def denominators(results, key):
    return (results.cell(key, "miss").denominator, results.cell(key, "open").denominator)


def approx(*numbers):
    return tuple(pytest.approx(n) if isinstance(n, float) else n for n in numbers)


# --- each figure, by hand ------------------------------------------------------------------------


def test_incision_length_is_the_median_by_group_and_by_technique(fixture):
    results = clinical()
    # MISS: 7, 8, 10, 18, 20 → 10.  Open: 30, 35, 40 → 35 (the 100 mm record is in error).
    assert values(results, "incision_length") == (10, 5, 35, 3)
    # FE-TF 7, 8 → 7.5; FE-IL 10; tubular 18, 20 → 19; open 35.
    assert [(label, cell.value, cell.n) for label, cell in results.incision_by_technique()] == [
        ("Full-endoscopic transforaminal", 7.5, 2),
        ("Full-endoscopic interlaminar", 10, 1),
        ("Tubular microdiscectomy", 19, 2),
        ("Open microdiscectomy", 35, 3),
    ]


def test_discharge_shares_and_length_of_stay(fixture):
    results = clinical()
    # Same day: MISS 2/5 = 40 %, open 0/3.  Same or next: MISS 4/5 = 80 %, open 1/3 = 33.3 %.
    assert values(results, "same_day_discharge") == (40, 5, 0, 3)
    assert values(results, "same_or_next_day_discharge") == approx(80.0, 5, 100 / 3, 3)
    # Nights: MISS 0, 0, 1, 1, 3 → 1; open 1, 2, 2 → 2.
    assert values(results, "length_of_stay") == (1, 5, 2, 3)
    assert results.stay_distribution() == {"miss": [2, 2, 0, 1], "open": [0, 1, 2, 0]}


def test_leg_pain_improvement_at_two_weeks_uses_the_active_threshold(fixture, settings):
    # Ostelo: MISS M1, M3, M4 of M1–M4 = 75 %; open O2 of O1, O2 = 50 %.
    assert values(clinical(), "leg_pain_mic_2_weeks") == (75, 4, 50, 2)
    # Swespine leg 3.2: MISS M1 (6), M3 (5) = 50 %; open O2's 3 points fall short = 0 %.
    settings.OUTCOME_MIC_SET = "swespine-2020"
    assert values(clinical(), "leg_pain_mic_2_weeks") == (50, 4, 0, 2)


def test_the_dashboard_agrees_with_each_follow_ups_own_flag(fixture):
    flags = [
        f.mic_reached()["nrs_leg"]
        for f in FollowUp.objects.valid().filter(timepoint="2w", procedure__technique="open")
    ]
    assert sorted(flags) == [False, True]


def test_return_to_daily_activities_and_work_take_each_patients_earliest_date(fixture):
    results = clinical()
    # Daily: M1 min(7, 10) = 7, M2 20, M3 14 → 14; open O1 40, O2 30 → 35.
    assert values(results, "return_to_daily_activities") == (14, 3, 35, 2)
    # Work: M1 30, M3 60 → 45; open O1 90, O2 70 → 80.
    assert values(results, "return_to_work") == (45, 2, 80, 2)
    # Drawn from patients with a follow-up due: M1–M4 (M5's only one is in error); O1–O3.
    assert denominators(results, "return_to_work") == (4, 3)


def test_adverse_event_and_infection_rates_count_procedures_once(fixture):
    results = clinical()
    # 30 days: MISS M1, M3 (two events, once) = 2/5 = 40 %; open none (O2's is in error).
    assert values(results, "adverse_events_30_days") == (40, 5, 0, 3)
    # 90 days: MISS M1, M3, M5 = 60 %; open O1 = 1/3.
    assert values(results, "adverse_events_90_days") == approx(60.0, 5, 100 / 3, 3)
    # Infections: MISS M1 at both; open O1 only by 90 days.
    assert values(results, "surgical_site_infection_30_days") == (20, 5, 0, 3)
    assert values(results, "surgical_site_infection_90_days") == approx(20.0, 5, 100 / 3, 3)


def test_recent_procedures_are_left_out_of_rates_whose_window_is_not_over(fixture):
    recent = make_procedure(
        technique="open", incision=30, nights=0, baseline=(5, 5, 5), days_ago=40
    )
    adverse_event(recent, "ssi", 2)
    results = clinical()
    # 30 days: open now 1/4 (the recent one's window is over); 90 days: still of 3.
    assert values(results, "surgical_site_infection_30_days") == (20, 5, 25, 4)
    assert values(results, "surgical_site_infection_90_days") == approx(20.0, 5, 100 / 3, 3)


def test_satisfaction_at_three_and_twelve_months(fixture):
    results = clinical()
    # 3 months: MISS M1 (1), M2 (2) of M1–M3 = 66.7 %; open O1 (2) of O1, O2 = 50 %.
    assert values(results, "satisfied_3_months") == approx(200 / 3, 3, 50.0, 2)
    # M4 answered at 3 months without rating satisfaction: due, answered, not in n.
    assert denominators(results, "satisfied_3_months") == (4, 2)
    # 12 months: MISS M1, M2 of M1–M3; open O1, O3 of 2 = 100 %.
    assert values(results, "satisfied_12_months") == approx(200 / 3, 3, 100.0, 2)


def test_median_improvement_in_nrs_and_odi(fixture):
    results = clinical()
    # 3 months, MISS: back 3, 1, 2, 2 → 2; leg 7, 4, 7, 2 → 5.5; ODI 30, 10, 20 → 20.
    assert values(results, "back_change_3_months") == (2, 4, 2, 2)
    assert values(results, "leg_change_3_months") == (5.5, 4, 5, 2)
    # open: back 2, 2; leg 5, 5; ODI 20, 14 → 17.
    assert values(results, "odi_change_3_months") == (20, 3, 17, 2)
    # 12 months, MISS: back 4, 2, 3 → 3; leg 8, 6, 6 → 6; ODI 40, 24, 30 → 30.
    # open: back 3, 2 → 2.5; leg 6, 4 → 5; ODI 30, 18 → 24.
    assert values(results, "back_change_12_months") == (3, 3, 2.5, 2)
    assert values(results, "leg_change_12_months") == (6, 3, 5, 2)
    assert values(results, "odi_change_12_months") == (30, 3, 24, 2)


def test_median_trajectories_start_at_the_baseline(fixture):
    trajectory = clinical().trajectory()
    # Leg, MISS: baseline 8, 7, 9, 3, 6 → 7; 2w 2, 6, 4, 2 → 3; 6w none; 3m 1, 3, 2, 1 → 1.5;
    # 12m 0, 1, 3 → 1; 24m none.
    assert trajectory["miss"]["nrs_leg"] == [7, 3, None, 1.5, 1, None]
    # ODI, open: baseline 56, 44, 38 → 44; 3m 36, 30 → 33; 12m 26, 20 → 23.
    assert trajectory["open"]["odi"] == [44, None, None, 33, 23, None]


def test_the_period_covered_is_that_of_the_procedures_counted(fixture):
    today = timezone.localdate()
    assert clinical().period == (
        today - datetime.timedelta(days=407),
        today - datetime.timedelta(days=400),
    )


def test_filters_narrow_the_cohort(fixture, specialist):
    today = timezone.localdate()
    # Only M1 and M5 are the specialist's.
    assert values(clinical(specialist=specialist), "incision_length") == (13, 2, None, 0)
    # Technique: only tubular (M3, M5: 18, 20 → 19).
    assert values(clinical(technique="tubular"), "incision_length") == (19, 2, None, 0)
    assert values(clinical(technique="miss"), "incision_length") == (10, 5, None, 0)
    # Period: M2 (401 days) and O2 (407) fall before it: MISS 7, 8, 18, 20 → 13; open 30, 35.
    start = today - datetime.timedelta(days=400)
    assert values(clinical(period_start=start), "incision_length") == (13, 4, 32.5, 2)
    end = today - datetime.timedelta(days=401)
    assert values(clinical(period_end=end), "incision_length") == (10, 1, 40, 1)


def test_a_converted_procedure_stays_in_miss_by_intention_to_treat(fixture):
    converted = Procedure.objects.get(converted_to_open=True, technique="fe_transforaminal")
    assert converted.pk in {row.procedure for row in cohort.build(timezone.localdate())}
    assert clinical().cell("incision_length", "miss").n == 5


def test_records_entered_in_error_are_left_out(fixture):
    assert fixture["wrong"].pk not in {row.procedure for row in cohort.build(timezone.localdate())}


def test_without_data_a_figure_has_no_value_and_n_zero():
    results = clinical()
    cell = results.cell("same_day_discharge", "miss")
    spec = outcomes.SPECS["same_day_discharge"]
    assert (cell.value, cell.n, outcomes.display_value(spec, cell)) == (None, 0, "—")
    assert results.period == (None, None)


# --- intervals, denominators and completeness ----------------------------------------------------


def test_the_wilson_interval_matches_published_values():
    # Newcombe 1998 (Stat Med 17:857), table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605;
    # 0/10 → 0–0.2775; 10/10 → 0.7225–1.
    assert stats.wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert stats.wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert stats.wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-5)
    assert stats.wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=5e-5)
    assert stats.wilson_interval(0, 0) is None


def test_a_proportions_interval_is_wilsons_worked_by_hand(fixture):
    # Same or next day, MISS 4 of 5: p = 0.8, z² = 3.8415; centre (0.8 + 0.3841) / 1.7683 =
    # 0.6697; half-width 1.1084 × √(0.032 + 0.0384) = 0.2941 → 37.6 %–96.4 %.
    cell = clinical().cell("same_or_next_day_discharge", "miss")
    assert (cell.low, cell.high) == pytest.approx((37.55, 96.38), abs=0.01)


@pytest.mark.parametrize(
    ("n", "ranks"),
    # Campbell & Gardner 1988 (BMJ 296:1454), table: the ranks of the 95 % interval of a median.
    [(5, None), (6, (1, 6)), (9, (2, 8)), (10, (2, 9)), (12, (3, 10)), (20, (6, 15)),
     (30, (10, 21)), (50, (18, 33)), (100, (40, 61))],
)  # fmt: skip
def test_the_medians_interval_takes_the_order_statistics_of_the_published_table(n, ranks):
    assert stats.median_interval_ranks(n) == ranks


def test_a_medians_interval_is_drawn_from_its_own_values(specialist):
    # Ten MISS incisions 11, 12, … 20 mm: median 15.5; ranks 2 and 9 → 12–19 mm.
    for mm in range(11, 21):
        make_procedure(technique="tubular", incision=mm, nights=0, baseline=(5, 7, 40))
    cell = clinical().cell("incision_length", "miss")
    assert (cell.value, cell.low, cell.high, cell.n) == (15.5, 12, 19, 10)
    spec = outcomes.SPECS["incision_length"]
    assert outcomes.display_interval(spec, cell) == "95 % CI 12–19 mm"
    # Below six values there is no interval, and none is shown.
    fewer = clinical(technique="open").cell("incision_length", "miss")
    assert outcomes.display_interval(spec, fewer) == ""


def test_every_figure_says_how_many_it_was_drawn_from(fixture):
    results = clinical()
    spec = outcomes.SPECS["leg_pain_mic_2_weeks"]
    cell = results.cell("leg_pain_mic_2_weeks", "miss")
    assert outcomes.display_count(spec, cell) == "4 of 4 operated patients due at 2 weeks"
    spec = outcomes.SPECS["surgical_site_infection_90_days"]
    cell = results.cell("surgical_site_infection_90_days", "open")
    assert outcomes.display_count(spec, cell) == "3 of 3 patients operated at least 90 days ago"


def test_completeness_counts_answers_in_the_window_of_those_due(fixture):
    results = clinical()
    # 2 weeks: MISS M1–M4 answered of M1–M4 due; open O1, O2.  6 weeks: O3's is overdue (its
    # window has closed unanswered): 0 of 1.
    assert values(results, "answered_2w") == (100, 4, 100, 2)
    assert values(results, "answered_6w") == (None, 0, 0, 1)
    spec = outcomes.SPECS["answered_6w"]
    assert outcomes.is_incomplete(spec, results.cell("answered_6w", "open"))
    assert not outcomes.is_incomplete(spec, results.cell("answered_2w", "open"))


def test_a_figure_below_the_completeness_threshold_is_marked(fixture, settings):
    # Satisfaction at 3 months, MISS: 3 rated of 4 due = 75 %.
    cell = clinical().cell("satisfied_3_months", "miss")
    assert cell.completeness == 75
    assert not cell.is_incomplete
    settings.OUTCOME_COMPLETENESS_MIN = 80
    assert cell.is_incomplete


def test_a_follow_up_not_yet_due_is_not_missing(specialist):
    # Operated 5 days ago: the 2-week window (days 10–21) has not opened.
    procedure = make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40),
                               days_ago=5)  # fmt: skip
    factories.FollowUpFactory(procedure=procedure, timepoint="2w")
    assert values(clinical(), "answered_2w") == (None, 0, None, 0)


def test_an_assessment_outside_its_window_is_kept_but_not_counted(specialist):
    procedure = make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 8, 40))
    # Assessed on the day of surgery: outside the 2-week window (days 10–21).
    follow_up = complete(procedure, "2w", back=1, leg=1)
    follow_up.assessed_on = procedure.procedure_date
    follow_up.out_of_window_reason = "Seen on the ward on the day of surgery"
    follow_up.save()
    results = clinical()
    assert values(results, "leg_pain_mic_2_weeks") == (None, 0, None, 0)
    assert denominators(results, "leg_pain_mic_2_weeks") == (1, 0)  # due, not answered
    assert values(results, "answered_2w") == (0, 1, None, 0)
    assert FollowUp.objects.filter(pk=follow_up.pk, completed_at__isnull=False).exists()


# --- kept current, off the request path ---------------------------------------------------------


def test_a_saved_record_reaches_the_figures_and_every_page_agrees(client_for, specialist):
    for _ in range(10):
        make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40))
    assert clinical().cell("same_day_discharge", "miss").n == 10
    make_procedure(technique="tubular", incision=15, nights=2, baseline=(5, 7, 40))
    # No waiting for a cache to expire: the next read has the eleventh patient.
    results = clinical()
    assert values(results, "same_day_discharge") == approx(1000 / 11, 11, None, 0)
    assert FigureSnapshot.objects.count() <= 3


def test_stale_figures_are_served_marked_while_the_worker_recomputes(
    client_for, specialist, settings
):
    from cases.tasks import refresh_outcome_figures

    for _ in range(10):
        make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40))
    outcomes.refresh()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    make_procedure(technique="tubular", incision=15, nights=2, baseline=(5, 7, 40))
    response = client_for(specialist).get(URL)
    # The page does not compute: it shows the last figures, says so, and a refresh is queued.
    assert response.context["results"].cell("same_day_discharge", "miss").n == 10
    assert "being updated" in response.content.decode()
    queued = [result.task for result in default_task_backend.results]
    assert refresh_outcome_figures in queued
    # The worker runs it; the next page is current.
    default_task_backend.results[-1].task.call(*default_task_backend.results[-1].args)
    response = client_for(specialist).get(URL)
    assert response.context["results"].cell("same_day_discharge", "miss").n == 11
    assert "being updated" not in response.content.decode()


def test_a_refresh_requested_before_a_newer_snapshot_is_skipped(specialist):
    from cases.tasks import refresh_outcome_figures

    requested = timezone.now().isoformat()
    outcomes.refresh()
    assert refresh_outcome_figures.call(requested) == "already current"
    assert FigureSnapshot.objects.count() == 1


def test_the_figures_are_recomputed_when_the_day_changes(specialist, monkeypatch):
    make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40), days_ago=29)
    assert clinical().cell("adverse_events_30_days", "miss").denominator == 0
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    # Thirty days old tomorrow: now in the 30-day rate's denominator.
    assert clinical().cell("adverse_events_30_days", "miss").denominator == 1


# --- small cells, for whoever is outside the clinical team ---------------------------------------


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


@pytest.fixture
def editors_world(specialist):
    """Procedures across ended quarters and techniques, sized so that some cells nest closely.

    2024 Q4: 11 FE transforaminal, 2 FE interlaminar.  2025 Q1: 12 tubular, 10 open.
    2025 Q2: 3 tubular.  The current quarter: 4 tubular (not yet shown to editors).
    """
    this_year = timezone.localdate().year
    operate(11, "fe_transforaminal", quarter_day(this_year - 2, 4))
    operate(2, "fe_interlaminar", quarter_day(this_year - 2, 4))
    operate(12, "tubular", quarter_day(this_year - 1, 1))
    operate(10, "open", quarter_day(this_year - 1, 1))
    operate(3, "tubular", quarter_day(this_year - 1, 2))
    operate(4, "tubular", timezone.localdate() - datetime.timedelta(days=1))
    return this_year


def editor_cohorts(this_year):
    """Every (period, technique) an editor can ask for, with the patients each column counts,
    worked out from the database independently of the figures' code."""
    periods = outcomes.editor_choices()
    techniques = outcomes.technique_filters()
    procedures = list(Procedure.objects.values_list("patient_id", "procedure_date", "technique"))
    combos = {}
    for period_key, _ in periods:
        for technique_key, _, allowed in techniques:
            for group, members in outcomes.GROUP_TECHNIQUES.items():
                combos[period_key, technique_key, group] = frozenset(
                    patient
                    for patient, day, technique in procedures
                    if technique in allowed & members and in_period(period_key, day, this_year)
                )
    return combos


def in_period(key, day, this_year):
    current_quarter = (timezone.localdate().month - 1) // 3 + 1
    ended = (day.year, (day.month - 1) // 3 + 1) < (this_year, current_quarter)
    if not ended:
        return False
    if key == "articles":
        first, last = outcomes.article_years(timezone.localdate())
        return (first is None or day.year >= first) and day.year <= last
    if "Q" in key:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}" == key
    return day.year == int(key)


def test_editors_filter_by_whole_ended_quarters_or_years_and_technique_only(editors_world):
    this_year = editors_world
    keys = [key for key, _ in outcomes.editor_choices()]
    assert keys == [
        "articles", str(this_year - 1), str(this_year - 2),
        f"{this_year - 1}Q2", f"{this_year - 1}Q1", f"{this_year - 2}Q4",
    ]  # fmt: skip
    form_fields = set(outcomes_form_for_editor().fields)
    assert form_fields == {"period", "technique"}


def outcomes_form_for_editor():
    from cases.views_outcomes import AggregateFilterForm

    return AggregateFilterForm()


def test_no_two_filters_an_editor_can_ask_for_single_out_fewer_than_ten_patients(editors_world):
    """Walk every combination: wherever one shown cell's patients contain another's, they are the
    same patients or differ by at least ten."""
    cohorts = editor_cohorts(editors_world)
    shown = {}
    for period_key, _ in outcomes.editor_choices():
        for technique_key, _, _ in outcomes.technique_filters():
            results = outcomes.editor_results(period=period_key, technique=technique_key)
            for group in outcomes.GROUPS:
                cell = results.cell("incision_length", group)
                if not cell.suppressed and cell.n:
                    patients = cohorts[period_key, technique_key, group]
                    assert cell.n == len(patients) >= MIN_CELL_SIZE
                    shown[period_key, technique_key, group] = patients
    assert shown, "the fixture must show some cells"
    for one, small in shown.items():
        for other, large in shown.items():
            if small < large:
                assert len(large - small) >= MIN_CELL_SIZE, (one, other)
    # The protection is not vacuous: e.g. 2024 Q4 FE-TF (11) inside all MISS of 2024 (13).
    # The articles' years hold every ended year here: they are the largest cell, never hidden.
    assert ("articles", "", "miss") in shown
    year = str(editors_world - 2)
    assert (f"{year}Q4", "fe_transforaminal", "miss") not in shown
    assert (year, "miss", "miss") in shown


def test_a_cell_nested_closely_in_a_larger_one_is_suppressed_the_larger_kept(editors_world):
    year = str(editors_world - 1)
    # 2025 tubular: 15; its Q1: 12 — three patients apart, so Q1's tubular cell is blanked.
    assert (
        outcomes.editor_results(period=year, technique="tubular").cell("incision_length", "miss").n
        == 15
    )
    q1 = outcomes.editor_results(period=f"{year}Q1", technique="tubular")
    assert q1.cell("incision_length", "miss").suppressed
    # Open in Q1 (10) is all the open surgery there is: nothing to difference, shown.
    assert outcomes.editor_results(period=f"{year}Q1").cell("incision_length", "open").n == 10


def test_the_current_quarter_is_not_shown_to_editors(editors_world):
    # Four tubular operations yesterday: not in any period an editor can ask for.
    results = outcomes.editor_results(period="articles", technique="tubular")
    assert results.cell("incision_length", "miss").n == 15


def test_article_figures_count_whole_ended_calendar_years(settings):
    today = datetime.date(2026, 11, 30)
    settings.OUTCOME_ARTICLE_YEARS = 3
    assert outcomes.article_years(today) == (2023, 2025)
    settings.OUTCOME_ARTICLE_YEARS = 1
    assert outcomes.article_years(today) == (2025, 2025)
    settings.OUTCOME_ARTICLE_YEARS = 0
    assert outcomes.article_years(today) == (None, 2025)


def test_an_article_figure_leaves_out_the_current_year(specialist, settings):
    this_year = timezone.localdate().year
    operate(10, "tubular", quarter_day(this_year - 1, 2))
    figure = outcomes.article_figure("incision_length")
    assert figure.n == 10
    assert figure.years == (this_year - 3, this_year - 1)
    # Ten more this year change nothing in articles until the year has ended.
    operate(10, "tubular", timezone.localdate() - datetime.timedelta(days=1))
    assert outcomes.article_figure("incision_length").n == 10
    settings.OUTCOME_ARTICLE_YEARS = 1
    operate(10, "fe_interlaminar", quarter_day(this_year - 2, 2))
    assert outcomes.article_figure("incision_length").n == 10


# --- the dashboard page --------------------------------------------------------------------------

URL = "/cases/outcomes/"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_patients_cannot_open_the_dashboard(client_for, patient_user):
    assert client_for(patient_user).get(URL).status_code == 403
    assert client_for(patient_user).get(URL + "?format=csv").status_code == 403


def test_a_specialist_sees_every_figure_with_its_n_interval_and_denominator(
    client_for, specialist, fixture
):
    response = client_for(specialist).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Median incision length" in html
    assert "n = 5 of 5 operated patients" in html
    assert "95 % CI 37.6–96.4 %" not in html  # whole percentages for this figure
    assert "95 % CI 38–96 %" in html
    assert "Incisions as small as one inch" in html
    assert "Wilson" in html and "Campbell" in html  # the methods, cited
    assert TOO_FEW not in html
    assert AuditEvent.objects.filter(
        action="view", user=specialist, detail="outcome dashboard"
    ).exists()


def test_the_page_marks_low_completeness(client_for, specialist, fixture):
    html = client_for(specialist).get(URL).content.decode()
    # Open, 6 weeks: 0 of 1 due answered.
    assert 'data-timepoint="6w"' in html
    assert "below 60 %" in html


def test_an_editor_sees_the_figures_suppressed(client_for, editor, fixture):
    response = client_for(editor).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_FEW in html
    assert "of 5 operated patients" not in html
    assert "10 mm" not in html
    assert response.context["results"].stay_distribution() == {"miss": None, "open": None}
    assert 'name="period_from"' not in html and 'name="specialist"' not in html


def test_an_editor_sees_figures_from_ten_patients(client_for, editor):
    operate(10, "tubular", timezone.localdate() - datetime.timedelta(days=400))
    html = client_for(editor).get(URL).content.decode()
    assert "14 mm" in html  # 10 … 19 → 14.5, shown whole
    assert "n = 10 of 10 operated patients" in html


def test_an_editor_cannot_ask_for_a_day_or_a_surgeon(client_for, editor, specialist):
    operate(10, "tubular", timezone.localdate() - datetime.timedelta(days=400))
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = client_for(editor).get(
        URL, {"period_from": start, "specialist": specialist.pk, "period": "nonsense"}
    )
    assert response.status_code == 200
    # Unknown fields are ignored and an unknown period is refused: the ended quarters are shown.
    assert response.context["results"].cell("incision_length", "miss").n == 10


def test_the_filters_reach_the_figures(client_for, specialist, fixture):
    response = client_for(specialist).get(URL, {"technique": "tubular"})
    assert response.context["results"].cell("incision_length", "miss").n == 2
    response = client_for(specialist).get(URL, {"specialist": specialist.pk})
    assert response.context["results"].cell("incision_length", "miss").n == 2


def test_a_period_ending_before_it_starts_is_refused(client_for, specialist, fixture):
    response = client_for(specialist).get(
        URL, {"period_from": "2025-06-01", "period_to": "2025-01-01"}
    )
    assert "The period must start before it ends." in response.content.decode()
    assert response.context["results"].cell("incision_length", "miss").n == 5  # unfiltered


def test_the_csv_holds_the_table_with_intervals_and_is_audited(client_for, specialist, fixture):
    response = client_for(specialist).get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(response.content.decode().splitlines()))
    assert rows[0][:10] == [
        "figure", "measure", "the article says", "unit",
        "MISS value", "MISS 95% CI low", "MISS 95% CI high", "MISS n", "MISS drawn from",
        "MISS completeness %",
    ]  # fmt: skip
    discharge = next(row for row in rows if row[0] == "same_or_next_day_discharge")
    assert discharge[4:10] == ["80.0", "37.6", "96.4", "5", "5", "100"]
    assert discharge[16] == "operated patients"
    assert any(row[0] == "answered_2w" for row in rows)
    assert AuditEvent.objects.filter(
        action="export", user=specialist, detail="outcome dashboard CSV"
    ).exists()


def test_an_editors_csv_is_suppressed(client_for, editor, fixture):
    response = client_for(editor).get(URL, {"format": "csv"})
    rows = list(csv.reader(response.content.decode().splitlines()))
    incision = next(row for row in rows if row[0] == "incision_length")
    assert incision[4:8] == [TOO_FEW, "", "", "< 10"]
    assert AuditEvent.objects.filter(action="export", user=editor).exists()


def test_chart_data_goes_through_json_script(client_for, specialist, fixture):
    html = client_for(specialist).get(URL).content.decode()
    assert '<script id="outcome-data" type="application/json">' in html
    assert "js/outcomes.js" in html
    assert "vendor/chart.js/chart.umd.js" in html


def build(count):
    for i in range(count):
        procedure = make_procedure(
            technique="open" if i % 3 == 0 else "tubular",
            incision=10 + i,
            nights=i % 4,
            baseline=(5, 7, 40),
        )
        complete(procedure, "2w", back=3, leg=3, daily=5 + i)
        complete(procedure, "3m", back=2, leg=2, odi=20, satisfaction=1 + i % 4, work=30 + i)
        if i % 5 == 0:
            adverse_event(procedure, "ssi", 5)


@pytest.mark.parametrize("count", [12, 40])
def test_the_page_takes_the_same_queries_whatever_the_number_of_procedures(
    count, client_for, specialist, django_assert_num_queries
):
    build(count)
    outcomes.refresh()
    client = client_for(specialist)
    # Session, user, permissions (2), the snapshot with its freshness, the thresholds, the audit
    # entry, the user's roles (navigation) and the specialist choices of the filter.
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    cells = response.context["results"].cell("incision_length", "miss")
    assert cells.n + response.context["results"].cell("incision_length", "open").n == count


# --- figures inside articles ---------------------------------------------------------------------


@pytest.fixture
def seed_article(db):
    from pathlib import Path

    from django.core.management import call_command

    content = Path(__file__).resolve().parents[2] / "education" / "content"
    call_command("import_articles", str(content), verbosity=0)
    return "/education/articles/miss-spinal-herniations/"


@pytest.mark.parametrize(("n", "shown"), [(9, False), (10, True)])
def test_the_seed_article_shows_the_clinics_discharge_figure_from_ten_patients(
    n, shown, client, seed_article
):
    this_year = timezone.localdate().year
    for i in range(n):
        make_procedure(
            technique="tubular", incision=15, nights=i % 2, baseline=(5, 7, 40),
            operated=quarter_day(this_year - 1, 2),
        )  # fmt: skip
    # Under the open procedure's own figure nothing changes: the article speaks of MISS.
    make_procedure(technique="open", incision=40, nights=3, baseline=(5, 7, 40))
    html = client.get(seed_article).content.decode()
    sentence = (
        "At this clinic: 100 % of patients who had minimally invasive surgery went home the same"
        f" day or the next (95 % CI 72–100 %) — {n} of {n} operated patients,"
        f" {this_year - 3}–{this_year - 1}."
    )
    assert (sentence in html) is shown
    assert "[[figure:" not in html
    assert "Patients often go home on the same day or the following day" in html


def test_the_article_and_the_editors_view_show_the_same_numbers(client, editor, seed_article):
    this_year = timezone.localdate().year
    operate(12, "tubular", quarter_day(this_year - 1, 2))
    article = article_figures.sentence("incision_length")
    cell = outcomes.editor_results(period="articles").cell("incision_length", "miss")
    assert f"{cell.n} of {cell.n} operated patients" in article
    assert f"{cell.value:.0f} mm" in article


def test_the_demo_has_enough_operated_patients_for_numbers_and_is_idempotent(specialist):
    import io

    from cases import demo
    from clinic.models import Patient

    demo.seed_outcomes(specialist=specialist, stdout=io.StringIO())
    demo.seed_outcomes(specialist=specialist, stdout=io.StringIO())
    assert Patient.objects.filter(mrn__startswith="DEMO-OUT-").count() == 20
    results = outcomes.editor_results(period="articles")
    for key in ("same_or_next_day_discharge", "leg_pain_mic_2_weeks", "satisfied_12_months"):
        assert not results.cell(key, "miss").suppressed
        assert not results.cell(key, "open").suppressed
    assert not FollowUp.objects.due_or_overdue().filter(patient__mrn__startswith="DEMO-OUT-")


# --- the data-quality page -----------------------------------------------------------------------

QUALITY_URL = "/cases/data-quality/"


def test_the_data_quality_page_is_for_the_clinical_team_only(client, client_for, editor):
    assert client.get(QUALITY_URL).status_code == 302
    assert client_for(editor).get(QUALITY_URL).status_code == 403


def test_the_data_quality_page_lists_each_problem_with_a_link_to_fix_it(
    client_for, specialist, fixture
):
    no_discharge = make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, None))
    no_discharge.discharged_at = None
    no_discharge.save()
    late = fixture["m1"].follow_ups.get(timepoint="3m")
    late.assessed_on = late.window_closes + datetime.timedelta(days=3)
    late.out_of_window_reason = "Patient abroad"
    late.save()
    response = client_for(specialist).get(QUALITY_URL)
    assert response.status_code == 200
    problems = {problem.key: problem for problem in response.context["problems"]}
    # M5 and the new procedure have no baseline ODI.
    assert problems["missing-baseline"].count == 2
    assert [row[2] for row in problems["out-of-window"].rows] == [late.get_absolute_url()]
    assert [row[2] for row in problems["no-discharge"].rows] == [no_discharge.get_absolute_url()]
    # O3's 6-week follow-up closed unanswered.
    assert problems["overdue"].count == 1
    # The open procedure in error, M5's 2-week follow-up and O2's adverse event.
    assert problems["entered-in-error"].count == 3
    html = response.content.decode()
    assert late.get_absolute_url() in html and no_discharge.get_absolute_url() in html
    assert AuditEvent.objects.filter(action="view", user=specialist, detail="data quality").exists()


def test_the_data_quality_page_answers_only_reads(client_for, specialist):
    assert client_for(specialist).options(QUALITY_URL).status_code == 405
    assert client_for(specialist).post(QUALITY_URL).status_code == 405
