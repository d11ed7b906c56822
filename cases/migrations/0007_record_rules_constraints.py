"""The record rules in the database: one procedure per decision, follow-ups assessed inside
their window (or with a reason), clinical dates from 1900, derived values within range."""

import datetime

from django.db import migrations, models

CONSTRAINTS = [
    migrations.AddConstraint(
        model_name="adverseevent",
        constraint=models.CheckConstraint(
            condition=models.Q(("onset_date__gte", datetime.date(1900, 1, 1))),
            name="adverseevent_onset_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="adverseevent",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(("days_after_procedure__gte", 0), ("days_after_procedure__lte", 1826)),
                ("days_after_procedure__isnull", True),
                _connector="OR",
            ),
            name="adverseevent_days_after_procedure",
        ),
    ),
    migrations.AddConstraint(
        model_name="candidacydecision",
        constraint=models.CheckConstraint(
            condition=models.Q(("decided_on__gte", datetime.date(1900, 1, 1))),
            name="decision_decided_on_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="consult",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("symptom_duration_weeks__gte", 0), ("symptom_duration_weeks__lte", 2000)
            ),
            name="consult_symptom_weeks_0_2000",
        ),
    ),
    migrations.AddConstraint(
        model_name="consult",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(
                    ("conservative_care_weeks__gte", 0), ("conservative_care_weeks__lte", 2000)
                ),
                ("conservative_care_weeks__isnull", True),
                _connector="OR",
            ),
            name="consult_care_weeks_0_2000",
        ),
    ),
    migrations.AddConstraint(
        model_name="consult",
        constraint=models.CheckConstraint(
            condition=models.Q(("consult_date__gte", datetime.date(1900, 1, 1))),
            name="consult_date_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="consult",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("mri_date__gte", datetime.date(1900, 1, 1)),
                ("mri_date__isnull", True),
                _connector="OR",
            ),
            name="consult_mri_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="followup",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("assessed_on__isnull", True),
                models.Q(
                    ("assessed_on__gte", models.F("window_opens")),
                    ("assessed_on__lte", models.F("window_closes")),
                ),
                models.Q(("out_of_window_reason", ""), _negated=True),
                _connector="OR",
            ),
            name="followup_assessed_in_window_or_reason",
        ),
    ),
    migrations.AddConstraint(
        model_name="followup",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("assessed_on__gte", datetime.date(1900, 1, 1)),
                ("assessed_on__isnull", True),
                _connector="OR",
            ),
            name="followup_assessed_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="followup",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("returned_to_daily_activities_on__gte", datetime.date(1900, 1, 1)),
                ("returned_to_daily_activities_on__isnull", True),
                _connector="OR",
            ),
            name="followup_daily_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="followup",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("returned_to_work_on__gte", datetime.date(1900, 1, 1)),
                ("returned_to_work_on__isnull", True),
                _connector="OR",
            ),
            name="followup_work_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.UniqueConstraint(
            condition=models.Q(("entered_in_error", False)),
            fields=("decision",),
            name="procedure_one_per_decision",
            violation_error_message="This decision already has its procedure. A reoperation is recorded under a new decision.",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.CheckConstraint(
            condition=models.Q(("procedure_date__gte", datetime.date(1900, 1, 1))),
            name="procedure_date_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.CheckConstraint(
            condition=models.Q(
                (
                    "admitted_at__gte",
                    datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                )
            ),
            name="procedure_admitted_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.CheckConstraint(
            condition=models.Q(
                (
                    "discharged_at__gte",
                    datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                ),
                ("discharged_at__isnull", True),
                _connector="OR",
            ),
            name="procedure_discharged_from_1900",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(("length_of_stay_nights__gte", 0), ("length_of_stay_nights__lte", 400)),
                ("length_of_stay_nights__isnull", True),
                _connector="OR",
            ),
            name="procedure_stay_nights",
        ),
    ),
    migrations.AddConstraint(
        model_name="procedure",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(("length_of_stay_hours__gte", 0), ("length_of_stay_hours__lte", 9600)),
                ("length_of_stay_hours__isnull", True),
                _connector="OR",
            ),
            name="procedure_stay_hours",
        ),
    ),
]


def name_records_breaking_a_rule(apps, schema_editor):
    """Refuse to migrate while records break one of the new rules, naming them (the database
    would only name the first constraint it fails). Correct or re-enter them first."""
    problems = []
    for operation in CONSTRAINTS:
        constraint = operation.constraint
        if not isinstance(constraint, models.CheckConstraint):
            continue
        model = apps.get_model("cases", operation.model_name)
        ids = list(model._base_manager.exclude(constraint.condition).values_list("pk", flat=True))
        if ids:
            problems.append(
                f"{operation.model_name} {', '.join(map(str, ids[:50]))} ({constraint.name})"
            )
    if problems:
        raise RuntimeError("Records that break the new rules: " + "; ".join(problems))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_backfill_decided_on_and_out_of_window_reasons"),
    ]

    operations = [
        migrations.RunPython(name_records_breaking_a_rule, migrations.RunPython.noop),
        *CONSTRAINTS,
    ]
