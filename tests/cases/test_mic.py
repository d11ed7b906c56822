"""Minimal important change: cited configuration, the active set, and the follow-up flags."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import MinimalImportantChange
from cases.outcomes import active_thresholds
from tests import factories

pytestmark = pytest.mark.django_db


def completed_follow_up(*, consult_nrs_back=6, consult_nrs_leg=8, consult_odi=50, **results):
    consult = factories.ConsultFactory(
        nrs_back=consult_nrs_back, nrs_leg=consult_nrs_leg, odi_score=consult_odi
    )
    procedure = factories.ProcedureFactory(decision__consult=consult)
    follow_up = factories.FollowUpFactory(procedure=procedure, timepoint="2w")
    follow_up.assessed_on = procedure.procedure_date + datetime.timedelta(days=14)
    follow_up.completed_at = timezone.now()
    for name, value in results.items():
        setattr(follow_up, name, value)
    follow_up.save()
    return follow_up


def test_the_migration_seeds_both_cited_sets():
    rows = {
        (t.set_key, t.measure): (t.points, t.relative_percent)
        for t in MinimalImportantChange.objects.filter(is_active=True)
    }
    assert rows == {
        ("ostelo-2008", "nrs_back"): (Decimal("2.0"), 30),
        ("ostelo-2008", "nrs_leg"): (Decimal("2.0"), 30),
        ("ostelo-2008", "odi"): (Decimal("10.0"), None),
        ("swespine-2020", "nrs_back"): (Decimal("2.7"), None),
        ("swespine-2020", "nrs_leg"): (Decimal("3.2"), None),
        ("swespine-2020", "odi"): (Decimal("18.0"), None),
    }
    assert all("Ostelo" in t.citation for t in MinimalImportantChange.objects.active("ostelo-2008"))
    assert all(
        "Parai" in t.citation for t in MinimalImportantChange.objects.active("swespine-2020")
    )


def test_active_thresholds_follow_the_setting(settings, django_assert_num_queries):
    with django_assert_num_queries(1):
        thresholds = active_thresholds()
    assert thresholds["odi"].points == 10
    settings.OUTCOME_MIC_SET = "swespine-2020"
    thresholds = active_thresholds()
    assert (thresholds["nrs_back"].points, thresholds["nrs_leg"].points) == (
        Decimal("2.7"),
        Decimal("3.2"),
    )
    assert thresholds["odi"].points == 18


def test_a_new_version_replaces_the_old_one_only_when_the_old_one_is_retired():
    old = MinimalImportantChange.objects.get(set_key="ostelo-2008", measure="odi")
    with pytest.raises(IntegrityError), transaction.atomic():
        MinimalImportantChange.objects.create(
            set_key="ostelo-2008", measure="odi", points=12, citation="x", version=2
        )
    old.is_active = False
    old.save()
    MinimalImportantChange.objects.create(
        set_key="ostelo-2008", measure="odi", points=12, citation="x", version=2
    )
    assert active_thresholds()["odi"].points == 12


@pytest.mark.parametrize(
    ("baseline", "value", "expected"),
    [
        (8, 6, True),  # 2 points
        (8, 7, False),  # 1 point, 12.5 %
        (3, 2, True),  # 1 point but 33 % of baseline: the relative criterion suffices
        (10, 8, True),
        (10, 9, False),  # 1 point, 10 %
        (2, 2, False),  # no change
        (2, 3, False),  # worse, even though |change| / baseline = 50 %
        (0, 0, False),
        (None, 3, None),
        (5, None, None),
    ],
)
def test_ostelo_nrs_is_reached_by_two_points_or_thirty_percent(baseline, value, expected):
    assert active_thresholds()["nrs_leg"].is_reached(baseline, value) is expected


def test_thirty_percent_is_reached_exactly_at_thirty_percent():
    threshold = MinimalImportantChange(measure="nrs_back", points=5, relative_percent=30)
    assert threshold.is_reached(10, 7) is True  # 30 % exactly
    assert threshold.is_reached(10, 8) is False


def test_odi_under_ostelo_needs_ten_points():
    odi = active_thresholds()["odi"]
    assert odi.is_reached(50, 40) is True
    assert odi.is_reached(50, 41) is False  # 18 %, but no relative criterion for ODI


def test_swespine_thresholds_are_fractional_points(settings):
    settings.OUTCOME_MIC_SET = "swespine-2020"
    thresholds = active_thresholds()
    assert thresholds["nrs_back"].is_reached(6, 3) is True  # 3 ≥ 2.7
    assert thresholds["nrs_back"].is_reached(6, 4) is False  # 2 < 2.7, percent is not used
    assert thresholds["nrs_leg"].is_reached(8, 5) is False  # 3 < 3.2
    assert thresholds["nrs_leg"].is_reached(8, 4) is True
    assert thresholds["odi"].is_reached(50, 32) is True
    assert thresholds["odi"].is_reached(50, 33) is False


def test_follow_up_flags_compare_with_the_baseline_of_its_decisions_consult():
    follow_up = completed_follow_up(nrs_back=5, nrs_leg=3, odi_score=41)
    # back 6 → 5: 1 point, 17 %; leg 8 → 3: 5 points; ODI 50 → 41: 9 points.
    assert follow_up.mic_reached() == {"nrs_back": False, "nrs_leg": True, "odi": False}


def test_follow_up_flags_are_none_when_a_value_is_missing():
    follow_up = completed_follow_up(consult_odi=None, nrs_back=2, nrs_leg=8, odi_score=20)
    assert follow_up.mic_reached() == {"nrs_back": True, "nrs_leg": False, "odi": None}


def test_a_pending_follow_up_has_no_flags():
    follow_up = factories.FollowUpFactory()
    assert follow_up.mic_reached() == {"nrs_back": None, "nrs_leg": None, "odi": None}


def test_follow_up_of_a_non_operated_patient_uses_the_consult_of_its_decision():
    decision = factories.CandidacyDecisionFactory(
        outcome="conservative", consult__nrs_back=4, consult__nrs_leg=6
    )
    follow_up = factories.FollowUpFactory(
        procedure=None, decision=decision, recorded_by=decision.decided_by
    )
    follow_up.assessed_on = follow_up.due_date  # inside its window
    follow_up.completed_at = timezone.now()
    follow_up.nrs_back, follow_up.nrs_leg = 4, 4
    follow_up.save()
    assert follow_up.mic_reached() == {"nrs_back": False, "nrs_leg": True, "odi": None}


def test_the_chosen_set_changes_the_flags(settings):
    follow_up = completed_follow_up(nrs_back=4, nrs_leg=5, odi_score=38)
    # back 6 → 4 (2), leg 8 → 5 (3, 37.5 %), ODI 50 → 38 (12)
    assert follow_up.mic_reached() == {"nrs_back": True, "nrs_leg": True, "odi": True}
    settings.OUTCOME_MIC_SET = "swespine-2020"
    assert follow_up.mic_reached() == {"nrs_back": False, "nrs_leg": False, "odi": False}


def test_an_unknown_set_gives_no_flags_rather_than_an_error(settings):
    settings.OUTCOME_MIC_SET = "no-such-set"
    follow_up = completed_follow_up(nrs_back=0, nrs_leg=0, odi_score=0)
    assert active_thresholds() == {}
    assert follow_up.mic_reached() == {"nrs_back": None, "nrs_leg": None, "odi": None}


def test_only_superusers_see_the_thresholds_in_the_admin(client_for, specialist, superuser):
    url = "/admin/cases/minimalimportantchange/"
    assert client_for(specialist).get(url).status_code == 403
    response = client_for(superuser).get(url)
    assert response.status_code == 200
    assert b"ostelo-2008" in response.content


def test_the_patient_page_shows_each_follow_ups_flags(client_for, specialist):
    follow_up = completed_follow_up(nrs_back=5, nrs_leg=3, odi_score=41)
    follow_up.patient.primary_specialist = specialist
    follow_up.patient.save()
    html = client_for(specialist).get(f"/cases/patients/{follow_up.patient_id}/").content.decode()
    assert "Minimal important change reached: back no, leg yes, ODI no" in html
