"""The procedure and the adverse events attributed to it."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import (
    CLINICAL_DATE,
    ClinicalQuerySet,
    ClinicalRecord,
    days_from,
    entered_in_error_check,
    long_date,
    range_check,
)
from cases.models.choices import AdverseEventType, ClavienDindoGrade, Level, Side, Technique
from cases.models.decision import CandidacyDecision
from clinic.models import Patient, choices_check, from_1900_check, local_day

# A stay is plausible from admission at most 30 days before the day of the procedure to discharge
# at most a year after it; the derived length of stay then stays below 400 nights.
ADMISSION_DAYS_BEFORE = 30
DISCHARGE_DAYS_AFTER = 365
MAX_STAY_NIGHTS = 400


ONE_PROCEDURE_PER_DECISION = _(
    "This decision already has its procedure. A reoperation is recorded under a new decision."
)


class Procedure(ClinicalRecord):
    """An operation for a lumbar disc herniation."""

    Technique = Technique

    MISS_TECHNIQUES = (Technique.FE_TRANSFORAMINAL, Technique.FE_INTERLAMINAR, Technique.TUBULAR)

    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="procedures",
        editable=False,
        verbose_name=_("patient"),
    )
    decision = models.ForeignKey(
        CandidacyDecision,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("decision"),
        help_text=_("The decision for surgery this procedure carries out."),
    )
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("surgeon"),
    )
    procedure_date = models.DateField(_("procedure date"), validators=CLINICAL_DATE)
    technique = models.CharField(_("technique"), max_length=20, choices=Technique)
    level = models.CharField(_("level"), max_length=5, choices=Level)
    second_level = models.CharField(_("second level"), max_length=5, choices=Level, blank=True)
    side = models.CharField(_("side"), max_length=10, choices=Side)
    incision_length_mm = models.PositiveSmallIntegerField(
        _("incision length (mm)"), validators=[MinValueValidator(1), MaxValueValidator(300)]
    )
    skin_to_skin_minutes = models.PositiveSmallIntegerField(
        _("skin-to-skin time (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    blood_loss_ml = models.PositiveIntegerField(
        _("blood loss (ml)"), null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    converted_to_open = models.BooleanField(_("converted to open"), default=False)
    admitted_at = models.DateTimeField(
        _("admitted at"),
        validators=CLINICAL_DATE,
        help_text=format_lazy(
            _("At most {days} days before the day of the procedure."), days=ADMISSION_DAYS_BEFORE
        ),
    )
    discharged_at = models.DateTimeField(
        _("discharged at"),
        null=True,
        blank=True,
        validators=CLINICAL_DATE,
        help_text=_("Empty while in hospital; at most a year after the day of the procedure."),
    )
    # Derived in compute_stay(), never typed.
    length_of_stay_nights = models.PositiveSmallIntegerField(
        _("length of stay (nights)"), null=True, editable=False
    )
    length_of_stay_hours = models.DecimalField(
        _("length of stay (hours)"), max_digits=7, decimal_places=1, null=True, editable=False
    )
    same_day_discharge = models.BooleanField(_("same-day discharge"), null=True, editable=False)
    next_day_discharge = models.BooleanField(_("next-day discharge"), null=True, editable=False)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-procedure_date", "-id"]
        indexes = [
            models.Index(fields=["patient", "-procedure_date"]),
            models.Index(fields=["technique", "patient"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(entered_in_error=False),
                name="procedure_one_per_decision",
                violation_error_message=ONE_PROCEDURE_PER_DECISION,
            ),
            from_1900_check("procedure_date", "procedure_date_from_1900"),
            from_1900_check("admitted_at", "procedure_admitted_from_1900", moment=True),
            from_1900_check(
                "discharged_at", "procedure_discharged_from_1900", nullable=True, moment=True
            ),
            # The derived stay, bounded by the admission and discharge rules (clean()).
            range_check(
                "length_of_stay_nights", 0, MAX_STAY_NIGHTS, "procedure_stay_nights", nullable=True
            ),
            range_check(
                "length_of_stay_hours",
                0,
                MAX_STAY_NIGHTS * 24,
                "procedure_stay_hours",
                nullable=True,
            ),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(discharged_at__gte=models.F("admitted_at")),
                name="procedure_discharge_after_admission",
            ),
            range_check("incision_length_mm", 1, 300, "procedure_incision_1_300"),
            range_check("skin_to_skin_minutes", 1, 1440, "procedure_minutes_1_1440"),
            range_check("blood_loss_ml", 0, 10000, "procedure_blood_loss", nullable=True),
            choices_check("technique", Technique, "procedure_technique_valid"),
            choices_check("level", Level, "procedure_level_valid"),
            choices_check("second_level", Level, "procedure_second_level_valid", blank=True),
            choices_check("side", Side, "procedure_side_valid"),
            entered_in_error_check("procedure"),
        ]

    def __str__(self):
        when = date_format(self.procedure_date)
        return f"{self.get_technique_display()} {self.levels_display} ({when})"

    def save(self, *args, **kwargs):
        if self.decision_id:
            self.patient_id = self.decision.patient_id
        self.compute_stay()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:procedure_detail", args=[self.pk])

    DERIVED = (
        "length_of_stay_nights",
        "length_of_stay_hours",
        "same_day_discharge",
        "next_day_discharge",
    )

    def clean(self):
        errors = {}
        decision = self.decision if self.decision_id else None
        if decision is not None:
            if not decision.is_surgical or decision.entered_in_error:
                errors[NON_FIELD_ERRORS] = _("A procedure needs a decision for surgery.")
        if self.admitted_at and self.discharged_at and self.discharged_at < self.admitted_at:
            errors["discharged_at"] = _("Discharge cannot be before admission.")
        if self.admitted_at and self.procedure_date:
            admitted = local_day(self.admitted_at)
            earliest = days_from(self.procedure_date, -ADMISSION_DAYS_BEFORE)
            if admitted > self.procedure_date:
                errors["admitted_at"] = _("Admission cannot be after the day of the procedure.")
            elif admitted < earliest:
                errors["admitted_at"] = _(
                    "Admission is at most %(days)s days before the procedure: not before %(day)s."
                ) % {"days": ADMISSION_DAYS_BEFORE, "day": long_date(earliest)}
        if self.discharged_at and self.procedure_date:
            discharged = local_day(self.discharged_at)
            latest = days_from(self.procedure_date, DISCHARGE_DAYS_AFTER)
            if discharged < self.procedure_date:
                errors.setdefault(
                    "discharged_at", _("Discharge cannot be before the day of the procedure.")
                )
            elif discharged > latest:
                errors.setdefault(
                    "discharged_at",
                    _("Discharge is at most a year after the procedure: by %(day)s.")
                    % {"day": long_date(latest)},
                )
        if decision is not None and self.procedure_date:
            if self.procedure_date < decision.decided_on:
                day = long_date(decision.decided_on)
                errors["procedure_date"] = _(
                    "The procedure cannot be before the decision (%(day)s)."
                ) % {"day": day}
        if self.second_level and self.second_level == self.level:
            errors["second_level"] = _("The second level must differ from the first.")
        if errors:
            raise ValidationError(errors)

    def compute_stay(self):
        """Length of stay and same-/next-day discharge: the one place they are computed.

        Nights count calendar days in the clinic's time zone between admission and discharge;
        same-day and next-day discharge count from the day of the procedure.
        """
        if self.discharged_at is None or self.admitted_at is None:
            self.length_of_stay_nights = self.length_of_stay_hours = None
            self.same_day_discharge = self.next_day_discharge = None
            return
        admitted = local_day(self.admitted_at)
        discharged = local_day(self.discharged_at)
        self.length_of_stay_nights = max((discharged - admitted).days, 0)
        hours = (self.discharged_at - self.admitted_at).total_seconds() / 3600
        self.length_of_stay_hours = round(hours, 1)
        after_procedure = (discharged - self.procedure_date).days
        self.same_day_discharge = after_procedure == 0
        self.next_day_discharge = after_procedure == 1

    @property
    def levels_display(self):
        return f"{self.level}, {self.second_level}" if self.second_level else self.level

    @property
    def is_miss(self):
        return self.technique in self.MISS_TECHNIQUES


# Complications are attributed to a procedure for five years after it (past the 24-month
# follow-up); later ones belong to another episode of care.
ADVERSE_EVENT_SPAN_DAYS = 5 * 365 + 1


class AdverseEvent(ClinicalRecord):
    """A complication after a procedure, graded by Clavien-Dindo."""

    Type = AdverseEventType
    Grade = ClavienDindoGrade

    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="adverse_events",
        editable=False,
        verbose_name=_("patient"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        related_name="adverse_events",
        verbose_name=_("procedure"),
    )
    event_type = models.CharField(_("type"), max_length=15, choices=Type)
    onset_date = models.DateField(_("onset date"), validators=CLINICAL_DATE)
    clavien_dindo_grade = models.CharField(_("Clavien-Dindo grade"), max_length=4, choices=Grade)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    # Derived in compute_timing(), never typed.
    days_after_procedure = models.PositiveSmallIntegerField(
        _("days after procedure"), null=True, editable=False
    )
    within_30_days = models.BooleanField(_("within 30 days"), default=False, editable=False)
    within_90_days = models.BooleanField(_("within 90 days"), default=False, editable=False)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")
        ordering = ["-onset_date", "-id"]
        indexes = [models.Index(fields=["procedure", "onset_date"])]
        constraints = [
            choices_check("event_type", AdverseEventType, "adverseevent_type_valid"),
            choices_check("clavien_dindo_grade", ClavienDindoGrade, "adverseevent_grade_valid"),
            models.CheckConstraint(
                condition=Q(within_30_days=False) | Q(within_90_days=True),
                name="adverseevent_30_days_is_within_90",
            ),
            from_1900_check("onset_date", "adverseevent_onset_from_1900"),
            range_check(
                "days_after_procedure",
                0,
                ADVERSE_EVENT_SPAN_DAYS,
                "adverseevent_days_after_procedure",
                nullable=True,
            ),
            entered_in_error_check("adverseevent"),
        ]

    def __str__(self):
        return f"{self.get_event_type_display()} ({date_format(self.onset_date)})"

    def save(self, *args, **kwargs):
        if self.procedure_id:
            self.patient_id = self.procedure.patient_id
        self.compute_timing()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:patient_detail", args=[self.patient_id]) + f"#adverseevent-{self.pk}"

    DERIVED = ("days_after_procedure", "within_30_days", "within_90_days")

    def clean(self):
        if self.procedure_id and self.onset_date:
            operated = self.procedure.procedure_date
            latest = days_from(operated, ADVERSE_EVENT_SPAN_DAYS)
            if self.onset_date < operated:
                raise ValidationError(
                    {"onset_date": _("An adverse event cannot start before the procedure.")}
                )
            if self.onset_date > latest:
                raise ValidationError(
                    {
                        "onset_date": _(
                            "An adverse event of this procedure starts within five years of it: "
                            "by %(day)s."
                        )
                        % {"day": long_date(latest)}
                    }
                )

    def compute_timing(self):
        """Days after the procedure and the 30-/90-day flags: computed here only."""
        if not (self.procedure_id and self.onset_date):
            return
        days = (self.onset_date - self.procedure.procedure_date).days
        self.days_after_procedure = max(days, 0)
        self.within_30_days = 0 <= days <= 30
        self.within_90_days = 0 <= days <= 90
