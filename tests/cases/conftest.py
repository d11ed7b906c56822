import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def consult_data(today):
    """A valid consult form submission: leg-dominant L4-L5 extrusion, 8 weeks of physio."""
    return {
        "version": "",
        "consult_date": today.isoformat(),
        "dominant_pain": "leg",
        "side": "left",
        "symptom_duration_weeks": "10",
        "mri_date": (today - datetime.timedelta(days=7)).isoformat(),
        "level": "L4-L5",
        "second_level": "",
        "morphology": "extrusion",
        "zone": "subarticular",
        "imaging_concordant": "true",
        "physiotherapy": "on",
        "conservative_care_weeks": "8",
        "asa_class": "1",
        "bmi": "24.5",
        "smoking": "never",
        "work_status": "working",
        "nrs_back": "3",
        "nrs_leg": "8",
        "odi_score": "42",
        "notes": "",
    }


@pytest.fixture
def decision_data(today):
    """A valid decision form submission, dated today (as the form is filled in)."""
    return {
        "decided_on": today.isoformat(),
        "outcome": "miss",
        "severity_assessment": "favours",
        "health_assessment": "favours",
        "symptoms_assessment": "favours",
        "rationale": "Concordant extrusion with leg-dominant pain after 8 weeks of physiotherapy.",
    }


@pytest.fixture
def procedure_data(today):
    return {
        "version": "",
        "procedure_date": today.isoformat(),
        "technique": "fe_transforaminal",
        "level": "L4-L5",
        "second_level": "",
        "side": "left",
        "incision_length_mm": "8",
        "skin_to_skin_minutes": "60",
        "blood_loss_ml": "10",
        "admitted_at": f"{today.isoformat()}T00:01",
        "discharged_at": "",
    }


@pytest.fixture
def records(specialist):
    """One patient through the whole pathway: consult, MISS decision, procedure, an adverse
    event and the scheduled follow-ups (the procedure was 100 days ago)."""
    from cases import services
    from tests import factories

    consult = factories.ConsultFactory(specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    event = factories.AdverseEventFactory(procedure=procedure)
    return {
        "patient": consult.patient,
        "consult": consult,
        "decision": decision,
        "procedure": procedure,
        "adverseevent": event,
        "followup": procedure.follow_ups.get(timepoint="2w"),
    }
