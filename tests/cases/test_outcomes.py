"""The outcome figures: every figure on a hand-made fixture, suppression, and query counts.

Every expected value below is computed by hand in the comments, from the fixture's table.
"""

import csv
import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import AdverseEvent, FollowUp
from cases.outcomes import (
    MIN_CELL_SIZE,
    TOO_FEW,
    Cell,
    clinic_figures,
    cohort,
    suppress,
)
from clinic.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 12
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
):
    """A procedure ``days_ago`` days ago, its consult holding ``baseline`` (back, leg, ODI)."""
    today = timezone.localdate()
    operated = today - datetime.timedelta(days=days_ago)
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
        decided_at=timezone.now() - datetime.timedelta(days=days_ago + 10),
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


def values(results, key):
    figure = results.figure(key)
    return (figure.miss.value, figure.miss.n, figure.open.value, figure.open.n)


def approx(*numbers):
    return tuple(pytest.approx(n) if isinstance(n, float) else n for n in numbers)


def test_incision_length_is_the_median_by_group_and_by_technique(fixture):
    results = clinic_figures()
    # MISS: 7, 8, 10, 18, 20 → 10.  Open: 30, 35, 40 → 35 (the 100 mm record is in error).
    assert values(results, "incision_length") == (10, 5, 35, 3)
    # FE-TF 7, 8 → 7.5; FE-IL 10; tubular 18, 20 → 19; open 35.
    assert results.incision_by_technique == [
        ("Full-endoscopic transforaminal", 7.5, 2),
        ("Full-endoscopic interlaminar", 10, 1),
        ("Tubular microdiscectomy", 19, 2),
        ("Open microdiscectomy", 35, 3),
    ]


def test_discharge_shares_and_length_of_stay(fixture):
    results = clinic_figures()
    # Same day: MISS 2/5 = 40 %, open 0/3.  Same or next: MISS 4/5 = 80 %, open 1/3 = 33.3 %.
    assert values(results, "same_day_discharge") == (40, 5, 0, 3)
    assert values(results, "same_or_next_day_discharge") == approx(80.0, 5, 100 / 3, 3)
    # Nights: MISS 0, 0, 1, 1, 3 → 1; open 1, 2, 2 → 2.
    assert values(results, "length_of_stay") == (1, 5, 2, 3)
    assert results.stay_distribution == {"miss": [2, 2, 0, 1], "open": [0, 1, 2, 0]}


def test_leg_pain_improvement_at_two_weeks_uses_the_active_threshold(fixture, settings):
    # Ostelo: MISS M1, M3, M4 of M1–M4 = 75 %; open O2 of O1, O2 = 50 %.
    assert values(clinic_figures(), "leg_pain_mic_2_weeks") == (75, 4, 50, 2)
    # Swespine leg 3.2: MISS M1 (6), M3 (5) = 50 %; open O2's 3 points fall short = 0 %.
    settings.OUTCOME_MIC_SET = "swespine-2020"
    assert values(clinic_figures(), "leg_pain_mic_2_weeks") == (50, 4, 0, 2)


def test_the_dashboard_agrees_with_each_follow_ups_own_flag(fixture):
    flags = [
        f.mic_reached()["nrs_leg"]
        for f in FollowUp.objects.valid().filter(timepoint="2w", procedure__technique="open")
    ]
    assert sorted(flags) == [False, True]


def test_return_to_daily_activities_and_work_take_each_patients_earliest_date(fixture):
    results = clinic_figures()
    # Daily: M1 min(7, 10) = 7, M2 20, M3 14 → 14; open O1 40, O2 30 → 35.
    assert values(results, "return_to_daily_activities") == (14, 3, 35, 2)
    # Work: M1 30, M3 60 → 45; open O1 90, O2 70 → 80.
    assert values(results, "return_to_work") == (45, 2, 80, 2)


def test_adverse_event_and_infection_rates_count_procedures_once(fixture):
    results = clinic_figures()
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
    results = clinic_figures()
    # 30 days: open now 1/4 (the recent one's window is over); 90 days: still of 3.
    assert values(results, "surgical_site_infection_30_days") == (20, 5, 25, 4)
    assert values(results, "surgical_site_infection_90_days") == approx(20.0, 5, 100 / 3, 3)


