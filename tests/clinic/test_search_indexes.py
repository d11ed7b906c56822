"""The patient search is served by indexes on PostgreSQL (migration clinic 0011): trigram GIN
indexes on the upper-cased names, a b-tree on the upper-cased MRN. SQLite has none of the
trigram ones, and migrates and searches all the same."""

import pytest
from django.db import connection, transaction

from clinic.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {"patient_family_name_trgm_idx", "patient_given_name_trgm_idx"}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
)


def _index_definitions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'clinic_patient'"
        )
        return dict(cursor.fetchall())


def _plan(queryset):
    """The plan PostgreSQL picks when it may not read the whole table (the test tables are too
    small for an index to pay off otherwise): it shows which indexes can serve the query."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@on_postgresql
def test_the_patient_names_have_trigram_indexes_on_postgresql():
    definitions = _index_definitions()
    assert TRIGRAM_INDEXES <= definitions.keys()
    assert (
        "gin (upper((family_name)::text) gin_trgm_ops)"
        in definitions["patient_family_name_trgm_idx"]
    )
    assert "upper((mrn)::text)" in definitions["patient_mrn_upper_idx"]


@on_postgresql
def test_a_name_search_reads_the_indexes_not_the_table():
    factories.PatientFactory(family_name="Garcia", given_name="Ana")
    plan = _plan(Patient.objects.search("garcia").order_by())  # as the list counts them
    assert "patient_family_name_trgm_idx" in plan
    assert "patient_given_name_trgm_idx" in plan
    assert "patient_mrn_upper_idx" in plan
    assert "Seq Scan" not in plan


@on_postgresql
def test_a_two_word_search_reads_the_indexes_too():
    plan = _plan(Patient.objects.search("Ana Garcia").order_by())
    assert "Seq Scan" not in plan
    assert "patient_family_name_trgm_idx" in plan


def test_the_search_finds_names_by_their_start_in_any_case_on_every_database():
    garcia = factories.PatientFactory(family_name="Garcia-Lopez", given_name="Ana", mrn="X-1")
    named = factories.PatientFactory(family_name="Smith", given_name="Garcia", mrn="X-2")
    factories.PatientFactory(family_name="Lopez", given_name="Eva", mrn="X-3")
    assert set(Patient.objects.search("garcia-")) == {garcia}
    assert set(Patient.objects.search("GARC")) == {garcia, named}
    assert set(Patient.objects.search("x-2")) == {named}
    assert set(Patient.objects.search("opez")) == set()  # the start of a name only


def test_sqlite_has_no_trigram_index():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's side of the migration")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {row[0] for row in cursor.fetchall()}
    assert not TRIGRAM_INDEXES & names
    assert "patient_mrn_upper_idx" in names
