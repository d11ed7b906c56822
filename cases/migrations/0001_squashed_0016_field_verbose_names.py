"""Consults, candidacy decisions, procedures, adverse events, follow-ups and check-ins, the outcome
figures' tables, and the two cited sets of minimal important change.

Squashed from 0001-0016. A new database runs this one migration instead of the 16 it replaces,
whose renders of the models' state took most of the time a new database took (all apps: 17 s -> 2 s
on SQLite). A database that has run them carries on from them. Only what the old chain leaves in an
empty database is here: the schema and the cited thresholds that 0003 seeds; the old backfills
rewrite rows that an empty database does not have. Once every installation has migrated past 0016,
the old files and ``replaces`` go (README, Upgrading).
"""

import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import clinic.constraints
import clinic.models

OSTELO = (
    "Ostelo RWJG, Deyo RA, Stratford P, et al. Interpreting change scores for pain and functional "
    "status in low back pain: towards international consensus regarding minimal important "
    "change. Spine 2008;33(1):90-94."
)
PARAI = (
    "Parai C, Hägg O, Lind B, Brisby H. ISSLS prize in clinical science 2020: the reliability and "
    "interpretability of score change in lumbar spine research (Swespine). Eur Spine J "
    "2020;29(4):663-669."
)
THRESHOLDS = [
    ("ostelo-2008", "nrs_back", "2.0", 30, OSTELO),
    ("ostelo-2008", "nrs_leg", "2.0", 30, OSTELO),
    ("ostelo-2008", "odi", "10.0", None, OSTELO),
    ("swespine-2020", "nrs_back", "2.7", None, PARAI),
    ("swespine-2020", "nrs_leg", "3.2", None, PARAI),
    ("swespine-2020", "odi", "18.0", None, PARAI),
]


def seed_thresholds(apps, schema_editor):
    MinimalImportantChange = apps.get_model("cases", "MinimalImportantChange")
    for set_key, measure, points, percent, citation in THRESHOLDS:
        MinimalImportantChange.objects.get_or_create(
            set_key=set_key,
            measure=measure,
            version=1,
            defaults={
                "points": Decimal(points),
                "relative_percent": percent,
                "citation": citation,
                "is_active": True,
            },
        )


