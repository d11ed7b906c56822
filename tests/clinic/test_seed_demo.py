import pytest
from django.core.management import CommandError, call_command

from clinic.models import Patient, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_accounts_in_their_roles_and_records_that_obey_the_rules(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-password-long")
    call_command("seed_demo", "--password", "demo-password-long")
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        "specialist",
        "editor",
        "patient",
        "patient2",
    }
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="specialist").is_specialist
    assert User.objects.get(username="editor").is_editor
    for username in ("patient", "patient2"):
        user = User.objects.get(username=username)
        assert user.is_patient
        assert user.check_password("demo-password-long")
        assert Patient.objects.get(user=user).primary_specialist.username == "specialist"
    assert Patient.objects.filter(mrn__startswith="DEMO-").count() >= 2
    assert_every_record_obeys_the_rules()


def assert_every_record_obeys_the_rules():
    """The demo is made through the services (each record validated), and each record still
    passes its rules once the demo is whole: follow-ups assessed inside their windows, one
    procedure per decision, plausible dates."""
    from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure

    for model in (Patient, Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp):
        for record in model.objects.all():
            record.full_clean(validate_constraints=False)  # the database checks its own
    completed = FollowUp.objects.filter(completed_at__isnull=False)
    assert completed.exists() and all(f.in_window for f in completed)
    decisions = Procedure.objects.valid().values_list("decision_id", flat=True)
    assert len(decisions) == len(set(decisions))


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="admin").exists()
