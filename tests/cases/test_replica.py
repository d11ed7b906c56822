"""The read replica: with DATABASE_REPLICA_URL the outcome figures are read from it, and
everything else (every write, every other read) stays on the primary (cases/routers.py)."""

from pathlib import Path

from cases.models import Consult, FigureResult, FigureSnapshot, Procedure
from cases.routers import ReplicaRouter
from clinic.models import AuditEvent, Patient
from tests.django_process import run_django

ROOT = Path(__file__).resolve().parents[2]


def test_the_figures_snapshot_and_its_results_are_read_from_the_replica():
    assert ReplicaRouter().db_for_read(FigureSnapshot) == "replica"
    assert ReplicaRouter().db_for_read(FigureResult) == "replica"


def test_everything_else_is_read_from_the_primary():
    for model in (Patient, Consult, Procedure, AuditEvent):
        assert ReplicaRouter().db_for_read(model) is None  # the default database


def test_nothing_is_written_to_or_migrated_on_the_replica():
    router = ReplicaRouter()
    assert not hasattr(router, "db_for_write")  # every write goes to the default database
    assert not router.allow_migrate("replica", "cases", "figuresnapshot")
    assert router.allow_migrate("default", "cases", "figuresnapshot")


def test_a_replica_url_adds_the_alias_and_the_router(tmp_path):
    stdout, stderr = run_django(
        "from cases.models import Consult, FigureSnapshot;"
        "print(FigureSnapshot.objects.all().db, Consult.objects.all().db,"
        " django.db.router.db_for_write(FigureSnapshot))",
        DATABASE_URL=f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}",
    )
    assert stdout.split() == ["replica", "default", "default"], stderr[-2000:]


def test_without_a_replica_url_there_is_no_router(settings):
    assert "replica" not in settings.DATABASES
    assert not settings.DATABASE_ROUTERS
