import contextlib
import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import auth_cache, registry, roles


class User(AbstractUser):
    """The portal's one user model; what a user may do comes from their role groups."""

    session_generation = models.PositiveIntegerField(
        _("session generation"),
        default=0,
        editable=False,
        help_text=_("Moves on each time the account's sessions are ended."),
    )
    # The portal's language for a staff member (a patient's is Patient.preferred_language).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        # The signed-in user read from the cache (clinic/auth_cache.py) comes without its
        # password, and with the hash computed from it when it was cached; a password set since
        # on this copy counts.
        if "password" not in self.__dict__ and "cached_session_auth_hash" in self.__dict__:
            return self.cached_session_auth_hash
        return super().get_session_auth_hash()

    def _get_session_auth_hash(self, secret=None):
        # Every session keeps this hash from its login, and django.contrib.auth ends a session
        # whose hash no longer matches: a new password changes it, and so does end_sessions().
        # An account whose sessions were never ended keeps Django's own hash.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "clinic.models.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_sessions(self):
        """End every session of this account, on every device, whatever the session backend."""
        type(self)._base_manager.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )
        self.refresh_from_db(fields=["session_generation"])
        auth_cache.forget_user(self.pk)

    # The role groups as attributes that clinic.backends annotates on the signed-in user, so a
    # request reads the user and their roles in one query.
    ROLE_FLAGS = {
        roles.PATIENTS: "has_role_patients",
        roles.SPECIALISTS: "has_role_specialists",
        roles.CONTENT_EDITORS: "has_role_content_editors",
    }

    @cached_property
    def role_names(self):
        flags = self.ROLE_FLAGS.items()
        if all(hasattr(self, flag) for _, flag in flags):
            return frozenset(role for role, flag in flags if getattr(self, flag))
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_patient(self):
        return roles.PATIENTS in self.role_names

    @property
    def is_specialist(self):
        return roles.SPECIALISTS in self.role_names

    @property
    def is_editor(self):
        return roles.CONTENT_EDITORS in self.role_names

    @property
    def is_clinician(self):
        """May see protected health information: specialists and superusers."""
        return self.is_superuser or self.is_specialist

    @property
    def role_label(self):
        """The user's role as a person reads it, in the active language."""
        if self.is_superuser:
            return gettext("Administrator")
        for name in (roles.SPECIALISTS, roles.CONTENT_EDITORS, roles.PATIENTS):
            if name in self.role_names:
                return str(roles.LABELS[name])
        return gettext("No role")


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Patients a user may see: clinicians see all; a patient only their own record."""
        if not user.is_authenticated:
            return self.none()
        if user.is_clinician:
            return self
        if user.is_patient:
            return self.filter(user=user)
        return self.none()

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        query = models.Q(mrn__iexact=text)
        for word in text.split():
            query |= models.Q(family_name__istartswith=word) | models.Q(
                given_name__istartswith=word
            )
        return self.filter(query)

    def delete(self):
        raise ValidationError(_("Patient records are never deleted."))

    def update(self, **kwargs):
        # History and the audit trail only see saves through the model.
        raise ValidationError(_("Patient records are changed one at a time, through the model."))


def atomic_unless_in_one(using=None):
    """A transaction of its own, or, inside one already, the caller's without a savepoint.

    For writes that check everything before they write (under a row lock): a refusal has
    written nothing to roll back, and the savepoint a nested ``atomic()`` adds (two statements)
    would only let a caller carry on after a database error inside it, which none does: they
    let it end their transaction.
    """
    if transaction.get_connection(using).in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=using)


class StaleRecordError(ValidationError):
    """Someone else saved the record since this copy was loaded."""


STALE_MESSAGE = gettext_noop(
    "Someone else changed this record while you were editing it. Nothing was saved: "
    "reload the page to see their changes, then make yours again."
)


class Versioned(models.Model):
    """A record people edit in forms: a save based on a stale copy is refused.

    The form carries the ``version`` it showed; :meth:`save_if_current` saves only over that
    version and moves it on, so of two people editing at once the second is told, and loses
    nothing it can't redo.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def check_current(self, expected_version, *, stored_version=None):
        """Refuse a change made over a copy other than the stored one (``stored_version``, else
        the version of this copy): the one comparison behind the portal's and the admin's forms
        (``clinic.forms.VersionedForm``) and :meth:`save_if_current`."""
        stored = self.version if stored_version is None else stored_version
        if expected_version != stored:
            raise StaleRecordError(gettext(STALE_MESSAGE), code="stale")

    def save_if_current(self, *, expected_version, **kwargs):
        """Save this edited copy only if nobody saved the record since ``expected_version``.

        The row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock is taken
        when the transaction starts) so the compare-and-save is atomic. Raises
        :class:`StaleRecordError` and writes nothing when the copy is stale.
        """
        with atomic_unless_in_one():
            current = (
                type(self)
                ._base_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .get()
            )
            self.check_current(expected_version, stored_version=current)
            self.full_clean()
            self.version = current + 1
            self.save(**kwargs)


