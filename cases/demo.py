"""Cases' part of ``seed_demo``: demo patients in every state, through the services.

Idempotent: a patient who already has a consult is left as is. Dates are relative to today so
that some follow-ups are due and some overdue on the specialist's dashboard.
"""

import datetime
import random

from django.utils import timezone

from cases import services
from cases.models import (
    BASELINE,
    AdverseEvent,
    BaselineWorkStatus,
    CandidacyDecision,
    Consult,
    FollowUp,
    Procedure,
)
from clinic.models import Patient

DEMO_PATIENTS = {
    # MRN: (given name, family name, date of birth, sex, state)
    "DEMO-0003": ("Priya", "Shah", datetime.date(1984, 6, 9), "female", "consult_only"),
    "DEMO-0004": ("Tomás", "García", datetime.date(1959, 1, 23), "male", "conservative"),
    "DEMO-0005": ("Grace", "Okafor", datetime.date(1971, 9, 30), "female", "open_with_event"),
    "DEMO-0006": ("Henrik", "Larsen", datetime.date(1988, 4, 17), "male", "superseded"),
}
# The demo accounts' Patient records (created by clinic.demo): patient had MISS with follow-ups,
# patient2 is waiting after a MISS decision.
ACCOUNT_STATES = {"DEMO-0001": "miss_done", "DEMO-0002": "miss_decided"}


def _days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _consult(patient, specialist, days_ago, **overrides):
    fields = {
        "consult_date": _days_ago(days_ago),
        "dominant_pain": Consult.DominantPain.LEG,
        "side": "left",
        "symptom_duration_weeks": 12,
        "mri_date": _days_ago(days_ago + 10),
        "level": "L4-L5",
        "morphology": Consult.Morphology.EXTRUSION,
        "zone": Consult.Zone.SUBARTICULAR,
        "imaging_concordant": True,
        "physiotherapy": True,
        "medication": True,
        "conservative_care_weeks": 8,
        "asa_class": 1,
        "bmi": 25,
        "smoking": Consult.Smoking.NEVER,
        "work_status": Consult.WorkStatus.WORKING,
        "nrs_back": 3,
        "nrs_leg": 7,
        "odi_score": 44,
    }
    fields.update(overrides)
    return services.record_consult(
        consult=Consult(patient=patient, specialist=specialist, **fields), by=specialist
    )


def _decide(consult, specialist, outcome, rationale, days_ago, supersedes=None):
    decision = CandidacyDecision(
        consult=consult,
        outcome=outcome,
        severity_assessment="favours",
        health_assessment="favours" if outcome != "open" else "neutral",
        symptoms_assessment="favours" if outcome != "conservative" else "against",
        rationale=rationale,
        decided_on=_days_ago(days_ago),
    )
    return services.record_decision(decision=decision, by=specialist, supersedes=supersedes)


def _procedure(decision, specialist, days_ago, technique, **overrides):
    day = _days_ago(days_ago)
    fields = {
        "procedure_date": day,
        "technique": technique,
        "level": decision.consult.level,
        "side": decision.consult.side,
        "incision_length_mm": 8 if technique != Procedure.Technique.OPEN else 35,
        "skin_to_skin_minutes": 55,
        "blood_loss_ml": 10,
        "admitted_at": _at(day, 7),
        "discharged_at": _at(day, 17),
    }
    fields.update(overrides)
    return services.record_procedure(
        procedure=Procedure(decision=decision, surgeon=specialist, **fields), by=specialist
    )


def _complete(procedure, timepoint, specialist, **results):
    follow_up = procedure.follow_ups.get(timepoint=timepoint)
    for name, value in results.items():
        setattr(follow_up, name, value)
    follow_up.assessed_on = follow_up.due_date
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )


def _baseline_answered(procedure, days_after_opening, **answers):
    """The patient answered their baseline check-in (as the portal stores it), before the
    procedure: its window ran from the decision to the procedure day."""
    baseline = procedure.follow_ups.get(timepoint=BASELINE)
    baseline.source = FollowUp.Source.PATIENT
    baseline.assessed_on = baseline.window_opens + datetime.timedelta(days=days_after_opening)
    for name, value in answers.items():
        setattr(baseline, name, value)
    services.complete_follow_up(
        follow_up=baseline, expected_version=baseline.version, by=procedure.patient.user
    )


def _miss_done(patient, specialist):
    consult = _consult(patient, specialist, 120)
    decision = _decide(
        consult, specialist, "miss", "Leg-dominant pain, concordant extrusion, failed physio.", 115
    )
    procedure = _procedure(decision, specialist, 100, Procedure.Technique.FE_TRANSFORAMINAL)
    # "My progress" starts from the patient's own baseline, then the visits after the procedure.
    _baseline_answered(
        procedure,
        3,
        nrs_back=4,
        nrs_leg=8,
        odi_score=46,
        work_status=BaselineWorkStatus.OFF_BACK,
    )
    _complete(
        procedure,
        "2w",
        specialist,
        nrs_back=2,
        nrs_leg=2,
        returned_to_daily_activities_on=procedure.procedure_date + datetime.timedelta(days=5),
        satisfaction=1,
        global_perceived_effect=FollowUp.GlobalEffect.MUCH_IMPROVED,
    )
    _complete(
        procedure,
        "6w",
        specialist,
        nrs_back=1,
        nrs_leg=1,
        returned_to_work_on=procedure.procedure_date + datetime.timedelta(days=24),
        satisfaction=1,
        global_perceived_effect=FollowUp.GlobalEffect.MUCH_IMPROVED,
        odi_score=12,
    )
    # The 3-month follow-up (day 91, window 75–120) is due now.


