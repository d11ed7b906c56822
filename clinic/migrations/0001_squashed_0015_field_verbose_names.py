"""The clinic's core: users, patients, the audit trail; the three roles; on PostgreSQL, the audit
trail's append-only trigger and the trigram indexes of the patient search.

Squashed from 0001-0015. A new database runs this one migration instead of the 15 it replaces,
whose renders of the models' state took most of the time a new database took (all apps: 17 s -> 2 s
on SQLite). A database that has run them carries on from them. Only what the old chain leaves in an
empty database is here: the schema, the three roles, and on PostgreSQL the objects of 0003 and
0011; the old backfills rewrite rows that an empty database does not have. Once every installation
has migrated past 0015, the old files and ``replaces`` go (README, Upgrading).
"""

import datetime

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import clinic.models

ROLES = ("Patients", "Specialists", "Content editors")

AUDIT_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION clinic_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_auditevent_append_only
    BEFORE UPDATE OR DELETE ON clinic_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinic_auditevent_append_only();
"""

# The index's expression is the search's, UPPER(column): PostgreSQL matches them (0011).
TRIGRAM_INDEXES = {
    "patient_family_name_trgm_idx": "family_name",
    "patient_given_name_trgm_idx": "given_name",
}


def create_roles(apps, schema_editor):
    """The three roles (0002); clinic.roles keeps their permissions in step after migrate."""
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def postgresql_objects(apps, schema_editor):
    """The audit trail refuses UPDATE and DELETE (0003); the names have trigram indexes (0011)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(AUDIT_APPEND_ONLY, params=None)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON clinic_patient "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_postgresql_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS clinic_auditevent_append_only ON clinic_auditevent;"
        "DROP FUNCTION IF EXISTS clinic_auditevent_append_only();",
        params=None,
    )


