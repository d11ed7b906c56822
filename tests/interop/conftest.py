import datetime

import pytest
from django.utils import timezone

from interop.models import ApiClient
from tests.factories import (
    AdverseEventFactory,
    FollowUpFactory,
    PatientFactory,
    ProcedureFactory,
)


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    """Bulk export files in a directory of the test's own."""
    settings.FHIR_EXPORT_DIR = tmp_path / "fhir-exports"
    return settings.FHIR_EXPORT_DIR


def make_client(name="ehr", scopes="system/*.read", **fields):
    client = ApiClient(name=name, scopes=scopes, **fields)
    token = client.new_token()
    client.save()
    return client, token


@pytest.fixture
def api_client(db):
    return make_client()


@pytest.fixture
def api(client, api_client):
    """GET with the API client's bearer token: api(path, **query)."""
    _, token = api_client

    def get(path, data=None, token=token, **headers):
        return client.get(path, data or {}, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)

    return get


def treated_patient(*, specialist=None, **patient_fields):
    """A patient with a consult, a decision, a procedure, an adverse event and a completed
    patient check-in (with ODI item marks): one of every resource the API serves."""
    patient = PatientFactory(**patient_fields)
    extra = {"decision__consult__patient": patient}
    if specialist is not None:
        extra["decision__consult__specialist"] = specialist
    procedure = ProcedureFactory(**extra)
    AdverseEventFactory(procedure=procedure, clavien_dindo_grade="IIIa")
    follow_up = FollowUpFactory(procedure=procedure, timepoint="3m")
    follow_up.source = "patient"
    follow_up.assessed_on = timezone.localdate() - datetime.timedelta(days=5)
    follow_up.completed_at = timezone.now()
    follow_up.nrs_back = 2
    follow_up.nrs_leg = 1
    follow_up.satisfaction = 1
    follow_up.global_perceived_effect = "much_improved"
    follow_up.returned_to_daily_activities_on = timezone.localdate() - datetime.timedelta(days=60)
    follow_up.odi_answers = {f"odi_{n:02d}": [1] for n in range(1, 11)}
    follow_up.odi_answers["odi_01"] = [1, 3]
    follow_up.odi_score = 22
    follow_up.save()
    return patient
