"""Property tests: whatever is posted, the consult and follow-up forms either save a valid
record or show errors — never a server error, never a partial write."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Consult, FollowUp
from clinic.models import AuditEvent

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-50, max_value=3000).map(str),
    st.sampled_from(["", "leg", "left", "L4-L5", "true", "on", "2999-01-01", "2020-02-30"]),
    st.dates().map(lambda d: d.isoformat()),
)


def posted(data):
    return {k: v for k, v in data.items() if v is not None}


CONSULT_FIELDS = ["consult_date", "dominant_pain", "side", "symptom_duration_weeks", "weakness",
                  "mrc_grade", "mri_date", "level", "morphology", "imaging_concordant",
                  "conservative_care_weeks", "asa_class", "bmi", "nrs_back", "nrs_leg",
                  "odi_score"]  # fmt: skip


@SETTINGS
@given(overrides=st.fixed_dictionaries({}, optional=dict.fromkeys(CONSULT_FIELDS, text)))
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


FOLLOW_UP_FIELDS = ["assessed_on", "nrs_back", "nrs_leg", "returned_to_daily_activities_on",
                    "returned_to_work_on", "satisfaction", "global_perceived_effect",
                    "odi_score", "version"]  # fmt: skip


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FOLLOW_UP_FIELDS, text)))
def test_follow_up_form_saves_a_valid_record_or_shows_errors(client_for, specialist, records, data):
    follow_up = FollowUp.objects.get(pk=records["followup"].pk)
    response = client_for(specialist).post(
        reverse("cases:followup_form", args=[follow_up.pk]), posted(data)
    )
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
