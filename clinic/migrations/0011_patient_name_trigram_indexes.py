"""On PostgreSQL, trigram indexes serve the patient search (``Patient.objects.search``): a name
is searched as ``UPPER(family_name::text) LIKE UPPER('garcia%')``, which a b-tree on the column
cannot serve, so without them every search reads the whole table.

They exist on PostgreSQL only (SQLite has no GIN indexes, and its LIKE is served otherwise), so
they are made here rather than declared in ``Patient.Meta``: the models' state, and every other
database, do not know them. Both directions do nothing on other databases (Django's own
``TrigramExtension`` operation would still look for PostgreSQL's catalogue when reversed on
SQLite). Reversing keeps the extension, which something else may use.
"""

from django.db import migrations

# The index's expression is the search's, UPPER(column): PostgreSQL matches them.
INDEXES = {
    "patient_family_name_trgm_idx": "family_name",
    "patient_given_name_trgm_idx": "given_name",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON clinic_patient "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0010_patient_mrn_upper_index")]

    operations = [migrations.RunPython(forward, backward)]