def test_satisfaction_at_three_and_twelve_months(fixture):
    results = clinic_figures()
    # 3 months: MISS M1 (1), M2 (2) of M1–M3 = 66.7 %; open O1 (2) of O1, O2 = 50 %.
    assert values(results, "satisfied_3_months") == approx(200 / 3, 3, 50.0, 2)
    # 12 months: MISS M1, M2 of M1–M3; open O1, O3 of 2 = 100 %.
    assert values(results, "satisfied_12_months") == approx(200 / 3, 3, 100.0, 2)


def test_mean_improvement_in_nrs_and_odi(fixture):
    results = clinic_figures()
    # 3 months, MISS: back 3+1+2+2 = 8/4 = 2; leg 7+4+7+2 = 20/4 = 5; ODI 30+10+20 = 60/3 = 20.
    assert values(results, "back_change_3_months") == approx(2.0, 4, 2.0, 2)
    assert values(results, "leg_change_3_months") == approx(5.0, 4, 5.0, 2)
    # open: back 2, 2; leg 5, 5; ODI 20, 14 → 17.
    assert values(results, "odi_change_3_months") == approx(20.0, 3, 17.0, 2)
    # 12 months, MISS: back 4, 2, 3 → 3; leg 8, 6, 6 → 6.67; ODI 40, 24, 30 → 31.33.
    # open: back 3, 2 → 2.5; leg 6, 4 → 5; ODI 30, 18 → 24.
    assert values(results, "back_change_12_months") == approx(3.0, 3, 2.5, 2)
    assert values(results, "leg_change_12_months") == approx(20 / 3, 3, 5.0, 2)
    assert values(results, "odi_change_12_months") == approx(94 / 3, 3, 24.0, 2)


def test_median_trajectories_start_at_the_baseline(fixture):
    trajectory = clinic_figures().trajectory
    # Leg, MISS: baseline 8, 7, 9, 3, 6 → 7; 2w 2, 6, 4, 2 → 3; 6w none; 3m 1, 3, 2, 1 → 1.5;
    # 12m 0, 1, 3 → 1; 24m none.
    assert trajectory["miss"]["nrs_leg"] == [7, 3, None, 1.5, 1, None]
    # ODI, open: baseline 56, 44, 38 → 44; 3m 36, 30 → 33; 12m 26, 20 → 23.
    assert trajectory["open"]["odi"] == [44, None, None, 33, 23, None]


def test_the_period_covered_is_that_of_the_procedures_counted(fixture):
    today = timezone.localdate()
    results = clinic_figures()
    assert results.period == (
        today - datetime.timedelta(days=407),
        today - datetime.timedelta(days=400),
    )
    assert all(figure.period == results.period for figure in results.figures)


def test_filters_narrow_the_cohort(fixture, specialist):
    today = timezone.localdate()
    # Only M1 and M5 are the specialist's.
    assert values(clinic_figures(specialist=specialist), "incision_length") == (13, 2, None, 0)
    # Technique: only tubular (M3, M5: 18, 20 → 19).
    assert values(clinic_figures(technique="tubular"), "incision_length") == (19, 2, None, 0)
    assert values(clinic_figures(technique="miss"), "incision_length") == (10, 5, None, 0)
    # Period: M2 (401 days) and O2 (407) fall before it: MISS 7, 8, 18, 20 → 13; open 30, 35.
    start = today - datetime.timedelta(days=400)
    assert values(clinic_figures(period_start=start), "incision_length") == (13, 4, 32.5, 2)
    end = today - datetime.timedelta(days=401)
    assert values(clinic_figures(period_end=end), "incision_length") == (10, 1, 40, 1)


def test_a_converted_procedure_stays_in_miss_by_intention_to_treat(fixture):
    assert cohort().filter(converted_to_open=True, technique="fe_transforaminal").count() == 1
    assert clinic_figures().figure("incision_length").miss.n == 5


def test_records_entered_in_error_are_left_out(fixture):
    assert fixture["wrong"].pk not in set(cohort().values_list("pk", flat=True))
    assert AdverseEvent.objects.filter(procedure=fixture["o2"], entered_in_error=True).exists()


def test_without_data_a_figure_has_no_value_and_n_zero():
    results = clinic_figures()
    figure = results.figure("same_day_discharge")
    assert (figure.miss.value, figure.miss.n, figure.display("miss")) == (None, 0, "—")
    assert results.suppressed().figure("same_day_discharge").display("miss") == TOO_FEW
    assert results.period == (None, None)


