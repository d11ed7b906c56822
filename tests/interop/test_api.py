"""The read API: tokens, scopes, errors as OperationOutcomes, search, paging, audit, rate."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from clinic.models import AuditEvent
from interop.search import COMMON_PARAMETERS, TYPE_PARAMETERS
from tests.factories import ConsultFactory, PatientFactory
from tests.interop.conftest import make_client, treated_patient

pytestmark = pytest.mark.django_db


def outcome(response, status):
    assert response.status_code == status
    data = json.loads(response.content)
    get_fhir_model_class("OperationOutcome").model_validate(data)
    assert data["resourceType"] == "OperationOutcome"
    return data["issue"][0]


def follow(api, url):
    """Every resource id a search serves, following its next links; and the pages seen."""
    ids, pages = [], 0
    while url:
        parts = urlsplit(url)
        response = api(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert response.status_code == 200
        bundle = json.loads(response.content)
        get_fhir_model_class("Bundle").model_validate(bundle)
        ids += [e["resource"]["id"] for e in bundle["entry"]]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        url = links.get("next")
        pages += 1
    return ids, pages


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"],
)
def test_no_token_or_a_bad_one_is_401_with_an_operation_outcome(client, header):
    PatientFactory()
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/fhir/r4/Patient", **extra)
    outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(api):
    _, expired = make_client("old", expires_at=timezone.now() - timedelta(minutes=1))
    _, revoked = make_client("gone", is_revoked=True)
    assert outcome(api("/fhir/r4/Patient", token=expired), 401)["code"] == "expired"
    assert "revoked" in outcome(api("/fhir/r4/Patient", token=revoked), 401)["diagnostics"]
    outcome(api("/fhir/r4/Patient", token="made-up"), 401)
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("id")
    assert [e.username for e in failures] == [
        "api-client:old",
        "api-client:gone",
        "api-client:(unknown token)",
    ]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_signed_in_portal_user_without_a_token_gets_401_not_the_login_page(client, superuser):
    client.force_login(superuser)
    outcome(client.get("/fhir/r4/Patient"), 401)


def test_out_of_scope_is_403_and_in_scope_is_served(api):
    patient = treated_patient()
    _, token = make_client("registry", scopes="system/Observation.read")
    assert api("/fhir/r4/Observation", token=token).status_code == 200
    outcome(api("/fhir/r4/Patient", token=token), 403)
    outcome(api(f"/fhir/r4/Patient/{patient.pk}", token=token), 403)
    outcome(api(f"/fhir/r4/Patient/{patient.pk}/$everything", token=token), 403)


@pytest.mark.parametrize(
    "query",
    [
        {"color": "blue"},
        {"_count": "0"},
        {"_count": "100000"},
        {"_count": "ten"},
        {"date": "yesterday"},
        {"date": "2026-02-30"},
        {"date": "ap2026-01-01"},
        {"_lastUpdated": "2026-13"},
        {"patient": "Patient/abc"},
        {"_page": "nonsense"},
        {"_page": "patient.1"},  # a marker of another type's search
        {"_format": "xml"},
    ],
)
def test_a_bad_search_parameter_is_400_with_an_operation_outcome(api, query):
    assert outcome(api("/fhir/r4/Observation", query), 400)["code"] == "invalid"


def test_an_unknown_id_or_type_is_404(api):
    treated_patient()
    for path in [
        "/fhir/r4/Patient/999999",
        "/fhir/r4/Observation/consult-nrs-back-999999",
        "/fhir/r4/Observation/no-such-kind-1",
        "/fhir/r4/Patient/999999/$everything",
        "/fhir/r4/Encounter",
        "/fhir/r4/Patient/1/_history",
    ]:
        outcome(api(path), 404)


def test_the_api_reads_only_and_says_so_in_fhir(client, api_client):
    """Every pattern of interop/urls.py, with a method it does not serve."""
    _, token = api_client
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for method, path in [
        ("post", "/fhir/r4/Patient"),
        ("put", "/fhir/r4/Patient/1"),
        ("patch", "/fhir/r4/Observation/consult-nrs-back-1"),
        ("delete", "/fhir/r4/Patient/1"),
        ("post", "/fhir/r4/metadata"),
        ("delete", "/fhir/r4/$export"),
        ("post", "/fhir/r4/Patient/$export"),
        ("delete", "/fhir/r4/$export-status/6b1f8c1e-4f6a-4c55-9d55-2f4c0e9e7a11"),
        ("put", "/fhir/r4/$export-file/6b1f8c1e-4f6a-4c55-9d55-2f4c0e9e7a11/1"),
        ("options", "/fhir/r4/Patient/1/$everything"),
        ("post", "/fhir/r4/Encounter"),  # unknown: the method is refused first
        ("delete", "/fhir/r4/Patient"),
    ]:
        for headers in (auth, {}):  # before the token is looked at
            response = getattr(client, method)(path, **headers)
            issue = outcome(response, 405)
            assert response["Allow"] == "GET, HEAD"
            assert response["Content-Type"].startswith("application/fhir+json")
            assert issue["code"] == "not-supported"
            assert method.upper() in issue["diagnostics"]


def test_search_by_patient_and_date(api):
    first, second = treated_patient(), treated_patient()
    consult = first.consults.get()
    ids, _ = follow(api, f"/fhir/r4/Condition?patient=Patient/{first.pk}")
    assert ids == [str(consult.pk)]
    day = consult.consult_date.isoformat()
    ids, _ = follow(api, f"/fhir/r4/Condition?date={day}")
    assert set(ids) == {str(c.pk) for c in [consult, second.consults.get()]}
    assert follow(api, f"/fhir/r4/Condition?date=gt{day}")[0] == []
    assert len(follow(api, f"/fhir/r4/Condition?date=ge{day}&date=le{day}")[0]) == 2
    assert follow(api, f"/fhir/r4/Condition?recorded-date=lt{day[:7]}")[0] == []
    year = str(consult.consult_date.year)
    assert len(follow(api, f"/fhir/r4/Observation?patient={first.pk}&date={year}")[0]) >= 2


def test_search_by_last_updated(api):
    patient = treated_patient()
    now = timezone.now()
    later = (now + timedelta(hours=1)).isoformat(timespec="seconds")
    earlier = (now - timedelta(hours=1)).isoformat(timespec="seconds")
    assert follow(api, f"/fhir/r4/Patient?_lastUpdated=ge{earlier.replace('+', '%2B')}")[0] == [
        str(patient.pk)
    ]
    assert follow(api, f"/fhir/r4/Patient?_lastUpdated=gt{later.replace('+', '%2B')}")[0] == []


def test_paging_links_round_trip_every_resource_once(api):
    patients = [treated_patient() for _ in range(3)]
    everything, pages = follow(api, "/fhir/r4/Observation?_count=4")
    # 3 patients × (2 baseline NRS + 3 follow-up values + length of stay)
    assert len(everything) == len(set(everything)) == 18
    assert pages == 5
    one, _ = follow(api, f"/fhir/r4/Observation?_count=1&patient={patients[1].pk}")
    assert len(one) == 6
    assert set(one) < set(everything)
    # the next link keeps the search's parameters
    bundle = json.loads(api("/fhir/r4/Observation", {"_count": 2, "date": "ge2000"}).content)
    next_url = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    assert "_count=2" in next_url and "date=ge2000" in next_url and "_page=" in next_url


def test_everything_returns_the_patient_and_all_their_records(api):
    patient, other = treated_patient(), treated_patient()
    ids, _ = follow(api, f"/fhir/r4/Patient/{patient.pk}/$everything?_count=3")
    # the patient, a condition, a procedure, six observations, a check-in, an adverse event
    assert len(ids) == 11
    other_ids, _ = follow(api, f"/fhir/r4/Patient/{other.pk}/$everything")
    assert str(other.pk) in other_ids and str(patient.pk) not in other_ids
    limited, _ = follow(api, f"/fhir/r4/Patient/{patient.pk}/$everything?_type=Condition")
    assert limited == [str(patient.consults.get().pk)]


def _page_queries(api, path):
    with CaptureQueriesContext(connection) as queries:
        assert api(path).status_code == 200
    return len(queries)


def test_the_query_count_of_a_bundle_page_is_constant_as_records_grow(api):
    patient = treated_patient()
    for _ in range(5):
        treated_patient()

    def pages():
        return {
            # a page inside one source (the baseline back pain of six or more consults)
            "observations": _page_queries(api, "/fhir/r4/Observation?_count=5"),
            "conditions": _page_queries(api, "/fhir/r4/Condition?_count=2"),
            # one patient's records, across every source
            "everything": _page_queries(api, f"/fhir/r4/Patient/{patient.pk}/$everything"),
        }

    small = pages()
    for _ in range(6):
        ConsultFactory(patient=treated_patient())
    assert pages() == small
    # the client + the sources read (at most one query each) + one audit insert
    assert small["conditions"] == 3
    # the client, the patient's existence, twelve sources, one audit insert
    assert small["everything"] == 15


def test_every_request_is_audited_as_an_export_by_the_client_with_its_patients(api, api_client):
    first, second = treated_patient(), treated_patient()
    AuditEvent.objects.all()  # (the trail is append-only: count what this request adds)
    before = AuditEvent.objects.count()
    api("/fhir/r4/Condition")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert {e.patient_id for e in events} == {first.pk, second.pk}
    for event in events:
        assert event.action == AuditEvent.Action.EXPORT
        assert event.username == "api-client:ehr"
        assert (event.object_type, event.object_id) == ("interop.apiclient", str(api_client[0].pk))
        assert event.detail == "FHIR 200 /fhir/r4/Condition"
    before = AuditEvent.objects.count()
    api("/fhir/r4/Patient/999999")
    refused = AuditEvent.objects.order_by("id")[before:].get()
    assert refused.patient is None and refused.detail.startswith("FHIR 404")


def test_requests_over_the_rate_limit_get_429_with_retry_after(api, settings):
    settings.FHIR_RATE_LIMIT = 3
    for _ in range(3):
        assert api("/fhir/r4/Patient").status_code == 200
    response = api("/fhir/r4/Patient")
    assert outcome(response, 429)["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= settings.FHIR_RATE_LIMIT_WINDOW
    # another client has its own window
    _, token = make_client("registry")
    assert api("/fhir/r4/Patient", token=token).status_code == 200


@pytest.mark.parametrize(
    ("resource_type", "parameter"),
    [
        (resource_type, parameter)
        for resource_type, parameters in TYPE_PARAMETERS.items()
        for parameter, kind in {**parameters, **COMMON_PARAMETERS}.items()
        if kind == "date"
    ],
)
def test_every_date_parameter_of_every_type_searches(api, resource_type, parameter):
    """Each date parameter the CapabilityStatement offers answers a Bundle: the records of the
    year searched, none of a year before any record."""
    treated_patient()
    this_year = str(timezone.localdate().year)
    found, _ = follow(api, f"/fhir/r4/{resource_type}?{parameter}=le{this_year}")
    assert found
    assert follow(api, f"/fhir/r4/{resource_type}?{parameter}=lt1990")[0] == []


def test_a_later_pages_self_link_names_that_page(api):
    for _ in range(2):
        treated_patient()
    first = json.loads(api("/fhir/r4/Patient", {"_count": 1}).content)
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "_page=" not in links["self"]
    parts = urlsplit(links["next"])
    second = json.loads(api(f"{parts.path}?{parts.query}").content)
    second_self = {link["relation"]: link["url"] for link in second["link"]}["self"]
    assert second_self == links["next"]
    again = urlsplit(second_self)
    assert json.loads(api(f"{again.path}?{again.query}").content)["entry"] == second["entry"]


def test_a_procedure_is_dated_by_its_operation_day(api):
    procedure = treated_patient().procedures.get()
    data = json.loads(api(f"/fhir/r4/Procedure/{procedure.pk}").content)
    assert data["performedDateTime"] == procedure.procedure_date.isoformat()
    assert "performedPeriod" not in data
    day = procedure.procedure_date.isoformat()
    assert follow(api, f"/fhir/r4/Procedure?date={day}")[0] == [str(procedure.pk)]


def test_an_unexpected_failure_is_a_500_operation_outcome_and_audited(api, monkeypatch):
    treated_patient()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("interop.views.bundle", broken)
    assert outcome(api("/fhir/r4/Patient"), 500)["code"] == "exception"
    assert AuditEvent.objects.filter(detail="FHIR 500 /fhir/r4/Patient").exists()
