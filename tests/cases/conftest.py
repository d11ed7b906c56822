import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.cases.edit_examples import pathway
from tests.cases.outcome_data import adverse_event, complete, make_procedure


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


@pytest.fixture
def fixture(specialist):
    """Five MISS procedures, three open ones, and one open procedure entered in error.

    | proc | technique          | mm  | nights | baseline back/leg/ODI | adverse events          |
    |------|--------------------|-----|--------|-----------------------|-------------------------|
    | M1   | FE transforaminal  | 8   | 0      | 5 / 8 / 50            | SSI day 10              |
    | M2   | FE interlaminar    | 10  | 0      | 4 / 7 / 40            |                         |
    | M3   | tubular            | 20  | 1      | 6 / 9 / 60            | dural tear 0, haem. 2   |
    | M4   | FE transf.→ open   | 7   | 1      | 3 / 3 / 30            |                         |
    | M5   | tubular            | 18  | 3      | 5 / 6 / –             | recurrence day 60       |
    | O1   | open               | 30  | 1      | 6 / 8 / 56            | SSI day 45              |
    | O2   | open               | 40  | 2      | 5 / 7 / 44            | dural tear (in error)   |
    | O3   | open               | 35  | 2      | 4 / 6 / 38            |                         |
    | Oerr | open (in error)    | 100 | 0      | 0 / 0 / 0             | SSI day 1               |

    M4 was converted to open: it stays MISS (intention to treat).
    """
    m1 = make_procedure(
        technique="fe_transforaminal", incision=8, nights=0, baseline=(5, 8, 50), surgeon=specialist
    )
    m2 = make_procedure(
        technique="fe_interlaminar", incision=10, nights=0, baseline=(4, 7, 40), days_ago=401
    )
    m3 = make_procedure(technique="tubular", incision=20, nights=1, baseline=(6, 9, 60))
    m4 = make_procedure(
        technique="fe_transforaminal",
        incision=7,
        nights=1,
        baseline=(3, 3, 30),
        converted=True,
    )
    m5 = make_procedure(
        technique="tubular", incision=18, nights=3, baseline=(5, 6, None), surgeon=specialist
    )
    o1 = make_procedure(technique="open", incision=30, nights=1, baseline=(6, 8, 56))
    o2 = make_procedure(technique="open", incision=40, nights=2, baseline=(5, 7, 44), days_ago=407)
    o3 = make_procedure(technique="open", incision=35, nights=2, baseline=(4, 6, 38))
    wrong = make_procedure(technique="open", incision=100, nights=0, baseline=(0, 0, 0))

    adverse_event(m1, "ssi", 10)
    adverse_event(m3, "dural_tear", 0)
    adverse_event(m3, "haematoma", 2)
    adverse_event(m5, "recurrence", 60)
    adverse_event(o1, "ssi", 45)
    adverse_event(o2, "dural_tear", 1).mark_entered_in_error(by=specialist, reason="wrong patient")
    adverse_event(wrong, "ssi", 1)

    # 2 weeks: back, leg. Leg gains (Ostelo: ≥ 2 points or ≥ 30 % of baseline):
    # M1 8→2 = 6 ✓; M2 7→6 = 1, 14 % ✗; M3 9→4 = 5 ✓; M4 3→2 = 1 but 33 % ✓;
    # O1 8→7 = 1, 12.5 % ✗; O2 7→4 = 3 ✓.  M5's 2-week follow-up is entered in error.
    complete(m1, "2w", back=3, leg=2, daily=7)
    complete(m2, "2w", back=3, leg=6)
    complete(m3, "2w", back=5, leg=4)
    complete(m4, "2w", back=2, leg=2)
    complete(m5, "2w", back=0, leg=0).mark_entered_in_error(by=specialist, reason="typo")
    complete(o1, "2w", back=5, leg=7)
    complete(o2, "2w", back=4, leg=4)

    # 3 months: back, leg, ODI, satisfaction, days to daily activities / work.
    complete(m1, "3m", back=2, leg=1, odi=20, satisfaction=1, daily=10, work=30)
    complete(m2, "3m", back=3, leg=3, odi=30, satisfaction=2, daily=20)
    complete(m3, "3m", back=4, leg=2, odi=40, satisfaction=3, daily=14, work=60)
    complete(m4, "3m", back=1, leg=1)
    complete(o1, "3m", back=4, leg=3, odi=36, satisfaction=2, daily=40, work=90)
    complete(o2, "3m", back=3, leg=2, odi=30, satisfaction=4, daily=30, work=70)
    complete(wrong, "3m", back=0, leg=0, odi=0, satisfaction=1, daily=1, work=1)

    # 12 months.
    complete(m1, "12m", back=1, leg=0, odi=10, satisfaction=1)
    complete(m2, "12m", back=2, leg=1, odi=16, satisfaction=1)
    complete(m3, "12m", back=3, leg=3, odi=30, satisfaction=4)
    complete(o1, "12m", back=3, leg=2, odi=26, satisfaction=2)
    complete(o3, "12m", back=2, leg=2, odi=20, satisfaction=1)

    # A pending follow-up counts nowhere.
    factories.FollowUpFactory(procedure=o3, timepoint="6w")
    wrong.mark_entered_in_error(by=specialist, reason="test record")
    return {"m1": m1, "o2": o2, "wrong": wrong}


# --- the property tests of the edit forms (edit_examples.py) ---


@pytest.fixture
def specialist_client(client_for, specialist):
    return client_for(specialist)


@pytest.fixture
def superuser_client(client_for, superuser):
    return client_for(superuser)


@pytest.fixture
def other(specialist):
    """Another patient's pathway: the records a crafted post may try to hang a record from."""
    return pathway(specialist)


@pytest.fixture
def nobody(db):
    """A user who is not a specialist."""
    return factories.UserFactory()