# --- suppression ---------------------------------------------------------------------------------


def test_suppress_keeps_a_value_from_ten_patients_and_blanks_one_from_nine():
    assert MIN_CELL_SIZE == 10
    assert suppress(87, 10) == 87
    assert suppress(87, 9) is None
    assert suppress(87, None) is None
    assert Cell(value=87, n=9).suppress() == Cell(value=None, n=9, suppressed=True)
    assert Cell(value=87, n=10).suppress() == Cell(value=87, n=10, suppressed=False)


@pytest.mark.parametrize(("n", "shown"), [(9, False), (10, True)])
def test_a_figure_from_nine_patients_is_suppressed_and_from_ten_shown(n, shown):
    for _ in range(n):
        make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40))
    figure = clinic_figures().suppressed().figure("same_day_discharge")
    assert figure.miss.n == n
    assert figure.display("miss") == ("100 %" if shown else TOO_FEW)
    assert figure.display("open") == TOO_FEW  # n = 0


def test_suppressed_results_blank_small_charts_too(fixture):
    results = clinic_figures().suppressed()
    assert results.stay_distribution == {"miss": None, "open": None}
    assert results.trajectory["miss"]["nrs_leg"] == [None] * 6
    assert all(value is None for _, value, _ in results.incision_by_technique)


# --- query count ---------------------------------------------------------------------------------


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
def test_the_figures_take_the_same_few_queries_whatever_the_number_of_procedures(
    count, django_assert_num_queries
):
    build(count)
    # Thresholds, the procedure aggregate, the follow-up aggregate, and two value lists.
    with django_assert_num_queries(5):
        results = clinic_figures()
    assert results.figure("incision_length").miss.n + results.figure("incision_length").open.n == (
        count
    )


# --- the dashboard page --------------------------------------------------------------------------

URL = "/cases/outcomes/"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_patients_cannot_open_the_dashboard(client_for, patient_user):
    assert client_for(patient_user).get(URL).status_code == 403
    assert client_for(patient_user).get(URL + "?format=csv").status_code == 403


def test_a_specialist_sees_every_figure_with_its_n(client_for, specialist, fixture):
    response = client_for(specialist).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Median incision length" in html
    assert '10 mm <span class="text-body-secondary">(n = 5)</span>' in html
    assert "Incisions as small as one inch" in html
    assert TOO_FEW not in html
    assert AuditEvent.objects.filter(
        action="view", user=specialist, detail="outcome dashboard"
    ).exists()


def test_an_editor_sees_the_figures_suppressed(client_for, editor, fixture):
    response = client_for(editor).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_FEW in html
    assert "(n = 5)" not in html
    assert "10 mm" not in html
    assert response.context["results"].stay_distribution == {"miss": None, "open": None}


def test_an_editor_sees_figures_from_ten_patients(client_for, editor):
    for _ in range(10):
        make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, 40))
    html = client_for(editor).get(URL).content.decode()
    assert "15 mm" in html


def test_the_filters_reach_the_figures(client_for, specialist, fixture):
    response = client_for(specialist).get(URL, {"technique": "tubular"})
    assert response.context["results"].figure("incision_length").miss.n == 2
    response = client_for(specialist).get(URL, {"specialist": specialist.pk})
    assert response.context["results"].figure("incision_length").miss.n == 2


def test_a_period_ending_before_it_starts_is_refused(client_for, specialist, fixture):
    response = client_for(specialist).get(
        URL, {"period_from": "2025-06-01", "period_to": "2025-01-01"}
    )
    assert "The period must start before it ends." in response.content.decode()
    assert response.context["results"].figure("incision_length").miss.n == 5  # unfiltered


def test_the_csv_holds_the_table_and_is_audited_as_an_export(client_for, specialist, fixture):
    response = client_for(specialist).get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(response.content.decode().splitlines()))
    assert rows[0][:8] == [
        "figure",
        "measure",
        "the article says",
        "unit",
        "MISS value",
        "MISS n",
        "open value",
        "open n",
    ]
    incision = next(row for row in rows if row[0] == "incision_length")
    assert incision[4:8] == ["10.0", "5", "35.0", "3"]
    assert AuditEvent.objects.filter(
        action="export", user=specialist, detail="outcome dashboard CSV"
    ).exists()


