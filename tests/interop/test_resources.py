"""Every resource, Bundle and the CapabilityStatement validate against the FHIR R4 models
(fhir.resources.R4B, the R4-compatible module of fhir.resources 8), and map what they should."""

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cases import services
from interop.models import RESOURCE_TYPES
from tests.factories import ConsultFactory, UserFactory
from tests.interop.conftest import treated_patient

pytestmark = pytest.mark.django_db


def valid(resource):
    """The resource, validated by its fhir.resources R4 model (raises if it is not valid)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def body(response):
    assert response["Content-Type"].startswith(("application/fhir+json", "application/json"))
    return json.loads(response.content)


def test_the_capability_statement_is_public_and_lists_exactly_what_is_served(client):
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    statement = valid(body(response))
    served = statement["rest"][0]["resource"]
    assert [r["type"] for r in served] == list(RESOURCE_TYPES)
    observation = next(r for r in served if r["type"] == "Observation")
    assert {p["name"] for p in observation["searchParam"]} == {
        "patient",
        "date",
        "_lastUpdated",
        "_count",
        "_page",
        "_format",
    }
    patient = next(r for r in served if r["type"] == "Patient")
    assert {op["name"] for op in patient["operation"]} == {"everything", "export"}
    assert statement["rest"][0]["operation"][0]["name"] == "export"


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_every_resource_type_validates_in_a_bundle_and_read_by_id(api, resource_type):
    patient = treated_patient()
    bundle = valid(body(api(f"/fhir/r4/{resource_type}")))
    assert bundle["type"] == "searchset"
    assert bundle["entry"], f"no {resource_type} served"
    for entry in bundle["entry"]:
        resource = valid(entry["resource"])
        assert resource["resourceType"] == resource_type
        assert entry["fullUrl"].endswith(f"/fhir/r4/{resource_type}/{resource['id']}")
        if resource_type != "Patient":
            assert resource["subject"] == {"reference": f"Patient/{patient.pk}"}
        read = api(f"/fhir/r4/{resource_type}/{resource['id']}")
        assert read.status_code == 200
        assert valid(body(read)) == resource


def test_the_patient_carries_mrn_name_gender_and_birth_date(api):
    patient = treated_patient(given_name="Ana", family_name="Ruiz", sex="female")
    resource = body(api(f"/fhir/r4/Patient/{patient.pk}"))
    assert resource["identifier"][0]["value"] == patient.mrn
    assert resource["name"][0] == {"use": "official", "family": "Ruiz", "given": ["Ana"]}
    assert resource["gender"] == "female"
    assert resource["birthDate"] == patient.date_of_birth.isoformat()


@pytest.mark.parametrize(
    "level, dominant_pain, code",
    [
        ("L4-L5", "leg", "M51.16"),
        ("L5-S1", "leg", "M51.17"),
        ("L3-L4", "back", "M51.26"),
        ("L5-S1", "back", "M51.27"),
    ],
)
def test_the_condition_is_coded_in_icd10cm_by_level_and_radiculopathy(
    api, level, dominant_pain, code
):
    consult = ConsultFactory(level=level, dominant_pain=dominant_pain, side="right")
    resource = valid(body(api(f"/fhir/r4/Condition/{consult.pk}")))
    coding = resource["code"]["coding"][0]
    assert (coding["system"], coding["code"]) == ("http://hl7.org/fhir/sid/icd-10-cm", code)
    assert resource["bodySite"][0]["coding"][0]["code"] == level
    assert "right" in resource["bodySite"][0]["text"]
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"


def test_pain_scores_are_loinc_72514_3_with_their_body_site(api):
    patient = treated_patient()
    bundle = body(api("/fhir/r4/Observation", {"patient": patient.pk, "_count": 50}))
    by_id = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    consult = patient.consults.get()
    back = by_id[f"consult-nrs-back-{consult.pk}"]
    leg = by_id[f"consult-nrs-leg-{consult.pk}"]
    assert back["code"]["coding"][0]["code"] == leg["code"]["coding"][0]["code"] == "72514-3"
    assert back["bodySite"]["coding"][0]["code"] == "77568009"
    assert leg["bodySite"]["coding"][0]["code"] == "61685007"
    assert (back["valueInteger"], leg["valueInteger"]) == (consult.nrs_back, consult.nrs_leg)
    follow_up = patient.follow_ups.get()
    assert (
        by_id[f"followup-odi-{follow_up.pk}"]["valueQuantity"]["value"] == follow_up.odi_score == 24
    )
    procedure = patient.procedures.get()
    stay = by_id[f"procedure-los-{procedure.pk}"]
    assert stay["valueQuantity"] == {
        "value": float(procedure.length_of_stay_hours),
        "unit": "h",
        "system": "http://unitsofmeasure.org",
        "code": "h",
    }
    assert stay["partOf"] == [{"reference": f"Procedure/{procedure.pk}"}]


def test_procedure_and_adverse_event_carry_technique_surgeon_conversion_and_grade(api):
    surgeon = UserFactory(first_name="Rosa", last_name="Diaz", is_staff=True)
    patient = treated_patient(specialist=surgeon)
    procedure = body(api("/fhir/r4/Procedure", {"patient": patient.pk}))["entry"][0]["resource"]
    assert procedure["code"]["coding"][0]["code"] == "fe_transforaminal"
    assert procedure["performer"] == [{"actor": {"display": "Rosa Diaz"}}]
    assert procedure["extension"][0]["valueBoolean"] is False
    assert procedure["bodySite"][0]["coding"][0]["code"] == "L4-L5"
    event = body(api("/fhir/r4/AdverseEvent", {"patient": patient.pk}))["entry"][0]["resource"]
    assert event["seriousness"]["coding"][0]["code"] == "IIIa"
    assert event["suspectEntity"] == [{"instance": {"reference": f"Procedure/{procedure['id']}"}}]


def test_the_check_in_carries_item_codes_and_marks_never_the_licensed_wording(api):
    patient = treated_patient()
    response = api("/fhir/r4/QuestionnaireResponse", {"patient": patient.pk})
    resource = valid(body(response)["entry"][0]["resource"])
    odi = next(item for item in resource["item"] if item["linkId"] == "odi")
    assert odi["item"][0] == {
        "linkId": "odi_01",
        "answer": [{"valueInteger": 1}, {"valueInteger": 3}],
    }
    assert len(odi["item"]) == 10
    assert b'"text"' not in response.content  # no question or option text at all


def test_records_entered_in_error_are_served_with_status_entered_in_error(api, specialist):
    patient = treated_patient()
    procedure = patient.procedures.get()
    services.mark_entered_in_error(
        record=procedure.adverse_events.get(), by=specialist, reason="wrong patient"
    )
    services.mark_entered_in_error(
        record=procedure.follow_ups.get(), by=specialist, reason="wrong patient"
    )
    services.mark_entered_in_error(record=procedure, by=specialist, reason="wrong patient")
    services.mark_entered_in_error(
        record=patient.consults.get(), by=specialist, reason="wrong patient"
    )
    query = {"patient": patient.pk, "_count": 50}
    condition = valid(body(api("/fhir/r4/Condition", query))["entry"][0]["resource"])
    assert condition["verificationStatus"]["coding"][0]["code"] == "entered-in-error"
    assert "clinicalStatus" not in condition
    assert body(api("/fhir/r4/Procedure", query))["entry"][0]["resource"]["status"] == (
        "entered-in-error"
    )
    observations = body(api("/fhir/r4/Observation", query))["entry"]
    assert len(observations) == 6
    assert {e["resource"]["status"] for e in observations} == {"entered-in-error"}
    response = body(api("/fhir/r4/QuestionnaireResponse", query))["entry"][0]["resource"]
    assert response["status"] == "entered-in-error"
    event = valid(body(api("/fhir/r4/AdverseEvent", query))["entry"][0]["resource"])
    assert event["extension"] == [
        {
            "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-AdverseEvent.status",
            "valueCode": "entered-in-error",
        }
    ]
