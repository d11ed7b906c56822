"""Small cells: what an editor may ask for, and that no two requests single out a few patients;
articles count whole ended calendar years."""

import datetime

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import Procedure
from cases.outcomes import MIN_CELL_SIZE
from tests.cases.outcome_data import (
    operate,
    quarter_day,
)

pytestmark = pytest.mark.django_db


# --- small cells, for whoever is outside the clinical team ---------------------------------------


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
