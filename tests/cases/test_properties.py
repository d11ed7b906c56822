"""Property tests: whatever is posted, the consult and follow-up forms either save a valid
record or show errors — never a server error, never a partial write — and the pages showing a
saved record keep loading. The values posted are test_properties_more's (``value``): junk, and
the ends of the calendar and of the number columns."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from cases.models import Consult, FollowUp
from clinic.models import AuditEvent
from tests.cases.test_properties_more import assert_pages_load, fields, posted
from tests.examples import examples

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


CONSULT_FIELDS = ["consult_date", "dominant_pain", "side", "symptom_duration_weeks", "weakness",
                  "mrc_grade", "mri_date", "level", "morphology", "imaging_concordant",
                  "conservative_care_weeks", "asa_class", "bmi", "nrs_back", "nrs_leg",
                  "odi_score"]  # fmt: skip


@SETTINGS
@given(overrides=fields(CONSULT_FIELDS))
def test_consult_form_saves_a_valid_record_or_shows_errors(
    client_for, specialist, patient, consult_data, overrides
):
    client = client_for(specialist)
    creates = AuditEvent.objects.filter(action="create")
    before = Consult.objects.count(), creates.count()
    data = posted({**consult_data, **overrides})
    response = client.post(reverse("cases:consult_create", args=[patient.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert (Consult.objects.count(), creates.count()) == before
    else:
        consult = Consult.objects.latest("id")
        consult.full_clean()
        assert 0 <= consult.nrs_leg <= 10 and 0 <= consult.nrs_back <= 10
        assert consult.mrc_grade is None or 0 <= consult.mrc_grade <= 5
        assert_pages_load(client, consult)


FOLLOW_UP_FIELDS = ["assessed_on", "out_of_window_reason", "nrs_back", "nrs_leg",
                    "returned_to_daily_activities_on", "returned_to_work_on", "satisfaction",
                    "global_perceived_effect", "odi_score", "version"]  # fmt: skip


@SETTINGS
@given(data=fields(FOLLOW_UP_FIELDS))
def test_follow_up_form_saves_a_valid_record_or_shows_errors(client_for, specialist, records, data):
    follow_up = FollowUp.objects.get(pk=records["followup"].pk)
    client = client_for(specialist)
    response = client.post(reverse("cases:followup_form", args=[follow_up.pk]), posted(data))
    assert response.status_code in (200, 302)
    after = FollowUp.objects.get(pk=follow_up.pk)
    if response.status_code == 200:
        form = response.context["form"]
        assert form.errors or not form.is_bound  # an empty post shows the form again
        assert after.version == follow_up.version
        assert (after.completed_at, after.nrs_leg) == (follow_up.completed_at, follow_up.nrs_leg)
    else:
        after.full_clean()
        assert after.completed_at is not None and 0 <= after.nrs_leg <= 10
        assert after.version == follow_up.version + 1
        assert after.in_window or after.out_of_window_reason.strip()
        assert_pages_load(client, after)