class Migration(migrations.Migration):
    replaces = [
        ("clinic", "0001_initial"),
        ("clinic", "0002_roles"),
        ("clinic", "0003_audit_append_only"),
        ("clinic", "0004_patient_name_order_index"),
        ("clinic", "0005_patient_version"),
        ("clinic", "0006_audit_delete_action"),
        ("clinic", "0007_patient_date_of_birth_from_1900"),
        ("clinic", "0008_user_session_generation"),
        ("clinic", "0009_auditevent_order_index"),
        ("clinic", "0010_patient_mrn_upper_index"),
        ("clinic", "0011_patient_name_trigram_indexes"),
        ("clinic", "0012_patient_checkin_emails_opt_out"),
        ("clinic", "0013_user_language"),
        ("clinic", "0014_alter_auditevent_options_alter_patient_options_and_more"),
        ("clinic", "0015_field_verbose_names"),
    ]

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                (
                    "last_login",
                    models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                ),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        error_messages={"unique": "A user with that username already exists."},
                        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                        max_length=150,
                        unique=True,
                        validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                        verbose_name="username",
                    ),
                ),
                (
                    "first_name",
                    models.CharField(blank=True, max_length=150, verbose_name="first name"),
                ),
                (
                    "last_name",
                    models.CharField(blank=True, max_length=150, verbose_name="last name"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="email address"),
                ),
                (
                    "is_staff",
                    models.BooleanField(
                        default=False,
                        help_text="Designates whether the user can log into this admin site.",
                        verbose_name="staff status",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                        verbose_name="active",
                    ),
                ),
                (
                    "date_joined",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="date joined"
                    ),
                ),
                (
                    "session_generation",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="Moves on each time the account's sessions are ended.",
                        verbose_name="session generation",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
                (
                    "user_permissions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Specific permissions for this user.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.permission",
                        verbose_name="user permissions",
                    ),
                ),
            ],
            options={
                "verbose_name": "user",
                "verbose_name_plural": "users",
                "abstract": False,
                "swappable": "AUTH_USER_MODEL",
            },
            managers=[
                ("objects", django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name="HistoricalPatient",
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
                    "mrn",
                    models.CharField(
                        db_index=True,
                        help_text="Medical record number",
                        max_length=32,
                        verbose_name="MRN",
                    ),
                ),
                ("given_name", models.CharField(max_length=100, verbose_name="given name")),
                ("family_name", models.CharField(max_length=100, verbose_name="family name")),
                (
                    "date_of_birth",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="date of birth",
                    ),
                ),
                (
                    "sex",
                    models.CharField(
                        choices=[
                            ("female", "Female"),
                            ("male", "Male"),
                            ("other", "Other"),
                            ("unknown", "Not recorded"),
                        ],
                        default="unknown",
                        max_length=10,
                        verbose_name="sex",
                    ),
                ),
                (
                    "preferred_language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="preferred language",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                (
                    "checkin_emails_opt_out",
                    models.BooleanField(
                        default=False,
                        help_text="The patient asked not to be emailed about check-ins (invitations, reminders).",
                        verbose_name="No check-in emails",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated at"),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "primary_specialist",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"groups__name": "Specialists"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="primary specialist",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The patient's portal login, if they have one.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="portal login",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical patient",
                "verbose_name_plural": "historical patients",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Patient",
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
                    "mrn",
                    models.CharField(
                        help_text="Medical record number",
                        max_length=32,
                        unique=True,
                        verbose_name="MRN",
                    ),
                ),
                ("given_name", models.CharField(max_length=100, verbose_name="given name")),
                ("family_name", models.CharField(max_length=100, verbose_name="family name")),
                (
                    "date_of_birth",
                    models.DateField(
                        validators=[clinic.models.not_before_1900, clinic.models.not_in_future],
                        verbose_name="date of birth",
                    ),
                ),
                (
                    "sex",
                    models.CharField(
                        choices=[
                            ("female", "Female"),
                            ("male", "Male"),
                            ("other", "Other"),
                            ("unknown", "Not recorded"),
                        ],
                        default="unknown",
                        max_length=10,
                        verbose_name="sex",
                    ),
                ),
                (
                    "preferred_language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="preferred language",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                (
                    "checkin_emails_opt_out",
                    models.BooleanField(
                        default=False,
                        help_text="The patient asked not to be emailed about check-ins (invitations, reminders).",
                        verbose_name="No check-in emails",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "primary_specialist",
                    models.ForeignKey(
                        blank=True,
                        limit_choices_to={"groups__name": "Specialists"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="primary_patients",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="primary specialist",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        blank=True,
                        help_text="The patient's portal login, if they have one.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="patient",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="portal login",
                    ),
                ),
            ],
            options={
                "verbose_name": "patient",
                "verbose_name_plural": "patients",
                "ordering": ["family_name", "given_name", "id"],
                "indexes": [
                    models.Index(
                        django.db.models.functions.text.Lower("family_name"),
                        django.db.models.functions.text.Lower("given_name"),
                        name="patient_name_idx",
                    ),
                    models.Index(
                        fields=["family_name", "given_name", "id"], name="patient_name_order_idx"
                    ),
                    models.Index(
                        django.db.models.functions.text.Upper("mrn"), name="patient_mrn_upper_idx"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sex__in", ["female", "male", "other", "unknown"])),
                        name="patient_sex_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("date_of_birth__gte", datetime.date(1900, 1, 1))),
                        name="patient_born_from_1900",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="at"
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        blank=True,
                        help_text="As typed, for failures.",
                        max_length=150,
                        verbose_name="username",
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view", "View"),
                            ("create", "Create"),
                            ("update", "Update"),
                            ("export", "Export"),
                            ("login", "Login"),
                            ("login_failed", "Login failed"),
                            ("lockout", "Lockout"),
                            ("logout", "Logout"),
                            ("delete", "Delete"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, max_length=100, verbose_name="object type"),
                ),
                (
                    "object_id",
                    models.CharField(blank=True, max_length=64, verbose_name="object id"),
                ),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                ("detail", models.CharField(blank=True, max_length=255, verbose_name="detail")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["patient", "-at"], name="clinic_audi_patient_d6ce10_idx"),
                    models.Index(fields=["user", "-at"], name="clinic_audi_user_id_6761bd_idx"),
                    models.Index(fields=["at", "id"], name="auditevent_order_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "action__in",
                                [
                                    "view",
                                    "create",
                                    "update",
                                    "export",
                                    "login",
                                    "login_failed",
                                    "lockout",
                                    "logout",
                                    "delete",
                                ],
                            )
                        ),
                        name="auditevent_action_valid",
                    )
                ],
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(postgresql_objects, drop_postgresql_objects),
    ]
