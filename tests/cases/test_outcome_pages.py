"""The outcome dashboard, its CSV, figures in articles and the data-quality page."""

import csv
import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import FollowUp
from cases.outcomes import TOO_FEW
from clinic.models import AuditEvent
from education import figures as article_figures
from tests.cases.outcome_data import (
    adverse_event,
    complete,
    make_procedure,
    operate,
    quarter_day,
)

pytestmark = pytest.mark.django_db


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
    rows = list(csv.reader(response.getvalue().decode().splitlines()))
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
    rows = list(csv.reader(response.getvalue().decode().splitlines()))
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
    # Session, user with roles, permissions, the snapshot with its freshness and thresholds, the
    # audit entry and the specialist choices of the filter; the non-responders and their count.
    with django_assert_num_queries(8):
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
