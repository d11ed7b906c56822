"""SQLite under concurrent editors: WAL + IMMEDIATE transactions mean no "database is locked".

Eight processes edit one consult at once (tests/clinic/sqlite_editor.py), each edit one
transaction that reads the record's version and then saves it. That read-then-write is what
SQLite's default DEFERRED transactions get wrong: a reader cannot become a writer once another
process has written, and fails with "database is locked" instead of waiting its turn. The tests
use their own SQLite file, whatever database the rest of the suite runs on.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.clinic.sqlite_editor import EDITORS, EDITS

ROOT = Path(__file__).resolve().parents[2]


def _edit_at_once(tmp_path, mode):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    run = subprocess.run(
        [sys.executable, "-m", "tests.clinic.sqlite_editor", mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_eight_processes_editing_one_record_at_once_never_see_database_is_locked(tmp_path):
    result = _edit_at_once(tmp_path, "immediate")

    assert not result["errors"], "\n".join(result["errors"])
    edits = EDITORS * EDITS
    # Every edit landed, none over a stale copy: the version moved on once per edit, and each
    # left its history row and audit entry.
    assert (result["version"], result["history_edits"], result["audit_updates"]) == (
        1 + edits,
        edits,
        edits,
    )


def test_without_immediate_transactions_the_same_editors_do_see_database_is_locked(tmp_path):
    """The workload is one that needs IMMEDIATE: with DEFERRED transactions it fails."""
    result = _edit_at_once(tmp_path, "deferred")

    assert any("database is locked" in error for error in result["errors"]), result
