"""The outcome figures: every figure on a hand-made fixture (``fixture`` in conftest.py),
intervals against published values, completeness, and figures kept current off the request path.

Every expected value below is computed by hand in the comments, from the fixture's table.
"""

import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import FigureSnapshot, FollowUp, Procedure
from cases.outcomes import cohort, stats
from tests import factories
from tests.cases.outcome_data import (
    adverse_event,
    approx,
    clinical,
    complete,
    denominators,
    make_procedure,
    values,
)

pytestmark = pytest.mark.django_db

URL = "/cases/outcomes/"


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


@pytest.mark.parametrize("n", [6, 7, 100, 1001, 5000, 5001, 7777])
def test_large_samples_sum_the_tail_in_floating_point_to_the_same_ranks(n, monkeypatch):
    # Above stats.EXACT_UP_TO values the binomial tail is summed in floating point: it must
    # choose the very ranks the exact integer search chooses.
    monkeypatch.setattr(stats, "EXACT_UP_TO", 10**9)
    exact = stats.median_interval_ranks.__wrapped__(n)
    assert stats._large_sample_ranks(n, 1 - stats.CONFIDENCE) == exact


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
