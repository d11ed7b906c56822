import pytest
from django.core.management import CommandError, call_command

from clinic.audit import record_event
from clinic.backup import table_row_counts
from clinic.models import AuditEvent, Patient
from tests.factories import PatientFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_keeps_every_tables_row_count(tmp_path):
    user = UserFactory()
    for _ in range(3):
        record_event(AuditEvent.Action.VIEW, user=user, obj=PatientFactory())
    before = table_row_counts()
    assert before["clinic_patient"] == 3

    path = tmp_path / "clinic.backup"
    call_command("backup_database", str(path))
    PatientFactory.create_batch(2)
    assert Patient.objects.count() == 5

    call_command("restore_database", str(path), "--yes")
    assert table_row_counts() == before
    assert Patient.objects.count() == 3


@pytest.mark.django_db
def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(tmp_path / "x"))
