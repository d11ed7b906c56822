"""A date of birth is not before 1 January 1900 (and not in the future)."""

import datetime

from django.db import migrations, models

import clinic.models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_audit_delete_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpatient",
            name="date_of_birth",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="patient",
            name="date_of_birth",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("date_of_birth__gte", datetime.date(1900, 1, 1))),
                name="patient_born_from_1900",
            ),
        ),
    ]