# --- dates every clinical record shares -----------------------------------------------------------

# No clinical date before this day is plausible (nobody the clinic treats was born earlier); it
# also keeps every date difference the records derive well inside their columns.
EARLIEST_DATE = datetime.date(1900, 1, 1)
EARLIEST_MOMENT = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def local_day(value):
    """The clinic's calendar day of a date or an aware datetime (a date stays as it is).

    A datetime too near the ends of the calendar to move into the clinic's time zone (year 1 or
    9999) gives the first or last day, so range checks refuse it instead of overflowing.
    """
    if not isinstance(value, datetime.datetime):
        return value
    try:
        return timezone.localtime(value).date()
    except OverflowError:
        return datetime.date.min if value.year < 1900 else datetime.date.max


def not_in_future(value):
    if value is not None and local_day(value) > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


def not_before_1900(value):
    earliest = EARLIEST_MOMENT if isinstance(value, datetime.datetime) else EARLIEST_DATE
    if value is not None and value < earliest:
        raise ValidationError(_("Dates before 1 January 1900 are not accepted."), code="too_early")


def from_1900_check(field, name, *, nullable=False, moment=False):
    """A database constraint: ``field`` (a date, or with ``moment`` a datetime) is not before
    1 January 1900."""
    condition = models.Q(**{f"{field}__gte": EARLIEST_MOMENT if moment else EARLIEST_DATE})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def choices_check(field, choices, name, blank=False):
    """A database constraint keeping ``field`` to the values of ``choices`` (and "" if blank)."""
    values = list(choices.values)
    if blank:
        values.append("")
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not recorded")


# What other apps check when a patient's details are corrected, registered in their
# AppConfig.ready(): callables taking the changed, unsaved patient that raise ValidationError
# when the change would leave one of that app's records of the patient invalid.
PATIENT_CHANGE_CHECKS = []


class Patient(Versioned):
    """A person the clinic treats. Never hard-deleted: health records must be kept."""

    Sex = Sex

    mrn = models.CharField(
        _("MRN"), max_length=32, unique=True, help_text=_("Medical record number")
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(
        _("date of birth"), validators=[not_before_1900, not_in_future]
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, default=Sex.UNKNOWN)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    checkin_emails_opt_out = models.BooleanField(
        _("No check-in emails"),
        default=False,
        help_text=_(
            "The patient asked not to be emailed about check-ins (invitations, reminders)."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient",
        verbose_name=_("portal login"),
        help_text=_("The patient's portal login, if they have one."),
    )
    primary_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_patients",
        verbose_name=_("primary specialist"),
        limit_choices_to={"groups__name": roles.SPECIALISTS},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(Lower("family_name"), Lower("given_name"), name="patient_name_idx"),
            # Serves the patient list's ORDER BY, so a late page does not sort the whole table.
            models.Index(fields=["family_name", "given_name", "id"], name="patient_name_order_idx"),
            # The search's MRN, whatever its case (``mrn__iexact`` is ``UPPER(mrn) = UPPER(…)``
            # on PostgreSQL). Its names have trigram indexes there, made by migration 0011.
            models.Index(Upper("mrn"), name="patient_mrn_upper_idx"),
        ]
        constraints = [
            choices_check("sex", Sex, "patient_sex_valid"),
            from_1900_check("date_of_birth", "patient_born_from_1900"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.mrn})"

    def get_absolute_url(self):
        # The record's page belongs to the cases app, which registers it (clinic.registry).
        return registry.patient_url(self)

    def clean(self):
        if self.pk is not None:
            # A corrected date of birth must not leave a record of the patient invalid (a consult
            # before the birth): the apps holding those records check it.
            for check in PATIENT_CHANGE_CHECKS:
                check(self)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Patient records are never deleted."))

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day):
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Audit events cannot be changed."))

    def delete(self):
        raise ValidationError(_("Audit events cannot be deleted."))


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKOUT = "lockout", _("Lockout")
    LOGOUT = "logout", _("Logout")
    DELETE = "delete", _("Delete")


class AuditEvent(models.Model):
    """One entry of the audit trail. Append-only; holds no health values, only what and who."""

    Action = AuditAction

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(
        _("username"), max_length=150, blank=True, help_text=_("As typed, for failures.")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("patient"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-at"]),
            models.Index(fields=["user", "-at"]),
            # The trail's order, read backwards from a page's marker (clinic.paging).
            models.Index(fields=["at", "id"], name="auditevent_order_idx"),
        ]
        constraints = [choices_check("action", AuditAction, "auditevent_action_valid")]

    def __str__(self):
        who = self.user or self.username or "anonymous"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))
