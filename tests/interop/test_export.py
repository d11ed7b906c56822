"""Bulk Data $export: kick-off, status while running, manifest, files, tokens, expiry."""

import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from clinic.models import AuditEvent
from interop import tasks
from interop.models import ExportJob
from tests.interop.conftest import make_client, treated_patient

pytestmark = pytest.mark.django_db
ASYNC = {"HTTP_PREFER": "respond-async"}


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def kick_off(api, path="/fhir/r4/$export", data=None, **headers):
    return api(path, data, **{**ASYNC, **headers})


def lines(response):
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_a_system_export_runs_in_the_background_and_gives_ndjson_per_type(api):
    patients = [treated_patient(), treated_patient()]
    response = kick_off(api)
    assert response.status_code == 202
    status = api(path_of(response["Content-Location"]))
    assert status.status_code == 200
    manifest = json.loads(status.content)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/r4/$export")
    assert manifest["transactionTime"]
    assert manifest["error"] == []
    counts = {output["type"]: output["count"] for output in manifest["output"]}
    assert counts == {
        "Patient": 2,
        "Condition": 2,
        "Procedure": 2,
        "Observation": 12,
        "QuestionnaireResponse": 2,
        "AdverseEvent": 2,
    }
    for output in manifest["output"]:
        download = api(path_of(output["url"]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/fhir+ndjson"
        resources = lines(download)
        assert len(resources) == output["count"]
        for resource in resources:
            assert resource["resourceType"] == output["type"]
            get_fhir_model_class(output["type"]).model_validate(resource)
    # the task audited the export of both patients by the client
    exported = AuditEvent.objects.filter(detail__startswith="FHIR bulk export")
    assert {e.patient_id for e in exported} == {p.pk for p in patients}


def test_the_api_answers_in_the_base_language_whatever_the_client_asks(api, api_client):
    job = ExportJob.objects.create(
        client=api_client[0], request_url="http://testserver/fhir/r4/$export", types="Patient"
    )
    response = api(f"/fhir/r4/$export-status/{job.pk}", HTTP_ACCEPT_LANGUAGE="es")
    assert response["X-Progress"] == "Accepted"


def test_the_status_url_answers_202_while_the_export_runs(api, api_client):
    job = ExportJob.objects.create(
        client=api_client[0], request_url="http://testserver/fhir/r4/$export", types="Patient"
    )
    response = api(f"/fhir/r4/$export-status/{job.pk}")
    assert response.status_code == 202
    assert response["X-Progress"] == "Accepted"
    assert response["Retry-After"]
    tasks.run_export.enqueue(str(job.pk))
    assert api(f"/fhir/r4/$export-status/{job.pk}").status_code == 200


def test_a_failed_export_answers_500_with_an_operation_outcome(api, api_client, monkeypatch):
    treated_patient()

    def fail(job):
        raise RuntimeError("disk full")

    monkeypatch.setattr("interop.exports.run", fail)
    response = kick_off(api)
    status = api(path_of(response["Content-Location"]))
    assert status.status_code == 500
    assert json.loads(status.content)["resourceType"] == "OperationOutcome"


def test_type_and_since_limit_the_export(api):
    treated_patient()
    response = kick_off(api, data={"_type": "Condition,Procedure"})
    manifest = json.loads(api(path_of(response["Content-Location"])).content)
    assert [o["type"] for o in manifest["output"]] == ["Condition", "Procedure"]
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = kick_off(api, data={"_since": later})
    assert json.loads(api(path_of(response["Content-Location"])).content)["output"] == []


def test_a_patient_level_export_and_a_client_limited_by_scope(api):
    treated_patient()
    _, token = make_client("registry", scopes="system/Patient.read system/Observation.read")
    response = kick_off(api, "/fhir/r4/Patient/$export", token=token)
    assert response.status_code == 202
    manifest = json.loads(api(path_of(response["Content-Location"]), token=token).content)
    assert [o["type"] for o in manifest["output"]] == ["Patient", "Observation"]
    assert kick_off(api, data={"_type": "Condition"}, token=token).status_code == 403
    _, observations_only = make_client("lab", scopes="system/Observation.read")
    assert kick_off(api, "/fhir/r4/Patient/$export", token=observations_only).status_code == 403


@pytest.mark.parametrize(
    "data, headers",
    [
        ({}, {"HTTP_PREFER": ""}),
        ({"_outputFormat": "text/csv"}, {}),
        ({"_type": "Encounter"}, {}),
        ({"_since": "yesterday"}, {}),
        ({"_typeFilter": "Observation?code=1"}, {}),
    ],
)
def test_a_bad_kick_off_is_400(api, data, headers):
    response = kick_off(api, data=data, **headers)
    assert response.status_code == 400
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    assert not ExportJob.objects.exists()


def test_files_and_status_are_only_for_the_client_that_asked(api, client):
    treated_patient()
    response = kick_off(api)
    status_path = path_of(response["Content-Location"])
    file_path = path_of(json.loads(api(status_path).content)["output"][0]["url"])
    _, other = make_client("other")
    assert api(status_path, token=other).status_code == 404
    assert api(file_path, token=other).status_code == 404
    assert client.get(file_path).status_code == 401
    assert api(file_path).status_code == 200


def test_exports_expire_and_their_files_are_deleted(api, settings):
    settings.FHIR_EXPORT_EXPIRY_HOURS = 24
    treated_patient()
    response = kick_off(api)
    status_path = path_of(response["Content-Location"])
    file_path = path_of(json.loads(api(status_path).content)["output"][0]["url"])
    job = ExportJob.objects.get()
    assert job.expires_at - job.created_at == timedelta(hours=24)
    stored = job.files.first().file
    assert stored.storage.exists(stored.name)
    assert str(settings.FHIR_EXPORT_DIR) in stored.path
    job.expires_at = timezone.now() - timedelta(seconds=1)
    job.save(update_fields=["expires_at"])
    assert api(file_path).status_code == 404
    assert api(status_path).status_code == 404
    assert not stored.storage.exists(stored.name)
    assert not job.files.exists()


def test_purge_fhir_exports_deletes_the_files_of_expired_exports_only(api):
    treated_patient()
    kick_off(api)
    kick_off(api)
    old, current = ExportJob.objects.order_by("created_at")
    old.expires_at = timezone.now() - timedelta(seconds=1)
    old.save(update_fields=["expires_at"])
    old_file = old.files.first().file
    out = io.StringIO()
    call_command("purge_fhir_exports", stdout=out)
    assert "1 expired" in out.getvalue()
    assert not old.files.exists() and not old_file.storage.exists(old_file.name)
    assert current.files.count() == 6


def test_each_download_is_audited_as_an_export_of_the_patients_in_the_file(api, api_client):
    first, second = treated_patient(), treated_patient()
    manifest = json.loads(api(path_of(kick_off(api)["Content-Location"])).content)
    patients_file = next(o for o in manifest["output"] if o["type"] == "Patient")
    before = AuditEvent.objects.count()
    lines(api(path_of(patients_file["url"])))
    downloaded = AuditEvent.objects.order_by("pk")[before:]
    assert {e.patient_id for e in downloaded} == {first.pk, second.pk}
    assert all(e.action == AuditEvent.Action.EXPORT for e in downloaded)


def test_the_in_progress_status_has_no_body(api, api_client):
    job = ExportJob.objects.create(
        client=api_client[0], request_url="http://testserver/fhir/r4/$export", types="Patient"
    )
    assert api(f"/fhir/r4/$export-status/{job.pk}").content == b""


def test_records_changed_after_the_transaction_time_wait_for_the_next_export():
    """transactionTime is an upper bound: a record changed while the export runs is left to
    the next export (``_since`` the transactionTime), never in both or neither."""
    from interop.resources import sources_of
    from interop.search import Search, source_rows

    patient = treated_patient()
    source = sources_of("Patient")[0]
    search = Search(resource_types=["Patient"], count=0)
    before = timezone.now() - timedelta(hours=1)
    assert list(source_rows(search, source, until=before)) == []
    assert [row.pk for row in source_rows(search, source, until=timezone.now())] == [patient.pk]
    later = Search(resource_types=["Patient"], count=0, since=before)
    assert [row.pk for row in source_rows(later, source)] == [patient.pk]
