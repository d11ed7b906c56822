import pytest
from django.urls import reverse

from cases.models import CandidacyDecision, Consult, FollowUp, Procedure
from clinic.models import AuditEvent, Patient

pytestmark = pytest.mark.django_db


def test_specialist_records_the_whole_pathway_through_the_pages(
    client_for, specialist, consult_data, decision_data, procedure_data
):
    client = client_for(specialist)
    response = client.post(
        reverse("cases:patient_create"),
        {
            "mrn": "A-1",
            "given_name": "Ana",
            "family_name": "Diaz",
            "date_of_birth": "1980-02-03",
            "sex": "female",
            "preferred_language": "en",
            "email": "ana@example.org",
        },
    )
    patient = Patient.objects.get(mrn="A-1")
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()

    response = client.post(reverse("cases:consult_create", args=[patient.pk]), consult_data)
    consult = Consult.objects.get(patient=patient)
    assert response.status_code == 302, response.context["form"].errors

    response = client.post(reverse("cases:decision_create", args=[consult.pk]), decision_data)
    decision = CandidacyDecision.objects.get(patient=patient)
    assert response.status_code == 302, response.context["form"].errors
    assert decision.criteria[0]["status"] == "met"

    procedure_data["surgeon"] = specialist.pk
    response = client.post(reverse("cases:procedure_create", args=[decision.pk]), procedure_data)
    assert response.status_code == 302, response.context["form"].errors
    procedure = Procedure.objects.get(patient=patient)
    # The five timepoints, and the patient's baseline check-in, which the procedure closes.
    assert procedure.follow_ups.count() == 6
    assert procedure.follow_ups.get(timepoint="bl").window_closes == procedure.procedure_date

    response = client.get(patient.get_absolute_url())
    assert response.status_code == 200
    assert b"Full-endoscopic transforaminal" in response.content
    assert AuditEvent.objects.filter(patient=patient, action="view").exists()
    follow_up = FollowUp.objects.get(procedure=procedure, timepoint="2w")
    response = client.get(reverse("cases:followup_form", args=[follow_up.pk]))
    assert response.status_code == 200
