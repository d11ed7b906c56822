"""Eight processes editing one consult at once, for tests/clinic/test_concurrency.py.

``python -m tests.clinic.sqlite_editor immediate|deferred``, with DATABASE_URL naming a new
SQLite file, creates the schema and one consult, forks EDITORS processes that each open their
own connection and, all starting together, edit the consult EDITS times: each edit is one
transaction that reads the record and its version, then saves it through the edit service.
It prints, as JSON, the editors' errors and what landed. ``deferred`` drops the settings'
``transaction_mode`` first, to show what IMMEDIATE prevents.
"""

import json
import multiprocessing
import os
import sys

import django

EDITORS = 8
EDITS = 15


def create_schema_and_consult():
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    from tests.factories import ConsultFactory

    # The schema straight from the models, as pytest-django's --nomigrations does: running
    # every migration takes seconds, and this test is about locking (migrations have their
    # own check, makemigrations --check).
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", run_syncdb=True, verbosity=0)
    ConsultFactory()


def edit(worker, start, outcomes):
    from django.db import connection, transaction

    from cases.models import Consult
    from cases.services import update_record
    from clinic.models import User

    try:
        editor = User.objects.get()
        start.wait(timeout=60)
        for n in range(EDITS):
            with transaction.atomic():
                consult = Consult.objects.get()
                consult.notes = f"edit {n} by editor {worker}"
                update_record(record=consult, expected_version=consult.version, by=editor)
    except Exception as error:
        start.abort()  # an editor that dies before the start must not leave the others waiting
        outcomes.put(f"editor {worker}: {type(error).__name__}: {error}")
    else:
        outcomes.put(None)
    finally:
        connection.close()


def main(mode):
    from django.db import connection

    from cases.models import Consult
    from clinic.models import AuditEvent

    create_schema_and_consult()
    if mode == "deferred":
        connection.settings_dict["OPTIONS"].pop("transaction_mode", None)
    connection.close()  # each editor opens its own connection

    fork = multiprocessing.get_context("fork")
    start, outcomes = fork.Barrier(EDITORS), fork.Queue()
    editors = [fork.Process(target=edit, args=(i, start, outcomes)) for i in range(EDITORS)]
    for editor in editors:
        editor.start()
    errors = [error for error in (outcomes.get(timeout=120) for _ in editors) if error]
    for editor in editors:
        editor.join()

    consult = Consult.objects.get()
    return {
        "errors": errors,
        "version": consult.version,
        "history_edits": consult.history.filter(history_type="~").count(),
        "audit_updates": AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count(),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    print(json.dumps(main(sys.argv[1])))
