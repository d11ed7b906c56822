import datetime
import json
from importlib import import_module
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from cases import instruments
from cases.models import CheckinLink, CheckinReminder, FollowUp
from clinic.backup import table_row_counts
from clinic.models import Patient, User
from interop.models import ApiClient, ExportFile, ExportJob
from tests.factories import PatientFactory

ODI_PLACEHOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "odi_placeholder.json"


def _a_row_in_every_table():
    """The demo data, plus a row of each table the demo leaves empty (sign-in records, 2FA
    devices, questionnaire wording, reminders, admin log, sessions)."""
    call_command("seed_demo", "--force", "--password", "x-long-demo-password-1", verbosity=0)
    # Rows a data migration made are gone if an earlier transactional test flushed the tables.
    import_module("cases.migrations.0001_squashed_0016_field_verbose_names").seed_thresholds(
        apps, None
    )
    admin = User.objects.get(username="admin")
    access = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x", "path_info": "/"}
    attempt = AccessAttempt.objects.create(**access, failures_since_start=1)
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + datetime.timedelta(minutes=15)
    )
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    TOTPDevice.objects.create(user=admin, name="phone")
    StaticDevice.objects.create(user=admin, name="recovery codes").token_set.create(
        token="12345678"
    )
    instruments.load_instrument("odi", json.loads(ODI_PLACEHOLDER.read_text()))
    CheckinReminder.objects.create(follow_up=FollowUp.objects.first(), email="p@example.org")
    CheckinLink.issue(follow_up=FollowUp.objects.first())
    admin.user_permissions.add(Permission.objects.first())
    patient = Patient.objects.first()
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(patient),
        object_id=str(patient.pk),
        object_repr=str(patient),
        action_flag=ADDITION,
    )
    SessionStore().create()
    api_client = ApiClient(name="registry", scopes="system/*.read")
    api_client.new_token()
    api_client.save()
    job = ExportJob.objects.create(client=api_client, request_url="http://x/$export", types="")
    ExportFile.objects.create(job=job, resource_type="Patient", file="1/Patient.ndjson", count=1)
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cases.tasks.refresh_outcome_figures",
        backend_name="default",
    )


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_keeps_every_tables_row_count(tmp_path):
    _a_row_in_every_table()
    before = table_row_counts()
    empty = sorted(table for table, rows in before.items() if not rows)
    # An empty table would compare 0 == 0 and prove nothing: a new model needs a row above.
    assert not empty, f"make a row in {empty} in _a_row_in_every_table()"

    path = tmp_path / "clinic.backup"
    call_command("backup_database", str(path))
    PatientFactory.create_batch(2)
    AccessLog.objects.all().delete()
    assert table_row_counts() != before

    call_command("restore_database", str(path), "--yes")
    assert table_row_counts() == before


@pytest.mark.django_db
def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(tmp_path / "x"))
