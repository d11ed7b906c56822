"""The decision's clinical day and the reason for an assessment outside its window; the
clinical dates' validators (from 1900, not in the future)."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import clinic.models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_checkins"),
        ("clinic", "0007_patient_date_of_birth_from_1900"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="candidacydecision",
            options={
                "ordering": ["-decided_on", "-decided_at", "-id"],
                "permissions": [
                    ("decide_candidacy", "Can decide MISS candidacy"),
                    ("export_research_data", "Can export de-identified research data"),
                ],
            },
        ),
        migrations.AddField(
            model_name="candidacydecision",
            name="decided_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="The day the decision was made: for a case entered from paper, that day.",
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="decided on",
            ),
        ),
        migrations.AddField(
            model_name="followup",
            name="out_of_window_reason",
            field=models.CharField(
                blank=True,
                help_text="Only for an assessment outside the timepoint's window: it is kept, but not counted in that timepoint's figures.",
                max_length=255,
                verbose_name="reason for assessing outside the window",
            ),
        ),
        migrations.AddField(
            model_name="historicalcandidacydecision",
            name="decided_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="The day the decision was made: for a case entered from paper, that day.",
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="decided on",
            ),
        ),
        migrations.AddField(
            model_name="historicalfollowup",
            name="out_of_window_reason",
            field=models.CharField(
                blank=True,
                help_text="Only for an assessment outside the timepoint's window: it is kept, but not counted in that timepoint's figures.",
                max_length=255,
                verbose_name="reason for assessing outside the window",
            ),
        ),
        migrations.AlterField(
            model_name="adverseevent",
            name="onset_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="consult",
            name="consult_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="consult",
            name="mri_date",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="MRI date",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="assessed_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="returned_to_daily_activities_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="returned to daily activities on",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="returned_to_work_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="returned to work on",
            ),
        ),
        migrations.AlterField(
            model_name="historicaladverseevent",
            name="onset_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="historicalconsult",
            name="consult_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="historicalconsult",
            name="mri_date",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="MRI date",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="assessed_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="returned_to_daily_activities_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="returned to daily activities on",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="returned_to_work_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                verbose_name="returned to work on",
            ),
        ),
        migrations.AlterField(
            model_name="historicalprocedure",
            name="admitted_at",
            field=models.DateTimeField(
                help_text="At most 30 days before the day of the procedure.",
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="historicalprocedure",
            name="discharged_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty while in hospital; at most a year after the day of the procedure.",
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="historicalprocedure",
            name="procedure_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="admitted_at",
            field=models.DateTimeField(
                help_text="At most 30 days before the day of the procedure.",
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="discharged_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty while in hospital; at most a year after the day of the procedure.",
                null=True,
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
            ),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="procedure_date",
            field=models.DateField(
                validators=[clinic.models.not_before_1900, clinic.models.not_in_future]
            ),
        ),
    ]