def _miss_decided(patient, specialist):
    consult = _consult(patient, specialist, 10, side="right", level="L5-S1")
    _decide(consult, specialist, "miss", "Radicular pain with concordant L5-S1 herniation.", 9)


def _conservative(patient, specialist):
    consult = _consult(
        patient,
        specialist,
        60,
        dominant_pain=Consult.DominantPain.BACK,
        conservative_care_weeks=3,
        imaging_concordant=None,
        morphology=Consult.Morphology.PROTRUSION,
    )
    _decide(consult, specialist, "conservative", "Back-dominant pain; only 3 weeks of care.", 60)
    # From the decision 60 days ago: the 6-week follow-up's window (35–56) has closed: overdue.


def _open_with_event(patient, specialist):
    consult = _consult(patient, specialist, 80, asa_class=3, bmi=36, diabetes=True)
    decision = _decide(
        consult, specialist, "open", "Large sequestration with migration; open approach.", 75
    )
    procedure = _procedure(
        decision,
        specialist,
        70,
        Procedure.Technique.OPEN,
        discharged_at=_at(_days_ago(67), 11),
        blood_loss_ml=150,
        skin_to_skin_minutes=95,
    )
    event = AdverseEvent(
        procedure=procedure,
        event_type=AdverseEvent.Type.SSI,
        onset_date=_days_ago(60),
        clavien_dindo_grade=AdverseEvent.Grade.II,
    )
    services.record_adverse_event(adverse_event=event, by=specialist)


def _superseded(patient, specialist):
    consult = _consult(patient, specialist, 30, conservative_care_weeks=None)
    first = _decide(consult, specialist, "workup", "Imaging pending review.", 28)
    _decide(
        consult,
        specialist,
        "miss",
        "MRI reviewed: concordant L4-L5 extrusion; candidate for MISS.",
        20,
        supersedes=first,
    )


STATES = {
    "consult_only": lambda p, s: _consult(p, s, 5, red_flag_other=True),
    "conservative": _conservative,
    "miss_done": _miss_done,
    "miss_decided": _miss_decided,
    "open_with_event": _open_with_event,
    "superseded": _superseded,
}


def seed(*, accounts, stdout, outcomes=True):
    """Create demo cases in every state (idempotent), and with ``outcomes`` the operated
    patients behind the outcome figures."""
    specialist = accounts["specialist"]
    for mrn, (given, family, dob, sex, _state) in DEMO_PATIENTS.items():
        Patient.objects.get_or_create(
            mrn=mrn,
            defaults={
                "given_name": given,
                "family_name": family,
                "date_of_birth": dob,
                "sex": sex,
                "email": f"{mrn.lower()}@example.org",
                # Invented numbers (555 01xx are reserved for fiction): the work queue shows
                # whom to call.
                "phone": f"+1 555 01{mrn[-2:]}",
                "primary_specialist": specialist,
            },
        )
    states = {**ACCOUNT_STATES, **{mrn: row[4] for mrn, row in DEMO_PATIENTS.items()}}
    created = 0
    for mrn, state in states.items():
        patient = Patient.objects.get(mrn=mrn)
        if Consult.objects.filter(patient=patient).exists():
            continue
        STATES[state](patient, specialist)
        created += 1
    stdout.write(f"Cases: {created} demo patient record(s) created.")
    if outcomes:
        seed_outcomes(specialist=specialist, stdout=stdout)


# --- outcome figures -----------------------------------------------------------------------------
# Enough operated patients (invented, MRN DEMO-OUT-…) for the outcome dashboard and the figures
# in the seed article to show numbers rather than "too few to report". Values are made up but
# plausible; a fixed random seed keeps them the same on every run.

# With the other demo patients, every group reaches n ≥ 10; few enough to keep seed_demo quick.
OUTCOME_MISS = 10
OUTCOME_OPEN = 10
GIVEN = ["Alex", "Sam", "Robin", "Kim", "Jordan", "Maria", "Ahmed", "Li", "Olga", "Noor", "Ines"]
FAMILY = ["Berg", "Costa", "Dubois", "Evans", "Fischer", "Haddad", "Ivanova", "Jensen", "Khan"]
MISS_TECHNIQUES = [
    Procedure.Technique.FE_TRANSFORAMINAL,
    Procedure.Technique.FE_INTERLAMINAR,
    Procedure.Technique.TUBULAR,
]