class Migration(migrations.Migration):
    replaces = [
        ("cases", "0001_initial"),
        ("cases", "0002_alter_candidacydecision_decided_at_and_more"),
        ("cases", "0003_minimalimportantchange"),
        ("cases", "0004_checkins"),
        ("cases", "0005_decided_on_out_of_window_reason"),
        ("cases", "0006_backfill_decided_on_and_out_of_window_reasons"),
        ("cases", "0007_record_rules_constraints"),
        ("cases", "0008_figure_snapshot"),
        ("cases", "0009_text_max_length"),
        ("cases", "0010_figure_results"),
        ("cases", "0011_followup_pending_order_index"),
        ("cases", "0012_checkin_reminder_kinds_and_links"),
        ("cases", "0013_decision_planned_on"),
        ("cases", "0014_followup_baseline"),
        ("cases", "0015_translatable_labels"),
        ("cases", "0016_field_verbose_names"),
    ]

    initial = True

    dependencies = [
        ("clinic", "0001_squashed_0015_field_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(help_text="When the cohort was read.")),
                ("as_of", models.DateField(help_text="The day the figures were computed for.")),
                ("mic_set", models.SlugField(max_length=40)),
                ("rows", models.JSONField(default=list)),
                ("clinical", models.JSONField(default=dict)),
                ("editor", models.JSONField(default=dict)),
                ("article", models.JSONField(default=dict)),
                (
                    "thresholds",
                    models.JSONField(
                        default=list,
                        help_text="The minimal-important-change set the figures were computed with.",
                    ),
                ),
            ],
            options={
                "get_latest_by": "pk",
            },
        ),
        migrations.CreateModel(
            name="Consult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "consult_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="consult date",
                    ),
                ),
                (
                    "dominant_pain",
                    models.CharField(
                        choices=[
                            ("leg", "Leg-dominant (radicular)"),
                            ("back", "Back-dominant"),
                            ("equal", "Leg and back equally"),
                        ],
                        max_length=10,
                        verbose_name="dominant pain",
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("left", "Left"), ("right", "Right"), ("bilateral", "Bilateral")],
                        max_length=10,
                        verbose_name="side",
                    ),
                ),
                (
                    "symptom_duration_weeks",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(2000)],
                        verbose_name="duration of symptoms (weeks)",
                    ),
                ),
                ("numbness", models.BooleanField(default=False, verbose_name="numbness")),
                ("weakness", models.BooleanField(default=False, verbose_name="motor weakness")),
                (
                    "mrc_grade",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="0 (no contraction) to 5 (normal power). Required when there is weakness.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="MRC grade of the weakest muscle",
                    ),
                ),
                (
                    "red_flag_saddle_anaesthesia",
                    models.BooleanField(default=False, verbose_name="saddle anaesthesia"),
                ),
                (
                    "red_flag_bladder_bowel",
                    models.BooleanField(default=False, verbose_name="bladder or bowel dysfunction"),
                ),
                (
                    "red_flag_progressive_deficit",
                    models.BooleanField(
                        default=False, verbose_name="rapidly progressive neurological deficit"
                    ),
                ),
                (
                    "red_flag_other",
                    models.BooleanField(
                        default=False,
                        verbose_name="other red flag (fever, cancer history, trauma, weight loss)",
                    ),
                ),
                (
                    "mri_date",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="MRI date",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="herniation level",
                    ),
                ),
                (
                    "second_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        help_text="If two levels.",
                        max_length=5,
                        verbose_name="second level",
                    ),
                ),
                (
                    "morphology",
                    models.CharField(
                        choices=[
                            ("protrusion", "Protrusion"),
                            ("extrusion", "Extrusion"),
                            ("sequestration", "Sequestration"),
                        ],
                        max_length=15,
                        verbose_name="morphology",
                    ),
                ),
                (
                    "zone",
                    models.CharField(
                        choices=[
                            ("central", "Central"),
                            ("subarticular", "Subarticular (paracentral)"),
                            ("foraminal", "Foraminal"),
                            ("extraforaminal", "Extraforaminal"),
                        ],
                        max_length=15,
                        verbose_name="zone",
                    ),
                ),
                (
                    "imaging_concordant",
                    models.BooleanField(
                        blank=True,
                        help_text="Does the herniation explain the side and level of the symptoms?",
                        null=True,
                        verbose_name="imaging concordant with symptoms",
                    ),
                ),
                ("physiotherapy", models.BooleanField(default=False, verbose_name="physiotherapy")),
                (
                    "medication",
                    models.BooleanField(
                        default=False, verbose_name="analgesic / neuropathic medication"
                    ),
                ),
                (
                    "injection",
                    models.BooleanField(default=False, verbose_name="epidural or root injection"),
                ),
                (
                    "conservative_care_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Leave empty if unknown.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(2000)],
                        verbose_name="conservative care (weeks)",
                    ),
                ),
                (
                    "asa_class",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "ASA I — healthy"),
                            (2, "ASA II — mild systemic disease"),
                            (3, "ASA III — severe systemic disease"),
                            (4, "ASA IV — severe disease, constant threat to life"),
                        ],
                        verbose_name="ASA class",
                    ),
                ),
                (
                    "bmi",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(10),
                            django.core.validators.MaxValueValidator(80),
                        ],
                        verbose_name="BMI",
                    ),
                ),
                (
                    "smoking",
                    models.CharField(
                        choices=[("never", "Never"), ("former", "Former"), ("current", "Current")],
                        max_length=10,
                        verbose_name="smoking",
                    ),
                ),
                ("diabetes", models.BooleanField(default=False, verbose_name="diabetes")),
                (
                    "prior_surgery_at_level",
                    models.BooleanField(default=False, verbose_name="prior surgery at this level"),
                ),
                (
                    "work_status",
                    models.CharField(
                        choices=[
                            ("working", "Working"),
                            ("sick_leave", "On sick leave"),
                            ("unemployed", "Unemployed"),
                            ("retired", "Retired"),
                            ("student", "Student"),
                            ("other", "Other"),
                        ],
                        max_length=15,
                        verbose_name="work status",
                    ),
                ),
                (
                    "nrs_back",
                    models.PositiveSmallIntegerField(
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS back pain",
                    ),
                ),
                (
                    "nrs_leg",
                    models.PositiveSmallIntegerField(
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS leg pain",
                    ),
                ),
                (
                    "odi_score",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Oswestry Disability Index 0–100, when the clinic collects it.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="baseline ODI score",
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="notes")),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consults",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "specialist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consults",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="specialist",
                    ),
                ),
            ],
            options={
                "verbose_name": "consult",
                "verbose_name_plural": "consults",
                "ordering": ["-consult_date", "-id"],
                "indexes": [
                    models.Index(
                        fields=["patient", "-consult_date"], name="cases_consu_patient_0f3e5d_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("nrs_back__gte", 0), ("nrs_back__lte", 10)),
                        name="consult_nrs_back_0_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("nrs_leg__gte", 0), ("nrs_leg__lte", 10)),
                        name="consult_nrs_leg_0_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("mrc_grade__gte", 0), ("mrc_grade__lte", 5)),
                            ("mrc_grade__isnull", True),
                            _connector="OR",
                        ),
                        name="consult_mrc_0_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("odi_score__gte", 0), ("odi_score__lte", 100)),
                            ("odi_score__isnull", True),
                            _connector="OR",
                        ),
                        name="consult_odi_0_100",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("asa_class__gte", 1), ("asa_class__lte", 4)),
                        name="consult_asa_1_4",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("bmi__gte", 10), ("bmi__lte", 80)),
                            ("bmi__isnull", True),
                            _connector="OR",
                        ),
                        name="consult_bmi_10_80",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("symptom_duration_weeks__gte", 0),
                            ("symptom_duration_weeks__lte", 2000),
                        ),
                        name="consult_symptom_weeks_0_2000",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("conservative_care_weeks__gte", 0),
                                ("conservative_care_weeks__lte", 2000),
                            ),
                            ("conservative_care_weeks__isnull", True),
                            _connector="OR",
                        ),
                        name="consult_care_weeks_0_2000",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("consult_date__gte", datetime.date(1900, 1, 1))),
                        name="consult_date_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("mri_date__gte", datetime.date(1900, 1, 1)),
                            ("mri_date__isnull", True),
                            _connector="OR",
                        ),
                        name="consult_mri_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("mrc_grade__isnull", True), ("weakness", False)),
                            models.Q(("mrc_grade__isnull", False), ("weakness", True)),
                            _connector="OR",
                        ),
                        name="consult_mrc_grade_iff_weakness",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("mri_date__isnull", True),
                            ("mri_date__lte", models.F("consult_date")),
                            _connector="OR",
                        ),
                        name="consult_mri_not_after_consult",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("dominant_pain__in", ["leg", "back", "equal"])),
                        name="consult_dominant_pain_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("side__in", ["left", "right", "bilateral"])),
                        name="consult_side_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("level__in", ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"])
                        ),
                        name="consult_level_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("second_level__in", ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1", ""])
                        ),
                        name="consult_second_level_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("morphology__in", ["protrusion", "extrusion", "sequestration"])
                        ),
                        name="consult_morphology_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("zone__in", ["central", "subarticular", "foraminal", "extraforaminal"])
                        ),
                        name="consult_zone_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("smoking__in", ["never", "former", "current"])),
                        name="consult_smoking_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "work_status__in",
                                [
                                    "working",
                                    "sick_leave",
                                    "unemployed",
                                    "retired",
                                    "student",
                                    "other",
                                ],
                            )
                        ),
                        name="consult_work_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("entered_in_error", False),
                            models.Q(
                                models.Q(("entered_in_error_reason", ""), _negated=True),
                                ("entered_in_error_by__isnull", False),
                                ("entered_in_error_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="consult_entered_in_error_has_reason",
                    ),
                ],
            },
            bases=(clinic.constraints.ChecksInPython, models.Model),
        ),
        migrations.CreateModel(
            name="CandidacyDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("miss", "MISS candidate"),
                            ("open", "Open surgery"),
                            ("conservative", "Conservative care"),
                            ("workup", "More work-up"),
                            ("refer", "Refer"),
                        ],
                        max_length=15,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "severity_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="severity of the herniation",
                    ),
                ),
                (
                    "severity_note",
                    models.CharField(blank=True, max_length=255, verbose_name="severity note"),
                ),
                (
                    "health_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="overall health",
                    ),
                ),
                (
                    "health_note",
                    models.CharField(blank=True, max_length=255, verbose_name="health note"),
                ),
                (
                    "symptoms_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="specific symptoms",
                    ),
                ),
                (
                    "symptoms_note",
                    models.CharField(blank=True, max_length=255, verbose_name="symptoms note"),
                ),
                ("rationale", models.TextField(max_length=4000, verbose_name="rationale")),
                (
                    "red_flags_acknowledged",
                    models.BooleanField(
                        default=False,
                        verbose_name="I have considered the red flags and this elective plan is appropriate",
                    ),
                ),
                (
                    "criteria",
                    models.JSONField(
                        default=list,
                        editable=False,
                        help_text="The consult's checklist when the decision was made.",
                        verbose_name="criteria",
                    ),
                ),
                (
                    "decided_on",
                    models.DateField(
                        default=django.utils.timezone.localdate,
                        help_text="The day the decision was made: for a case entered from paper, that day.",
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="decided on",
                    ),
                ),
                (
                    "planned_on",
                    models.DateField(
                        blank=True,
                        help_text="Optional, for a plan for surgery: the day the operation is booked for.",
                        null=True,
                        validators=[clinic.models.not_before_1900],
                        verbose_name="planned procedure date",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        validators=[clinic.models.not_in_future],
                        verbose_name="decided at",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decisions",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "supersedes",
                    models.OneToOneField(
                        blank=True,
                        editable=False,
                        help_text="The decision this one amends (each decision can be amended once).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_by",
                        to="cases.candidacydecision",
                        verbose_name="supersedes",
                    ),
                ),
                (
                    "consult",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decisions",
                        to="cases.consult",
                        verbose_name="consult",
                    ),
                ),
            ],
            options={
                "verbose_name": "candidacy decision",
                "verbose_name_plural": "candidacy decisions",
                "ordering": ["-decided_on", "-decided_at", "-id"],
                "permissions": [
                    ("decide_candidacy", "Can decide MISS candidacy"),
                    ("export_research_data", "Can export de-identified research data"),
                ],
                "indexes": [
                    models.Index(
                        fields=["patient", "-decided_at"], name="cases_candi_patient_4fa54e_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("rationale", ""), _negated=True),
                        name="decision_rationale_required",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("outcome__in", ["miss", "open", "conservative", "workup", "refer"])
                        ),
                        name="decision_outcome_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("severity_assessment__in", ["favours", "neutral", "against"])
                        ),
                        name="decision_severity_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("health_assessment__in", ["favours", "neutral", "against"])
                        ),
                        name="decision_health_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("symptoms_assessment__in", ["favours", "neutral", "against"])
                        ),
                        name="decision_symptoms_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("decided_on__gte", datetime.date(1900, 1, 1))),
                        name="decision_decided_on_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("planned_on__isnull", True),
                            ("planned_on__gte", models.F("decided_on")),
                            _connector="OR",
                        ),
                        name="decision_planned_on_not_before_decided_on",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("entered_in_error", False),
                            models.Q(
                                models.Q(("entered_in_error_reason", ""), _negated=True),
                                ("entered_in_error_by__isnull", False),
                                ("entered_in_error_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="decision_entered_in_error_has_reason",
                    ),
                ],
            },
            bases=(clinic.constraints.ChecksInPython, models.Model),
        ),
        migrations.CreateModel(
            name="FigureResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="surgeon|technique|year; empty parts: all.", max_length=60
                    ),
                ),
                ("data", models.JSONField()),
                (
                    "snapshot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="cases.figuresnapshot",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "key"), name="figure_result_one_per_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FollowUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "timepoint",
                    models.CharField(
                        choices=[
                            ("bl", "Baseline"),
                            ("2w", "2 weeks"),
                            ("6w", "6 weeks"),
                            ("3m", "3 months"),
                            ("12m", "12 months"),
                            ("24m", "24 months"),
                        ],
                        max_length=3,
                        verbose_name="timepoint",
                    ),
                ),
                ("anchor_date", models.DateField(editable=False, verbose_name="anchor date")),
                ("due_date", models.DateField(editable=False, verbose_name="due date")),
                ("window_opens", models.DateField(editable=False, verbose_name="window opens")),
                ("window_closes", models.DateField(editable=False, verbose_name="window closes")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("specialist", "Entered by the specialist"),
                            ("patient", "Answered by the patient"),
                        ],
                        default="specialist",
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                (
                    "assessed_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="assessed on",
                    ),
                ),
                (
                    "out_of_window_reason",
                    models.CharField(
                        blank=True,
                        help_text="Only for an assessment outside the timepoint's window: it is kept, but not counted in that timepoint's figures.",
                        max_length=255,
                        verbose_name="reason for assessing outside the window",
                    ),
                ),
                (
                    "completed_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="completed at"
                    ),
                ),
                (
                    "cancelled_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="cancelled at"
                    ),
                ),
                (
                    "cancel_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="cancellation reason",
                    ),
                ),
                (
                    "nrs_back",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS back pain",
                    ),
                ),
                (
                    "nrs_leg",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS leg pain",
                    ),
                ),
                (
                    "returned_to_daily_activities_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="returned to daily activities on",
                    ),
                ),
                (
                    "returned_to_work_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="returned to work on",
                    ),
                ),
                (
                    "satisfaction",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "1 — The treatment met my expectations"),
                            (
                                2,
                                "2 — Not as improved as hoped, but would have the same treatment again",
                            ),
                            (3, "3 — Helped, but would not have the same treatment again"),
                            (4, "4 — I am the same or worse than before"),
                        ],
                        help_text="NASS: 1–2 count as satisfied.",
                        null=True,
                        verbose_name="satisfaction",
                    ),
                ),
                (
                    "global_perceived_effect",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("completely_recovered", "Completely recovered"),
                            ("much_improved", "Much improved"),
                            ("slightly_improved", "Slightly improved"),
                            ("no_change", "No change"),
                            ("slightly_worse", "Slightly worse"),
                            ("much_worse", "Much worse"),
                            ("worse_than_ever", "Worse than ever"),
                        ],
                        max_length=25,
                        verbose_name="global perceived effect",
                    ),
                ),
                (
                    "work_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("working", "Working"),
                            ("off_back", "Off work because of my back or leg pain"),
                            ("off_other", "Off work for another reason"),
                            ("not_employed", "Not employed, or retired"),
                        ],
                        max_length=12,
                        verbose_name="work status",
                    ),
                ),
                (
                    "odi_score",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Oswestry Disability Index 0–100, when the clinic collects it.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="ODI score",
                    ),
                ),
                (
                    "odi_answers",
                    models.JSONField(
                        blank=True, default=dict, editable=False, verbose_name="ODI answers"
                    ),
                ),
                (
                    "checkin_draft",
                    models.JSONField(
                        blank=True, default=dict, editable=False, verbose_name="check-in draft"
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        help_text="The anchor for patients who were not operated.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="follow_ups",
                        to="cases.candidacydecision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="follow_ups",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up",
                "verbose_name_plural": "follow-ups",
                "ordering": ["due_date", "id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(
                            ("cancelled_at__isnull", True), ("completed_at__isnull", True)
                        ),
                        fields=["window_opens", "patient"],
                        name="followup_pending_idx",
                    ),
                    models.Index(
                        fields=["patient", "due_date"], name="cases_follo_patient_422ee4_idx"
                    ),
                    models.Index(
                        condition=models.Q(
                            ("cancelled_at__isnull", True),
                            ("completed_at__isnull", True),
                            ("entered_in_error", False),
                        ),
                        fields=["window_closes", "id"],
                        name="followup_pending_order_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("decision__isnull", False), ("entered_in_error", False)
                        ),
                        fields=("decision", "timepoint"),
                        name="followup_one_per_decision_timepoint",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("nrs_back__gte", 0), ("nrs_back__lte", 10)),
                            ("nrs_back__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_nrs_back_0_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("nrs_leg__gte", 0), ("nrs_leg__lte", 10)),
                            ("nrs_leg__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_nrs_leg_0_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("satisfaction__gte", 1), ("satisfaction__lte", 4)),
                            ("satisfaction__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_satisfaction_1_4",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("odi_score__gte", 0), ("odi_score__lte", 100)),
                            ("odi_score__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_odi_0_100",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("completed_at__isnull", True),
                            models.Q(
                                ("assessed_on__isnull", False),
                                ("nrs_back__isnull", False),
                                ("nrs_leg__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="followup_completed_has_nrs",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("window_opens__lte", models.F("due_date")),
                            ("due_date__lte", models.F("window_closes")),
                        ),
                        name="followup_window_holds_due_date",
                    ),
                    models.CheckConstraint(
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
                    models.CheckConstraint(
                        condition=models.Q(
                            ("assessed_on__gte", datetime.date(1900, 1, 1)),
                            ("assessed_on__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_assessed_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("returned_to_daily_activities_on__gte", datetime.date(1900, 1, 1)),
                            ("returned_to_daily_activities_on__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_daily_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("returned_to_work_on__gte", datetime.date(1900, 1, 1)),
                            ("returned_to_work_on__isnull", True),
                            _connector="OR",
                        ),
                        name="followup_work_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("timepoint__in", ["bl", "2w", "6w", "3m", "12m", "24m"])
                        ),
                        name="followup_timepoint_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "work_status__in",
                                ["working", "off_back", "off_other", "not_employed", ""],
                            )
                        ),
                        name="followup_work_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("source__in", ["specialist", "patient"])),
                        name="followup_source_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "global_perceived_effect__in",
                                [
                                    "completely_recovered",
                                    "much_improved",
                                    "slightly_improved",
                                    "no_change",
                                    "slightly_worse",
                                    "much_worse",
                                    "worse_than_ever",
                                    "",
                                ],
                            )
                        ),
                        name="followup_gpe_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("entered_in_error", False),
                            models.Q(
                                models.Q(("entered_in_error_reason", ""), _negated=True),
                                ("entered_in_error_by__isnull", False),
                                ("entered_in_error_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="followup_entered_in_error_has_reason",
                    ),
                ],
            },
            bases=(clinic.constraints.ChecksInPython, models.Model),
        ),
        migrations.CreateModel(
            name="CheckinReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("invitation", "Invitation"),
                            ("reminder_1", "First reminder"),
                            ("reminder_2", "Second reminder"),
                            ("reminder_3", "Third reminder"),
                        ],
                        default="invitation",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text="When the email was queued.",
                        verbose_name="sent at",
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="email")),
                (
                    "follow_up",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reminders",
                        to="cases.followup",
                        verbose_name="follow-up",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("follow_up", "kind"), name="checkinreminder_one_per_kind"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["invitation", "reminder_1", "reminder_2", "reminder_3"])
                        ),
                        name="checkinreminder_kind_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CheckinLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "expires_on",
                    models.DateField(help_text="The last day the link works: the window's close."),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("opened_at", models.DateTimeField(blank=True, null=True)),
                ("failed_attempts", models.PositiveSmallIntegerField(default=0)),
                ("locked_at", models.DateTimeField(blank=True, null=True)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "reminder",
                    models.ForeignKey(
                        blank=True,
                        help_text="The email that carried the link (a retried email carries a new one).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="links",
                        to="cases.checkinreminder",
                    ),
                ),
                (
                    "follow_up",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checkin_links",
                        to="cases.followup",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("failed_attempts__lte", 3)),
                        name="checkinlink_attempts_bounded",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCandidacyDecision",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("miss", "MISS candidate"),
                            ("open", "Open surgery"),
                            ("conservative", "Conservative care"),
                            ("workup", "More work-up"),
                            ("refer", "Refer"),
                        ],
                        max_length=15,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "severity_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="severity of the herniation",
                    ),
                ),
                (
                    "severity_note",
                    models.CharField(blank=True, max_length=255, verbose_name="severity note"),
                ),
                (
                    "health_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="overall health",
                    ),
                ),
                (
                    "health_note",
                    models.CharField(blank=True, max_length=255, verbose_name="health note"),
                ),
                (
                    "symptoms_assessment",
                    models.CharField(
                        choices=[
                            ("favours", "Favours MISS"),
                            ("neutral", "Neutral"),
                            ("against", "Against MISS"),
                        ],
                        max_length=10,
                        verbose_name="specific symptoms",
                    ),
                ),
                (
                    "symptoms_note",
                    models.CharField(blank=True, max_length=255, verbose_name="symptoms note"),
                ),
                ("rationale", models.TextField(max_length=4000, verbose_name="rationale")),
                (
                    "red_flags_acknowledged",
                    models.BooleanField(
                        default=False,
                        verbose_name="I have considered the red flags and this elective plan is appropriate",
                    ),
                ),
                (
                    "criteria",
                    models.JSONField(
                        default=list,
                        editable=False,
                        help_text="The consult's checklist when the decision was made.",
                        verbose_name="criteria",
                    ),
                ),
                (
                    "decided_on",
                    models.DateField(
                        default=django.utils.timezone.localdate,
                        help_text="The day the decision was made: for a case entered from paper, that day.",
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="decided on",
                    ),
                ),
                (
                    "planned_on",
                    models.DateField(
                        blank=True,
                        help_text="Optional, for a plan for surgery: the day the operation is booked for.",
                        null=True,
                        validators=[clinic.models.not_before_1900],
                        verbose_name="planned procedure date",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        validators=[clinic.models.not_in_future],
                        verbose_name="decided at",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "consult",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.consult",
                        verbose_name="consult",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "supersedes",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        help_text="The decision this one amends (each decision can be amended once).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.candidacydecision",
                        verbose_name="supersedes",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical candidacy decision",
                "verbose_name_plural": "historical candidacy decisions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalConsult",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "consult_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="consult date",
                    ),
                ),
                (
                    "dominant_pain",
                    models.CharField(
                        choices=[
                            ("leg", "Leg-dominant (radicular)"),
                            ("back", "Back-dominant"),
                            ("equal", "Leg and back equally"),
                        ],
                        max_length=10,
                        verbose_name="dominant pain",
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("left", "Left"), ("right", "Right"), ("bilateral", "Bilateral")],
                        max_length=10,
                        verbose_name="side",
                    ),
                ),
                (
                    "symptom_duration_weeks",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(2000)],
                        verbose_name="duration of symptoms (weeks)",
                    ),
                ),
                ("numbness", models.BooleanField(default=False, verbose_name="numbness")),
                ("weakness", models.BooleanField(default=False, verbose_name="motor weakness")),
                (
                    "mrc_grade",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="0 (no contraction) to 5 (normal power). Required when there is weakness.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="MRC grade of the weakest muscle",
                    ),
                ),
                (
                    "red_flag_saddle_anaesthesia",
                    models.BooleanField(default=False, verbose_name="saddle anaesthesia"),
                ),
                (
                    "red_flag_bladder_bowel",
                    models.BooleanField(default=False, verbose_name="bladder or bowel dysfunction"),
                ),
                (
                    "red_flag_progressive_deficit",
                    models.BooleanField(
                        default=False, verbose_name="rapidly progressive neurological deficit"
                    ),
                ),
                (
                    "red_flag_other",
                    models.BooleanField(
                        default=False,
                        verbose_name="other red flag (fever, cancer history, trauma, weight loss)",
                    ),
                ),
                (
                    "mri_date",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="MRI date",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="herniation level",
                    ),
                ),
                (
                    "second_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        help_text="If two levels.",
                        max_length=5,
                        verbose_name="second level",
                    ),
                ),
                (
                    "morphology",
                    models.CharField(
                        choices=[
                            ("protrusion", "Protrusion"),
                            ("extrusion", "Extrusion"),
                            ("sequestration", "Sequestration"),
                        ],
                        max_length=15,
                        verbose_name="morphology",
                    ),
                ),
                (
                    "zone",
                    models.CharField(
                        choices=[
                            ("central", "Central"),
                            ("subarticular", "Subarticular (paracentral)"),
                            ("foraminal", "Foraminal"),
                            ("extraforaminal", "Extraforaminal"),
                        ],
                        max_length=15,
                        verbose_name="zone",
                    ),
                ),
                (
                    "imaging_concordant",
                    models.BooleanField(
                        blank=True,
                        help_text="Does the herniation explain the side and level of the symptoms?",
                        null=True,
                        verbose_name="imaging concordant with symptoms",
                    ),
                ),
                ("physiotherapy", models.BooleanField(default=False, verbose_name="physiotherapy")),
                (
                    "medication",
                    models.BooleanField(
                        default=False, verbose_name="analgesic / neuropathic medication"
                    ),
                ),
                (
                    "injection",
                    models.BooleanField(default=False, verbose_name="epidural or root injection"),
                ),
                (
                    "conservative_care_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Leave empty if unknown.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(2000)],
                        verbose_name="conservative care (weeks)",
                    ),
                ),
                (
                    "asa_class",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "ASA I — healthy"),
                            (2, "ASA II — mild systemic disease"),
                            (3, "ASA III — severe systemic disease"),
                            (4, "ASA IV — severe disease, constant threat to life"),
                        ],
                        verbose_name="ASA class",
                    ),
                ),
                (
                    "bmi",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(10),
                            django.core.validators.MaxValueValidator(80),
                        ],
                        verbose_name="BMI",
                    ),
                ),
                (
                    "smoking",
                    models.CharField(
                        choices=[("never", "Never"), ("former", "Former"), ("current", "Current")],
                        max_length=10,
                        verbose_name="smoking",
                    ),
                ),
                ("diabetes", models.BooleanField(default=False, verbose_name="diabetes")),
                (
                    "prior_surgery_at_level",
                    models.BooleanField(default=False, verbose_name="prior surgery at this level"),
                ),
                (
                    "work_status",
                    models.CharField(
                        choices=[
                            ("working", "Working"),
                            ("sick_leave", "On sick leave"),
                            ("unemployed", "Unemployed"),
                            ("retired", "Retired"),
                            ("student", "Student"),
                            ("other", "Other"),
                        ],
                        max_length=15,
                        verbose_name="work status",
                    ),
                ),
                (
                    "nrs_back",
                    models.PositiveSmallIntegerField(
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS back pain",
                    ),
                ),
                (
                    "nrs_leg",
                    models.PositiveSmallIntegerField(
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS leg pain",
                    ),
                ),
                (
                    "odi_score",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Oswestry Disability Index 0–100, when the clinic collects it.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="baseline ODI score",
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="notes")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "specialist",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="specialist",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical consult",
                "verbose_name_plural": "historical consults",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProcedure",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "procedure_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="procedure date",
                    ),
                ),
                (
                    "technique",
                    models.CharField(
                        choices=[
                            ("fe_transforaminal", "Full-endoscopic transforaminal"),
                            ("fe_interlaminar", "Full-endoscopic interlaminar"),
                            ("tubular", "Tubular microdiscectomy"),
                            ("open", "Open microdiscectomy"),
                        ],
                        max_length=20,
                        verbose_name="technique",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="level",
                    ),
                ),
                (
                    "second_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="second level",
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("left", "Left"), ("right", "Right"), ("bilateral", "Bilateral")],
                        max_length=10,
                        verbose_name="side",
                    ),
                ),
                (
                    "incision_length_mm",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(300),
                        ],
                        verbose_name="incision length (mm)",
                    ),
                ),
                (
                    "skin_to_skin_minutes",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1440),
                        ],
                        verbose_name="skin-to-skin time (minutes)",
                    ),
                ),
                (
                    "blood_loss_ml",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10000)],
                        verbose_name="blood loss (ml)",
                    ),
                ),
                (
                    "converted_to_open",
                    models.BooleanField(default=False, verbose_name="converted to open"),
                ),
                (
                    "admitted_at",
                    models.DateTimeField(
                        help_text="At most 30 days before the day of the procedure.",
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="admitted at",
                    ),
                ),
                (
                    "discharged_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Empty while in hospital; at most a year after the day of the procedure.",
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="discharged at",
                    ),
                ),
                (
                    "length_of_stay_nights",
                    models.PositiveSmallIntegerField(
                        editable=False, null=True, verbose_name="length of stay (nights)"
                    ),
                ),
                (
                    "length_of_stay_hours",
                    models.DecimalField(
                        decimal_places=1,
                        editable=False,
                        max_digits=7,
                        null=True,
                        verbose_name="length of stay (hours)",
                    ),
                ),
                (
                    "same_day_discharge",
                    models.BooleanField(
                        editable=False, null=True, verbose_name="same-day discharge"
                    ),
                ),
                (
                    "next_day_discharge",
                    models.BooleanField(
                        editable=False, null=True, verbose_name="next-day discharge"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The decision for surgery this procedure carries out.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.candidacydecision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "surgeon",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="surgeon",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical procedure",
                "verbose_name_plural": "historical procedures",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Instrument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        choices=[("odi", "Oswestry Disability Index")],
                        max_length=10,
                        verbose_name="code",
                    ),
                ),
                ("version", models.CharField(max_length=40, verbose_name="version")),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "instructions",
                    models.TextField(blank=True, max_length=4000, verbose_name="instructions"),
                ),
                ("sections", models.JSONField(verbose_name="sections")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "loaded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="loaded at"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("code", "version", "language"), name="instrument_version_unique"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("code", "language"),
                        name="instrument_one_active_per_language",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("code__in", ["odi"])), name="instrument_code_valid"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MinimalImportantChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "set_key",
                    models.SlugField(
                        help_text="e.g. ostelo-2008, swespine-2020 (OUTCOME_MIC_SET).",
                        max_length=40,
                        verbose_name="set",
                    ),
                ),
                (
                    "measure",
                    models.CharField(
                        choices=[
                            ("nrs_back", "NRS back pain"),
                            ("nrs_leg", "NRS leg pain"),
                            ("odi", "ODI"),
                        ],
                        max_length=10,
                        verbose_name="measure",
                    ),
                ),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="absolute improvement (points)",
                    ),
                ),
                (
                    "relative_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Optional: the MIC is also reached by this share of the baseline value.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="or relative improvement (% of baseline)",
                    ),
                ),
                ("citation", models.CharField(max_length=300, verbose_name="citation")),
                ("version", models.PositiveSmallIntegerField(default=1, verbose_name="version")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "minimal important change",
                "verbose_name_plural": "minimal important changes",
                "ordering": ["set_key", "measure", "-version"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("measure__in", ["nrs_back", "nrs_leg", "odi"])),
                        name="mic_measure_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("points__gte", 0)), name="mic_points_not_negative"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("relative_percent__gte", 1), ("relative_percent__lte", 100)),
                            ("relative_percent__isnull", True),
                            _connector="OR",
                        ),
                        name="mic_percent_1_100",
                    ),
                    models.UniqueConstraint(
                        fields=("set_key", "measure", "version"),
                        name="mic_one_per_set_measure_version",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("set_key", "measure"),
                        name="mic_one_active_per_set_measure",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Procedure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "procedure_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="procedure date",
                    ),
                ),
                (
                    "technique",
                    models.CharField(
                        choices=[
                            ("fe_transforaminal", "Full-endoscopic transforaminal"),
                            ("fe_interlaminar", "Full-endoscopic interlaminar"),
                            ("tubular", "Tubular microdiscectomy"),
                            ("open", "Open microdiscectomy"),
                        ],
                        max_length=20,
                        verbose_name="technique",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="level",
                    ),
                ),
                (
                    "second_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("L1-L2", "L1-L2"),
                            ("L2-L3", "L2-L3"),
                            ("L3-L4", "L3-L4"),
                            ("L4-L5", "L4-L5"),
                            ("L5-S1", "L5-S1"),
                        ],
                        max_length=5,
                        verbose_name="second level",
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("left", "Left"), ("right", "Right"), ("bilateral", "Bilateral")],
                        max_length=10,
                        verbose_name="side",
                    ),
                ),
                (
                    "incision_length_mm",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(300),
                        ],
                        verbose_name="incision length (mm)",
                    ),
                ),
                (
                    "skin_to_skin_minutes",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1440),
                        ],
                        verbose_name="skin-to-skin time (minutes)",
                    ),
                ),
                (
                    "blood_loss_ml",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10000)],
                        verbose_name="blood loss (ml)",
                    ),
                ),
                (
                    "converted_to_open",
                    models.BooleanField(default=False, verbose_name="converted to open"),
                ),
                (
                    "admitted_at",
                    models.DateTimeField(
                        help_text="At most 30 days before the day of the procedure.",
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="admitted at",
                    ),
                ),
                (
                    "discharged_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Empty while in hospital; at most a year after the day of the procedure.",
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="discharged at",
                    ),
                ),
                (
                    "length_of_stay_nights",
                    models.PositiveSmallIntegerField(
                        editable=False, null=True, verbose_name="length of stay (nights)"
                    ),
                ),
                (
                    "length_of_stay_hours",
                    models.DecimalField(
                        decimal_places=1,
                        editable=False,
                        max_digits=7,
                        null=True,
                        verbose_name="length of stay (hours)",
                    ),
                ),
                (
                    "same_day_discharge",
                    models.BooleanField(
                        editable=False, null=True, verbose_name="same-day discharge"
                    ),
                ),
                (
                    "next_day_discharge",
                    models.BooleanField(
                        editable=False, null=True, verbose_name="next-day discharge"
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        help_text="The decision for surgery this procedure carries out.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="procedures",
                        to="cases.candidacydecision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="procedures",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "surgeon",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="procedures",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="surgeon",
                    ),
                ),
            ],
            options={
                "verbose_name": "procedure",
                "verbose_name_plural": "procedures",
                "ordering": ["-procedure_date", "-id"],
                "indexes": [
                    models.Index(
                        fields=["patient", "-procedure_date"], name="cases_proce_patient_ff6d16_idx"
                    ),
                    models.Index(
                        fields=["technique", "patient"], name="cases_proce_techniq_99a559_idx"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("entered_in_error", False)),
                        fields=("decision",),
                        name="procedure_one_per_decision",
                        violation_error_message="This decision already has its procedure. A reoperation is recorded under a new decision.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("procedure_date__gte", datetime.date(1900, 1, 1))),
                        name="procedure_date_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "admitted_at__gte",
                                datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                            )
                        ),
                        name="procedure_admitted_from_1900",
                    ),
                    models.CheckConstraint(
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
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("length_of_stay_nights__gte", 0),
                                ("length_of_stay_nights__lte", 400),
                            ),
                            ("length_of_stay_nights__isnull", True),
                            _connector="OR",
                        ),
                        name="procedure_stay_nights",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("length_of_stay_hours__gte", 0),
                                ("length_of_stay_hours__lte", 9600),
                            ),
                            ("length_of_stay_hours__isnull", True),
                            _connector="OR",
                        ),
                        name="procedure_stay_hours",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("discharged_at__isnull", True),
                            ("discharged_at__gte", models.F("admitted_at")),
                            _connector="OR",
                        ),
                        name="procedure_discharge_after_admission",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("incision_length_mm__gte", 1), ("incision_length_mm__lte", 300)
                        ),
                        name="procedure_incision_1_300",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("skin_to_skin_minutes__gte", 1), ("skin_to_skin_minutes__lte", 1440)
                        ),
                        name="procedure_minutes_1_1440",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("blood_loss_ml__gte", 0), ("blood_loss_ml__lte", 10000)),
                            ("blood_loss_ml__isnull", True),
                            _connector="OR",
                        ),
                        name="procedure_blood_loss",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "technique__in",
                                ["fe_transforaminal", "fe_interlaminar", "tubular", "open"],
                            )
                        ),
                        name="procedure_technique_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("level__in", ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"])
                        ),
                        name="procedure_level_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("second_level__in", ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1", ""])
                        ),
                        name="procedure_second_level_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("side__in", ["left", "right", "bilateral"])),
                        name="procedure_side_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("entered_in_error", False),
                            models.Q(
                                models.Q(("entered_in_error_reason", ""), _negated=True),
                                ("entered_in_error_by__isnull", False),
                                ("entered_in_error_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="procedure_entered_in_error_has_reason",
                    ),
                ],
            },
            bases=(clinic.constraints.ChecksInPython, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalFollowUp",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "timepoint",
                    models.CharField(
                        choices=[
                            ("bl", "Baseline"),
                            ("2w", "2 weeks"),
                            ("6w", "6 weeks"),
                            ("3m", "3 months"),
                            ("12m", "12 months"),
                            ("24m", "24 months"),
                        ],
                        max_length=3,
                        verbose_name="timepoint",
                    ),
                ),
                ("anchor_date", models.DateField(editable=False, verbose_name="anchor date")),
                ("due_date", models.DateField(editable=False, verbose_name="due date")),
                ("window_opens", models.DateField(editable=False, verbose_name="window opens")),
                ("window_closes", models.DateField(editable=False, verbose_name="window closes")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("specialist", "Entered by the specialist"),
                            ("patient", "Answered by the patient"),
                        ],
                        default="specialist",
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                (
                    "assessed_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="assessed on",
                    ),
                ),
                (
                    "out_of_window_reason",
                    models.CharField(
                        blank=True,
                        help_text="Only for an assessment outside the timepoint's window: it is kept, but not counted in that timepoint's figures.",
                        max_length=255,
                        verbose_name="reason for assessing outside the window",
                    ),
                ),
                (
                    "completed_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="completed at"
                    ),
                ),
                (
                    "cancelled_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="cancelled at"
                    ),
                ),
                (
                    "cancel_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="cancellation reason",
                    ),
                ),
                (
                    "nrs_back",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS back pain",
                    ),
                ),
                (
                    "nrs_leg",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="NRS leg pain",
                    ),
                ),
                (
                    "returned_to_daily_activities_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="returned to daily activities on",
                    ),
                ),
                (
                    "returned_to_work_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="returned to work on",
                    ),
                ),
                (
                    "satisfaction",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "1 — The treatment met my expectations"),
                            (
                                2,
                                "2 — Not as improved as hoped, but would have the same treatment again",
                            ),
                            (3, "3 — Helped, but would not have the same treatment again"),
                            (4, "4 — I am the same or worse than before"),
                        ],
                        help_text="NASS: 1–2 count as satisfied.",
                        null=True,
                        verbose_name="satisfaction",
                    ),
                ),
                (
                    "global_perceived_effect",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("completely_recovered", "Completely recovered"),
                            ("much_improved", "Much improved"),
                            ("slightly_improved", "Slightly improved"),
                            ("no_change", "No change"),
                            ("slightly_worse", "Slightly worse"),
                            ("much_worse", "Much worse"),
                            ("worse_than_ever", "Worse than ever"),
                        ],
                        max_length=25,
                        verbose_name="global perceived effect",
                    ),
                ),
                (
                    "work_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("working", "Working"),
                            ("off_back", "Off work because of my back or leg pain"),
                            ("off_other", "Off work for another reason"),
                            ("not_employed", "Not employed, or retired"),
                        ],
                        max_length=12,
                        verbose_name="work status",
                    ),
                ),
                (
                    "odi_score",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Oswestry Disability Index 0–100, when the clinic collects it.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="ODI score",
                    ),
                ),
                (
                    "odi_answers",
                    models.JSONField(
                        blank=True, default=dict, editable=False, verbose_name="ODI answers"
                    ),
                ),
                (
                    "checkin_draft",
                    models.JSONField(
                        blank=True, default=dict, editable=False, verbose_name="check-in draft"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The anchor for patients who were not operated.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.candidacydecision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.procedure",
                        verbose_name="procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical follow-up",
                "verbose_name_plural": "historical follow-ups",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAdverseEvent",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "event_type",
                    models.CharField(
                        choices=[
                            ("dural_tear", "Dural tear"),
                            ("nerve_injury", "Nerve injury"),
                            ("haematoma", "Haematoma"),
                            ("ssi", "Surgical-site infection"),
                            ("new_deficit", "New neurological deficit"),
                            ("recurrence", "Recurrent herniation"),
                            ("readmission", "Readmission"),
                            ("reoperation", "Reoperation"),
                            ("dvt_pe", "DVT / PE"),
                        ],
                        max_length=15,
                        verbose_name="type",
                    ),
                ),
                (
                    "onset_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="onset date",
                    ),
                ),
                (
                    "clavien_dindo_grade",
                    models.CharField(
                        choices=[
                            ("I", "I — no treatment beyond simple measures"),
                            ("II", "II — pharmacological treatment"),
                            ("IIIa", "IIIa — intervention without general anaesthesia"),
                            ("IIIb", "IIIb — intervention under general anaesthesia"),
                            ("IVa", "IVa — single-organ dysfunction (ICU)"),
                            ("IVb", "IVb — multi-organ dysfunction (ICU)"),
                            ("V", "V — death"),
                        ],
                        max_length=4,
                        verbose_name="Clavien-Dindo grade",
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, max_length=4000, verbose_name="description"),
                ),
                (
                    "days_after_procedure",
                    models.PositiveSmallIntegerField(
                        editable=False, null=True, verbose_name="days after procedure"
                    ),
                ),
                (
                    "within_30_days",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="within 30 days"
                    ),
                ),
                (
                    "within_90_days",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="within 90 days"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.procedure",
                        verbose_name="procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical adverse event",
                "verbose_name_plural": "historical adverse events",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="followup",
            name="procedure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_ups",
                to="cases.procedure",
                verbose_name="procedure",
            ),
        ),
        migrations.CreateModel(
            name="AdverseEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "entered_in_error",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="entered in error"
                    ),
                ),
                (
                    "entered_in_error_reason",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="entered in error reason",
                    ),
                ),
                (
                    "entered_in_error_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="entered in error at"
                    ),
                ),
                (
                    "event_type",
                    models.CharField(
                        choices=[
                            ("dural_tear", "Dural tear"),
                            ("nerve_injury", "Nerve injury"),
                            ("haematoma", "Haematoma"),
                            ("ssi", "Surgical-site infection"),
                            ("new_deficit", "New neurological deficit"),
                            ("recurrence", "Recurrent herniation"),
                            ("readmission", "Readmission"),
                            ("reoperation", "Reoperation"),
                            ("dvt_pe", "DVT / PE"),
                        ],
                        max_length=15,
                        verbose_name="type",
                    ),
                ),
                (
                    "onset_date",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="onset date",
                    ),
                ),
                (
                    "clavien_dindo_grade",
                    models.CharField(
                        choices=[
                            ("I", "I — no treatment beyond simple measures"),
                            ("II", "II — pharmacological treatment"),
                            ("IIIa", "IIIa — intervention without general anaesthesia"),
                            ("IIIb", "IIIb — intervention under general anaesthesia"),
                            ("IVa", "IVa — single-organ dysfunction (ICU)"),
                            ("IVb", "IVb — multi-organ dysfunction (ICU)"),
                            ("V", "V — death"),
                        ],
                        max_length=4,
                        verbose_name="Clavien-Dindo grade",
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, max_length=4000, verbose_name="description"),
                ),
                (
                    "days_after_procedure",
                    models.PositiveSmallIntegerField(
                        editable=False, null=True, verbose_name="days after procedure"
                    ),
                ),
                (
                    "within_30_days",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="within 30 days"
                    ),
                ),
                (
                    "within_90_days",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="within 90 days"
                    ),
                ),
                (
                    "entered_in_error_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered in error by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adverse_events",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adverse_events",
                        to="cases.procedure",
                        verbose_name="procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "adverse event",
                "verbose_name_plural": "adverse events",
                "ordering": ["-onset_date", "-id"],
                "indexes": [
                    models.Index(
                        fields=["procedure", "onset_date"], name="cases_adver_procedu_1b0128_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "event_type__in",
                                [
                                    "dural_tear",
                                    "nerve_injury",
                                    "haematoma",
                                    "ssi",
                                    "new_deficit",
                                    "recurrence",
                                    "readmission",
                                    "reoperation",
                                    "dvt_pe",
                                ],
                            )
                        ),
                        name="adverseevent_type_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "clavien_dindo_grade__in",
                                ["I", "II", "IIIa", "IIIb", "IVa", "IVb", "V"],
                            )
                        ),
                        name="adverseevent_grade_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("within_30_days", False), ("within_90_days", True), _connector="OR"
                        ),
                        name="adverseevent_30_days_is_within_90",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("onset_date__gte", datetime.date(1900, 1, 1))),
                        name="adverseevent_onset_from_1900",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("days_after_procedure__gte", 0),
                                ("days_after_procedure__lte", 1826),
                            ),
                            ("days_after_procedure__isnull", True),
                            _connector="OR",
                        ),
                        name="adverseevent_days_after_procedure",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("entered_in_error", False),
                            models.Q(
                                models.Q(("entered_in_error_reason", ""), _negated=True),
                                ("entered_in_error_by__isnull", False),
                                ("entered_in_error_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="adverseevent_entered_in_error_has_reason",
                    ),
                ],
            },
            bases=(clinic.constraints.ChecksInPython, models.Model),
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decision__isnull", True), ("procedure__isnull", False)),
                    models.Q(("decision__isnull", False), ("procedure__isnull", True)),
                    models.Q(("decision__isnull", False), ("timepoint", "bl")),
                    _connector="OR",
                ),
                name="followup_one_anchor",
            ),
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("entered_in_error", False), ("procedure__isnull", False)),
                fields=("procedure", "timepoint"),
                name="followup_one_per_procedure_timepoint",
            ),
        ),
        migrations.RunPython(seed_thresholds, migrations.RunPython.noop),
    ]
