"""What every clinical record shares: the abstract ClinicalRecord, its QuerySet, and the
field and constraint helpers the record modules use."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clinic.constraints import ChecksInPython
from clinic.models import Patient, Versioned, not_before_1900, not_in_future

CLINICAL_DATE = [not_before_1900, not_in_future]


def long_date(day):
    """A date as messages give it to people: the active language's DATE_FORMAT (3 Mar 2025),
    as on every page."""
    return date_format(day)


def days_from(day, days):
    """``day`` moved by ``days``, held at the end of the calendar rather than overflowing (a
    date typed as 0001-01-01 or 9999-12-31 is refused by its validators, but clean() still
    compares it)."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def nrs_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("Numeric rating scale: 0 = no pain, 10 = worst imaginable."),
        **kwargs,
    )


def odi_field(verbose_name=None, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name or _("ODI score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Oswestry Disability Index 0–100, when the clinic collects it."),
        **kwargs,
    )


def range_check(field, low, high, name, nullable=False):
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


NEVER_DELETED = _("Clinical records are never deleted; mark them entered in error.")
ONE_AT_A_TIME = _("Clinical records are changed one at a time, through the model.")


class ClinicalQuerySet(models.QuerySet):
    def valid(self):
        """Records that count: those not marked as entered in error."""
        return self.filter(entered_in_error=False)

    def visible_to(self, user):
        """Records of the patients ``user`` may see (clinicians: all; others: none here)."""
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def delete(self):
        raise ValidationError(NEVER_DELETED)

    def update(self, **kwargs):
        # History and the audit trail only see saves through the model.
        raise ValidationError(ONE_AT_A_TIME)

    def bulk_update(self, *args, **kwargs):
        raise ValidationError(ONE_AT_A_TIME)


ALREADY_IN_ERROR = _("This record is already marked as entered in error.")


class ClinicalRecord(ChecksInPython, Versioned):
    """What every clinical record shares: who recorded it, entered-in-error, a version.

    Validation (``full_clean``) costs no query per rule: the CHECK constraints are evaluated in
    Python (``clinic.constraints``), and a related row the record already holds is not looked
    up again (:meth:`clean_fields`).
    """

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    entered_in_error = models.BooleanField(_("entered in error"), default=False, editable=False)
    entered_in_error_reason = models.CharField(
        _("entered in error reason"), max_length=255, blank=True, editable=False
    )
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("entered in error by"),
    )
    entered_in_error_at = models.DateTimeField(
        _("entered in error at"), null=True, blank=True, editable=False
    )

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ValidationError(NEVER_DELETED)

    def clean_fields(self, exclude=None):
        # Django checks that each foreign key's row exists with a query per key. A related row
        # this record holds, read from the database (the patient a view loaded, the signed-in
        # user, the consult of a decision), needs no second look: patients and clinical records
        # are never deleted, users only deactivated, and the database's foreign key remains the
        # last word.
        super().clean_fields(exclude={*(exclude or ()), *self._held_relations()})

    def _held_relations(self):
        held = set()
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.get_limit_choices_to():
                continue
            related = field.get_cached_value(self, default=None)
            value = getattr(self, field.attname)
            if (
                value is not None
                and related is not None
                and not related._state.adding
                and getattr(related, field.target_field.attname) == value
            ):
                held.add(field.name)
        return held

    @property
    def kind(self):
        return self._meta.model_name

    def mark_entered_in_error(self, *, by, reason):
        """Mark the record as entered in error: it stays, visibly, but leaves every figure."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the record was entered in error.")})
        if self.entered_in_error:
            raise ValidationError(ALREADY_IN_ERROR)
        with transaction.atomic():
            locked = type(self)._base_manager.select_for_update().get(pk=self.pk)
            if locked.entered_in_error:
                raise ValidationError(ALREADY_IN_ERROR)
            self.entered_in_error = True
            self.entered_in_error_reason = reason[:255]
            self.entered_in_error_by = by
            self.entered_in_error_at = timezone.now()
            self.version = locked.version + 1
            self.save(
                update_fields=[
                    "entered_in_error",
                    "entered_in_error_reason",
                    "entered_in_error_by",
                    "entered_in_error_at",
                    "version",
                ]
            )


MARKING_FIELDS = {
    "entered_in_error",
    "entered_in_error_reason",
    "entered_in_error_by",
    "entered_in_error_at",
    "version",
}


def entered_in_error_check(prefix):
    """A record marked in error has a reason, a who and a when."""
    return models.CheckConstraint(
        condition=Q(entered_in_error=False)
        | (
            ~Q(entered_in_error_reason="")
            & Q(entered_in_error_by__isnull=False)
            & Q(entered_in_error_at__isnull=False)
        ),
        name=f"{prefix}_entered_in_error_has_reason",
    )