def _outcome_case(patient, specialist, index, is_miss, rng):
    days_ago = 420 + index * 12  # all past their 12-month follow-up; 24 months not yet due
    consult = _consult(
        patient,
        specialist,
        days_ago + 30,
        nrs_back=rng.randint(3, 6),
        nrs_leg=rng.randint(6, 9),
        odi_score=rng.randint(34, 60),
    )
    outcome = "miss" if is_miss else "open"
    decision = _decide(
        consult, specialist, outcome, "Demo case for the outcome figures.", days_ago + 20
    )
    technique = MISS_TECHNIQUES[index % 3] if is_miss else Procedure.Technique.OPEN
    day = _days_ago(days_ago)
    nights = rng.choice([0, 0, 0, 1, 1, 2]) if is_miss else rng.choice([1, 2, 2, 3, 4])
    procedure = _procedure(
        decision,
        specialist,
        days_ago,
        technique,
        incision_length_mm=(
            rng.randint(7, 10)
            if technique in MISS_TECHNIQUES[:2]
            else rng.randint(18, 24)
            if is_miss
            else rng.randint(30, 45)
        ),
        discharged_at=_at(day + datetime.timedelta(days=nights), 11 if nights else 17),
        converted_to_open=is_miss and index == 5,
    )
    back, leg, odi = consult.nrs_back, consult.nrs_leg, consult.odi_score
    gain = (2, 5, 6) if is_miss else (1, 4, 5)  # leg-pain improvement at 2 weeks, 3 and 12 months
    after = datetime.timedelta
    # Return dates are reported at the 3-month visit (day 91); the 6-week visit was missed.
    daily = rng.randint(4, 20) if is_miss else rng.randint(14, 40)
    work = rng.randint(18, 45) if is_miss else rng.randint(40, 80)
    procedure.follow_ups.get(timepoint="6w").cancel(reason="Not attended (demo).")
    # Two in three answered their own baseline before the procedure; the figures say so.
    if index % 3:
        _baseline_answered(
            procedure,
            rng.randint(1, 15),
            nrs_back=min(back + rng.randint(-1, 1), 10),
            nrs_leg=min(leg + rng.randint(-1, 1), 10),
            work_status=rng.choice(BaselineWorkStatus.values),
        )
    else:
        procedure.follow_ups.get(timepoint=BASELINE).cancel(reason="Not answered (demo).")
    for timepoint, leg_gain, extra in (
        ("2w", gain[0], {}),
        (
            "3m",
            gain[1],
            {
                "returned_to_daily_activities_on": day + after(daily),
                "returned_to_work_on": day + after(work),
                "odi_score": max(odi - rng.randint(15, 30), 0),
                "satisfaction": rng.choice([1, 1, 2, 2, 3] if is_miss else [1, 2, 2, 3, 4]),
            },
        ),
        (
            "12m",
            gain[2],
            {
                "odi_score": max(odi - rng.randint(20, 34), 0),
                "satisfaction": rng.choice([1, 1, 1, 2, 3] if is_miss else [1, 2, 2, 3, 4]),
            },
        ),
    ):
        _complete(
            procedure,
            timepoint,
            specialist,
            nrs_back=max(back - rng.randint(1, 3), 0),
            nrs_leg=max(leg - leg_gain + rng.randint(-1, 1), 0),
            **extra,
        )
    if (is_miss and index in (3, 9)) or (not is_miss and index in (2, 7)):
        event = AdverseEvent(
            procedure=procedure,
            event_type=AdverseEvent.Type.SSI if index != 3 else AdverseEvent.Type.DURAL_TEAR,
            onset_date=day + datetime.timedelta(days=rng.randint(3, 25)),
            clavien_dindo_grade=AdverseEvent.Grade.II,
        )
        services.record_adverse_event(adverse_event=event, by=specialist)


def seed_outcomes(*, specialist, stdout):
    """Operated demo patients with complete follow-up, for the outcome figures (idempotent)."""
    created = 0
    for index in range(OUTCOME_MISS + OUTCOME_OPEN):
        is_miss = index < OUTCOME_MISS
        number = index if is_miss else index - OUTCOME_MISS
        mrn = f"DEMO-OUT-{'M' if is_miss else 'O'}{number + 1:02d}"
        patient, _ = Patient.objects.get_or_create(
            mrn=mrn,
            defaults={
                "given_name": GIVEN[index % len(GIVEN)],
                "family_name": FAMILY[index % len(FAMILY)],
                "date_of_birth": datetime.date(1950 + index, 1 + index % 12, 1 + index % 28),
                "sex": "female" if index % 2 else "male",
                "email": f"{mrn.lower()}@example.org",
                "primary_specialist": specialist,
            },
        )
        if Consult.objects.filter(patient=patient).exists():
            continue
        _outcome_case(patient, specialist, number, is_miss, random.Random(mrn))  # noqa: S311
        created += 1
    stdout.write(f"Cases: {created} demo patient(s) for the outcome figures created.")