def test_an_editors_csv_is_suppressed(client_for, editor, fixture):
    response = client_for(editor).get(URL, {"format": "csv"})
    rows = list(csv.reader(response.content.decode().splitlines()))
    incision = next(row for row in rows if row[0] == "incision_length")
    assert incision[4:8] == [TOO_FEW, "< 10", TOO_FEW, "< 10"]
    assert AuditEvent.objects.filter(action="export", user=editor).exists()


def test_chart_data_goes_through_json_script(client_for, specialist, fixture):
    html = client_for(specialist).get(URL).content.decode()
    assert '<script id="outcome-data" type="application/json">' in html
    assert "js/outcomes.js" in html
    assert "vendor/chart.js/chart.umd.js" in html


@pytest.mark.parametrize("count", [12, 40])
def test_the_page_takes_the_same_queries_whatever_the_number_of_procedures(
    count, client_for, specialist, django_assert_num_queries
):
    build(count)
    client = client_for(specialist)
    # Session, user, permissions (2), the five figure queries, the audit entry, the user's roles
    # (navigation) and the specialist choices of the filter.
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200


# --- figures inside articles ---------------------------------------------------------------------


@pytest.fixture
def seed_article(db):
    from pathlib import Path

    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()
    content = Path(__file__).resolve().parents[2] / "education" / "content"
    call_command("import_articles", str(content), verbosity=0)
    yield "/education/articles/miss-spinal-herniations/"
    cache.clear()


@pytest.mark.parametrize(("n", "shown"), [(9, False), (10, True)])
def test_the_seed_article_shows_the_clinics_discharge_figure_from_ten_patients(
    n, shown, client, seed_article
):
    for i in range(n):
        make_procedure(technique="tubular", incision=15, nights=i % 2, baseline=(5, 7, 40))
    # Under the open procedure's own figure nothing changes: the article speaks of MISS.
    make_procedure(technique="open", incision=40, nights=3, baseline=(5, 7, 40))
    html = client.get(seed_article).content.decode()
    year = (timezone.localdate() - datetime.timedelta(days=400)).year
    sentence = (
        "At this clinic: 100 % of patients who had minimally invasive surgery went home the same"
        f" day or the next — {n} patients, {year}."
    )
    assert (sentence in html) is shown
    assert "[[figure:" not in html
    assert "Patients often go home on the same day or the following day" in html


def test_the_demo_has_enough_operated_patients_for_numbers_and_is_idempotent(specialist):
    import io

    from cases import demo
    from clinic.models import Patient

    demo.seed_outcomes(specialist=specialist, stdout=io.StringIO())
    demo.seed_outcomes(specialist=specialist, stdout=io.StringIO())
    assert Patient.objects.filter(mrn__startswith="DEMO-OUT-").count() == 20
    results = clinic_figures().suppressed()
    for key in ("same_or_next_day_discharge", "leg_pain_mic_2_weeks", "satisfied_12_months"):
        assert results.figure(key).display("miss") != TOO_FEW
        assert results.figure(key).display("open") != TOO_FEW
    assert not FollowUp.objects.due_or_overdue().filter(patient__mrn__startswith="DEMO-OUT-")


@pytest.mark.parametrize("years, days", [(3, 1095), (1, 365), (0, None)])
def test_article_figures_count_a_rolling_window_of_years(settings, years, days):
    settings.OUTCOME_ARTICLE_YEARS = years
    today = timezone.localdate()
    expected = None if days is None else today - datetime.timedelta(days=days)
    assert outcomes.article_period_start() == expected


def test_an_article_figure_leaves_out_operations_before_the_window(fixture, settings, monkeypatch):
    """The fixture's operations are 400-407 days old: a one-year window leaves them all out."""
    monkeypatch.setattr(outcomes, "suppress", lambda value, n: value)  # fewer than 10 here
    settings.OUTCOME_ARTICLE_YEARS = 2
    sentence, n, _ = outcomes.article_figure("incision_length")
    assert n == 5 and sentence.startswith("half of the minimally invasive operations")
    settings.OUTCOME_ARTICLE_YEARS = 1
    assert outcomes.article_figure("incision_length") is None
