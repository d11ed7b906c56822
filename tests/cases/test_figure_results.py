"""Every surgeon × technique × calendar-year filter of the clinical dashboard is computed with the
snapshot, in the background, and gives exactly what computing over those procedures gives."""

import datetime
import itertools
import json

import pytest
from django.utils import timezone

from cases import outcomes
from cases.models import FigureResult
from cases.outcomes import cohort
from cases.outcomes.cells import compute
from cases.outcomes.snapshots import _context, _thresholds_of, current_snapshot
from tests.cases.outcome_data import complete, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_surgeons_two_years(specialist, other_specialist):
    this_year = timezone.localdate().year
    for i in range(16):
        procedure = make_procedure(
            technique=("open", "tubular", "fe_interlaminar")[i % 3],
            incision=10 + i,
            nights=i % 3,
            baseline=(6, 7, 40),
            surgeon=(specialist, other_specialist)[i % 2],
            operated=datetime.date(this_year - 1 - (i // 2) % 2, 1 + i % 12, 10),
        )
        complete(procedure, "2w", back=3, leg=2 + i % 3, daily=5 + i)
    outcomes.refresh()
    return this_year - 2, this_year - 1


def test_each_combination_equals_computing_over_its_procedures(
    two_surgeons_two_years, specialist, other_specialist
):
    rows = cohort.build(timezone.localdate())
    snapshot, _ = current_snapshot("clinical")
    context = _context(snapshot["as_of"], _thresholds_of(snapshot))
    filters = outcomes.technique_filters()
    stored = set(FigureResult.objects.values_list("key", flat=True))
    checked = 0
    for surgeon, (technique, _, techniques), year in itertools.product(
        (None, specialist, other_specialist), filters, (None, *two_surgeons_two_years)
    ):
        start = end = None
        if year:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        results = outcomes.clinical_results(
            period_start=start, period_end=end, technique=technique or None, specialist=surgeon
        )
        chosen = [
            row
            for row in rows
            if (surgeon is None or row.surgeon == surgeon.pk)
            and (year is None or row.day.year == year)
        ]
        # As stored: through JSON (tuples become lists).
        expected = compute(chosen, context, techniques)
        assert json.loads(json.dumps(results.data)) == json.loads(json.dumps(expected))
        checked += 1
    assert checked == 3 * len(filters) * 3
    # The unfiltered figures are the snapshot's own; every other combination with procedures
    # has its row.
    assert "||" not in stored
    assert f"{specialist.pk}||{two_surgeons_two_years[0]}" in stored


def test_another_period_is_computed_over_the_procedures_in_it(two_surgeons_two_years):
    first, _ = two_surgeons_two_years
    start, end = datetime.date(first, 3, 1), datetime.date(first, 8, 31)
    results = outcomes.clinical_results(period_start=start, period_end=end)
    expected = sum(1 for row in cohort.build(timezone.localdate()) if start <= row.day <= end)
    assert results.period[0] >= start and results.period[1] <= end
    counted = results.cell("incision_length", "miss").n + results.cell("incision_length", "open").n
    assert counted == expected > 0


@pytest.mark.parametrize("size", [6, 24])
def test_a_filtered_page_reads_one_stored_row(
    size, client_for, specialist, django_assert_num_queries
):
    for _ in range(size):
        make_procedure(
            technique="tubular", incision=10, nights=0, baseline=(5, 6, 30), surgeon=specialist
        )
    outcomes.refresh()
    client = client_for(specialist)
    # Session, user with roles, permissions, the chosen surgeon (the form checks it), the
    # snapshot with its freshness, its stored row, the audit entry, the surgeon choices, and
    # the patients who did not answer their check-ins with their count (issue 15).
    with django_assert_num_queries(10):
        response = client.get(
            "/cases/outcomes/", {"specialist": specialist.pk, "technique": "tubular"}
        )
    assert response.status_code == 200
    assert response.context["results"].cell("incision_length", "miss").n == size


def test_the_figures_show_the_thresholds_they_were_computed_with(two_surgeons_two_years):
    from cases.models import MinimalImportantChange

    before = outcomes.clinical_results().thresholds
    assert {threshold.measure for threshold in before} >= {"nrs_leg"}
    stored = MinimalImportantChange.objects.active().get(measure="nrs_leg")
    assert next(t for t in before if t.measure == "nrs_leg").points == stored.points
