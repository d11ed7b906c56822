"""The benchmarks' dataset (bench/dataset.py) at a tiny size: the records it inserts in bulk obey
the models' rules and the database's constraints, and every derived value is the one the models'
own methods compute — so the benchmark cannot silently measure impossible data."""

import copy

import pytest
from django.db import connection
from django.utils import timezone

from bench import dataset
from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
from clinic import roles
from clinic.models import Patient, User
from education.models import Assignment

pytestmark = pytest.mark.django_db

PROCEDURES = 30


@pytest.fixture
def targets():
    built = dataset.build(PROCEDURES, verbose=False)
    connection.check_constraints()  # foreign keys are checked at commit, which tests never reach
    return built


def test_the_dataset_has_the_records_it_promises(targets):
    patients = Patient.objects.filter(mrn__startswith="BN")
    unoperated = round(PROCEDURES * dataset.UNOPERATED_PER_OPERATED)
    assert patients.count() == PROCEDURES + unoperated
    assert Procedure.objects.count() == PROCEDURES
    assert Consult.objects.count() == CandidacyDecision.objects.count() == patients.count()
    assert FollowUp.objects.filter(procedure__isnull=False).count() == 5 * PROCEDURES
    conservative = CandidacyDecision.objects.filter(outcome="conservative").count()
    assert FollowUp.objects.filter(decision__isnull=False).count() == 5 * conservative
    assert FollowUp.objects.filter(completed_at__isnull=False).exists()
    assert FollowUp.objects.overdue().exists()
    assert FollowUp.objects.filter(source="patient", completed_at__isnull=False).exists()
    assert AdverseEvent.objects.exists() and Assignment.objects.exists()
    assert targets["procedures"] == PROCEDURES


def test_the_bench_accounts_sign_in_with_their_roles_and_second_factor(targets):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    expected = {"specialist": roles.SPECIALISTS, "patient": roles.PATIENTS}
    expected["editor"] = roles.CONTENT_EDITORS
    for who, role in expected.items():
        user = User.objects.get(username=targets["accounts"][who])
        assert user.check_password(targets["password"])
        assert list(user.groups.values_list("name", flat=True)) == [role]
    specialist = targets["accounts"]["specialist"]
    device = TOTPDevice.objects.get(user__username=specialist)
    assert device.verify_token(totp(bytes.fromhex(targets["totp_keys"][specialist])))
    patient = Patient.objects.get(pk=targets["patient"])
    assert patient.user.username == targets["accounts"]["patient"]
    assert Assignment.objects.get(pk=targets["assignment"]).patient == patient
    assert FollowUp.objects.due().filter(patient=patient).exists()  # a check-in is open


def test_every_record_obeys_the_models_rules(targets):
    records = [
        *Patient.objects.all(),
        *Consult.objects.select_related("patient"),
        *CandidacyDecision.objects.select_related("consult__patient"),
        *Procedure.objects.select_related("decision"),
        *FollowUp.objects.select_related("procedure", "decision"),
        *AdverseEvent.objects.select_related("procedure"),
        *Assignment.objects.select_related("version"),
    ]
    for record in records:
        # The database has enforced the constraints and uniqueness already, on insertion.
        record.full_clean(validate_unique=False, validate_constraints=False)


def test_derived_values_are_those_the_models_compute(targets):
    for procedure in Procedure.objects.select_related("decision"):
        computed = copy.copy(procedure)
        computed.compute_stay()
        for name in Procedure.DERIVED:
            assert stored(computed, name) == getattr(procedure, name), name
        assert procedure.patient_id == procedure.decision.patient_id
    for follow_up in FollowUp.objects.select_related("procedure", "decision"):
        anchor_date, due, opens, closes = follow_up.schedule()
        assert (follow_up.anchor_date, follow_up.due_date) == (anchor_date, due)
        assert (follow_up.window_opens, follow_up.window_closes) == (opens, closes)
        assert follow_up.patient_id == follow_up.anchor.patient_id
    for event in AdverseEvent.objects.select_related("procedure"):
        computed = copy.copy(event)
        computed.compute_timing()
        for name in AdverseEvent.DERIVED:
            assert stored(computed, name) == getattr(event, name), name
    for decision in CandidacyDecision.objects.select_related("consult"):
        assert decision.criteria == decision.consult.candidacy_criteria()
        assert decision.patient_id == decision.consult.patient_id
    assert not FollowUp.objects.filter(assessed_on__gt=timezone.localdate()).exists()


def stored(record, name):
    """The value as its column gives it back (a length of stay computed as 52.6 reads 52.6)."""
    return record._meta.get_field(name).to_python(getattr(record, name))
