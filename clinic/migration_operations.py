"""The portal's own migration operation: many label-only field changes in one step.

When the labels became translatable, some 350 fields had their verbose name, help text or choices
wrapped in ``gettext_lazy``. Django writes one ``AlterField`` per field for that. None of them
changes a column on any database (Django compares fields without these attributes), but each
re-renders the migration state: about 70 ms apiece, 25 of the 44 seconds that creating a
database took (every ``make run`` on a new machine, every test run).

:class:`AlterFieldLabels` holds those ``AlterField`` changes and applies them to the state with
one render per model. Its database step is still ``AlterField``'s (``schema_editor.alter_field``
for each field), so on the day someone puts a change that does touch a column in one, it is
carried out, not skipped.
"""

from django.db.migrations.operations.base import Operation
from django.db.migrations.utils import field_is_referenced


class AlterFieldLabels(Operation):
    """``AlterField`` of each ``(model_name, field_name, field)`` in ``fields``, at once."""

    reversible = True
    reduces_to_sql = True
    category = "~"  # as AlterField's, in makemigrations' and migrate's plans

    def __init__(self, fields):
        self.fields = [(model_name, name, field) for model_name, name, field in fields]
        super().__init__()

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"fields": self.fields}

    def state_forwards(self, app_label, state):
        delay_by_model = {}
        for model_name, name, field in self.fields:
            model_key = app_label, model_name.lower()
            fields = state.models[model_key].fields
            # As ProjectState.alter_field does, minus its reload per field.
            if state._relations is not None:
                old_field = fields.pop(name)
                if old_field.is_relation:
                    state.resolve_model_field_relations(model_key, name, old_field)
                fields[name] = field
                if field.is_relation:
                    state.resolve_model_field_relations(model_key, name, field)
            else:
                fields[name] = field
            delay = not field.is_relation and not field_is_referenced(
                state, model_key, (name, field)
            )
            delay_by_model[model_key] = delay_by_model.get(model_key, True) and delay
        for model_key, delay in delay_by_model.items():
            state.reload_model(*model_key, delay=delay)

    def _alter(self, app_label, schema_editor, from_state, to_state):
        for model_name, name, _ in self.fields:
            to_model = to_state.apps.get_model(app_label, model_name)
            if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
                continue
            from_model = from_state.apps.get_model(app_label, model_name)
            schema_editor.alter_field(
                from_model, from_model._meta.get_field(name), to_model._meta.get_field(name)
            )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._alter(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._alter(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Alter the labels of {len(self.fields)} fields"

    @property
    def migration_name_fragment(self):
        return "field_labels"
