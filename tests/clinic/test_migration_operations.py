"""clinic.migration_operations.AlterFieldLabels: the state of one AlterField per field, with one
render per model, and AlterField's database step (a change that touches a column is made)."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.state import ModelState, ProjectState

from clinic.migration_operations import AlterFieldLabels


def _state():
    state = ProjectState()
    state.add_model(
        ModelState(
            "labels",
            "shelf",
            [("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=20))],
        )
    )
    state.add_model(
        ModelState(
            "labels",
            "book",
            [
                ("id", models.AutoField(primary_key=True)),
                ("title", models.CharField(max_length=50)),
                ("note", models.TextField(blank=True)),
                ("shelf", models.ForeignKey("labels.shelf", models.CASCADE)),
            ],
        )
    )
    state.apps  # rendered, as migrate has it  # noqa: B018
    return state


CHANGES = [
    ("book", "title", models.CharField(max_length=50, verbose_name="title of the book")),
    ("book", "note", models.TextField(blank=True, help_text="what the reader should know")),
    ("book", "shelf", models.ForeignKey("labels.shelf", models.CASCADE, verbose_name="on shelf")),
    ("shelf", "name", models.CharField(max_length=20, verbose_name="shelf name")),
]


def test_the_state_is_the_one_alter_field_per_field_gives():
    one_by_one, at_once = _state(), _state()
    for model_name, name, field in CHANGES:
        migrations.AlterField(model_name, name, field).state_forwards("labels", one_by_one)
    AlterFieldLabels(CHANGES).state_forwards("labels", at_once)

    for key in [("labels", "book"), ("labels", "shelf")]:
        assert at_once.models[key].fields.keys() == one_by_one.models[key].fields.keys()
        for name, field in at_once.models[key].fields.items():
            assert field.deconstruct() == one_by_one.models[key].fields[name].deconstruct()
    book = at_once.apps.get_model("labels", "book")
    assert book._meta.get_field("title").verbose_name == "title of the book"
    assert book._meta.get_field("shelf").verbose_name == "on shelf"
    assert at_once.apps.get_model("labels", "shelf")._meta.get_field("name").verbose_name == (
        "shelf name"
    )


def _sql(operation):
    before = _state()
    after = before.clone()
    operation.state_forwards("labels", after)
    with connection.schema_editor(collect_sql=True) as editor:
        operation.database_forwards("labels", editor, before, after)
    return editor.collected_sql


@pytest.mark.django_db(transaction=True)  # SQLite edits schemas outside a transaction
def test_labels_alone_write_no_sql_but_a_column_change_inside_is_made():
    assert _sql(AlterFieldLabels(CHANGES)) == []
    wider = [("book", "title", models.CharField(max_length=80, verbose_name="title"))]
    assert _sql(AlterFieldLabels(wider)) == _sql(migrations.AlterField(*wider[0]))
    if connection.vendor == "postgresql":  # SQLite's VARCHAR has no length to change
        assert any("varchar(80)" in sql for sql in _sql(AlterFieldLabels(wider)))


def test_it_deconstructs_for_the_migration_writer():
    name, args, kwargs = AlterFieldLabels(CHANGES).deconstruct()
    assert (name, args) == ("AlterFieldLabels", [])
    assert AlterFieldLabels(**kwargs).fields == CHANGES
    assert AlterFieldLabels(CHANGES).describe() == "Alter the labels of 4 fields"
