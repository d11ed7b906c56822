"""SQLite under concurrent writers: WAL + IMMEDIATE transactions mean no "database is locked"."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from django.db import transaction
from clinic.audit import record_event
from clinic.models import AuditEvent, Patient
worker = int(sys.argv[1])
for n in range(25):
    with transaction.atomic():
        patient = Patient.objects.create(
            mrn=f"W{worker}-{n}", given_name="Test", family_name=f"Writer{worker}",
            date_of_birth="1970-01-01",
        )
        record_event(AuditEvent.Action.CREATE, obj=patient)
"""


def test_eight_processes_writing_at_once_never_see_database_is_locked(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = tmp_path / "writer.py"
    script.write_text(
        "import django, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'clinic.settings')\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "django.setup()\n" + WRITER
    )
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(i)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    results = [(w.wait(timeout=180), w.stderr.read()) for w in workers]
    errors = [stderr for code, stderr in results if code != 0]
    assert not errors, errors[0]
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from clinic.models import Patient, AuditEvent;"
            "print(Patient.objects.count(), AuditEvent.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.split() == ["200", "200"]
