"""The candidacy decision: whether a patient suits MISS, amended by superseding it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import (
    CLINICAL_DATE,
    MARKING_FIELDS,
    ClinicalQuerySet,
    ClinicalRecord,
    days_from,
    entered_in_error_check,
    long_date,
)
from cases.models.choices import Factor, Outcome
from cases.models.consult import Consult, criteria_rows
from clinic.models import (
    Patient,
    atomic_unless_in_one,
    choices_check,
    from_1900_check,
    not_before_1900,
    not_in_future,
)


class CandidacyDecisionQuerySet(ClinicalQuerySet):
    def current(self):
        """Valid decisions not superseded by an amendment."""
        return self.valid().filter(superseded_by__isnull=True)

    def current_for(self, patient):
        """The patient's current decision first (there is one: services.record_decision).

        ``patient`` may be an ``OuterRef``, for the patient list's column.
        """
        return self.current().filter(patient=patient).order_by("-decided_at", "-id")


class CandidacyDecision(ClinicalRecord):
    """Whether a patient suits MISS, after a consult. Append-only: amend with :meth:`supersede`."""

    Outcome = Outcome
    Factor = Factor

    SURGICAL = (Outcome.MISS_CANDIDATE, Outcome.OPEN_SURGERY)
    # Elective plans: with red flags present the specialist must say they considered them.
    ELECTIVE = (Outcome.MISS_CANDIDATE, Outcome.OPEN_SURGERY, Outcome.CONSERVATIVE)
    # Patients not operated are followed from the decision date.
    FOLLOWED_WITHOUT_SURGERY = (Outcome.CONSERVATIVE,)

    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="decisions",
        editable=False,
        verbose_name=_("patient"),
    )
    consult = models.ForeignKey(
        Consult, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("consult")
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome)
    severity_assessment = models.CharField(
        _("severity of the herniation"), max_length=10, choices=Factor
    )
    severity_note = models.CharField(_("severity note"), max_length=255, blank=True)
    health_assessment = models.CharField(_("overall health"), max_length=10, choices=Factor)
    health_note = models.CharField(_("health note"), max_length=255, blank=True)
    symptoms_assessment = models.CharField(_("specific symptoms"), max_length=10, choices=Factor)
    symptoms_note = models.CharField(_("symptoms note"), max_length=255, blank=True)
    rationale = models.TextField(_("rationale"), max_length=4000)
    red_flags_acknowledged = models.BooleanField(
        _("I have considered the red flags and this elective plan is appropriate"), default=False
    )
    criteria = models.JSONField(
        _("criteria"),
        default=list,
        editable=False,
        help_text=_("The consult's checklist when the decision was made."),
    )
    decided_on = models.DateField(
        _("decided on"),
        default=timezone.localdate,
        validators=CLINICAL_DATE,
        help_text=_("The day the decision was made: for a case entered from paper, that day."),
    )
    # The day the operation is booked for: the procedure form starts from it.
    planned_on = models.DateField(
        _("planned procedure date"),
        null=True,
        blank=True,
        validators=[not_before_1900],
        help_text=_("Optional, for a plan for surgery: the day the operation is booked for."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    # When the decision was entered in the portal (decided_on is the clinical day).
    decided_at = models.DateTimeField(
        _("decided at"), default=timezone.now, editable=False, validators=[not_in_future]
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
        verbose_name=_("supersedes"),
        help_text=_("The decision this one amends (each decision can be amended once)."),
    )

    history = HistoricalRecords()
    objects = CandidacyDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidacy decision")
        verbose_name_plural = _("candidacy decisions")
        ordering = ["-decided_on", "-decided_at", "-id"]
        permissions = [
            ("decide_candidacy", "Can decide MISS candidacy"),
            ("export_research_data", "Can export de-identified research data"),
        ]
        indexes = [models.Index(fields=["patient", "-decided_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_rationale_required"),
            choices_check("outcome", Outcome, "decision_outcome_valid"),
            choices_check("severity_assessment", Factor, "decision_severity_valid"),
            choices_check("health_assessment", Factor, "decision_health_valid"),
            choices_check("symptoms_assessment", Factor, "decision_symptoms_valid"),
            from_1900_check("decided_on", "decision_decided_on_from_1900"),
            models.CheckConstraint(
                condition=Q(planned_on__isnull=True) | Q(planned_on__gte=F("decided_on")),
                name="decision_planned_on_not_before_decided_on",
            ),
            entered_in_error_check("decision"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({date_format(self.decided_on)})"

    def save(self, *args, **kwargs):
        # Append-only: once saved, only the entered-in-error marking may change.
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not set(update_fields or ["all"]) <= MARKING_FIELDS:
            raise ValidationError(_("Decisions are not edited; record an amendment instead."))
        if self.pk is None:
            consult = self.consult
            self.patient_id = consult.patient_id
            if Consult.patient.is_cached(consult):
                self.patient = consult.patient  # the audit entry and the follow-ups read it next
            # Stored as data: keys and statuses (labels in English), shown by :attr:`checklist`.
            with translation.override("en"):
                self.criteria = consult.candidacy_criteria()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:decision_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.rationale is not None and not self.rationale.strip():
            errors["rationale"] = _("Give the rationale for the decision.")
        # The consult may be one being recorded in the same step (unsaved, held by the decision).
        held = self.consult_id is not None or CandidacyDecision.consult.is_cached(self)
        consult = self.consult if held else None
        if consult is not None:
            if consult.entered_in_error:
                # Not a field of the decision form: a non-field error, so forms can show it.
                raise ValidationError(_("That consult was entered in error."))
            if self.decided_on and consult.consult_date and self.decided_on < consult.consult_date:
                errors["decided_on"] = _("The decision cannot be before its consult (%(day)s).") % {
                    "day": long_date(consult.consult_date)
                }
            if (
                consult.has_red_flags
                and self.outcome in self.ELECTIVE
                and not self.red_flags_acknowledged
            ):
                errors["red_flags_acknowledged"] = _(
                    "The consult records red flags (%(flags)s). Confirm you considered them "
                    "before an elective plan."
                ) % {"flags": ", ".join(consult.red_flags)}
        if self.planned_on is not None and (error := self.planned_on_error()):
            errors["planned_on"] = error
        if errors:
            raise ValidationError(errors)

    # A booking further off than this is more likely a mistyped year than a plan.
    PLANNED_WITHIN_DAYS = 2 * 365

    def planned_on_error(self):
        """What is wrong with the planned procedure date, if anything (None when it is fine)."""
        if self.outcome and self.outcome not in self.SURGICAL:
            return _(
                "A planned procedure date goes with a plan for surgery (MISS or open): clear it "
                "for this outcome."
            )
        if self.decided_on is None:
            return None
        if self.planned_on < self.decided_on:
            return _("The planned procedure date cannot be before the decision (%(day)s).") % {
                "day": long_date(self.decided_on)
            }
        if self.planned_on > days_from(self.decided_on, self.PLANNED_WITHIN_DAYS):
            return _(
                "The planned procedure date is more than two years after the decision: check "
                "the year."
            )
        return None

    @property
    def is_current(self):
        return not self.entered_in_error and not hasattr(self, "superseded_by")

    @property
    def is_surgical(self):
        return self.outcome in self.SURGICAL

    def takes_a_procedure(self, procedures=None):
        """Whether a procedure can be recorded for this decision: it is surgical, current and
        valid, and has no valid procedure yet (a reoperation is a new decision).

        ``procedures``: the patient's procedures when the page has loaded them (saves a query).
        """
        if not (self.is_surgical and self.is_current):
            return False
        if procedures is None:
            return not self.procedures.valid().exists()
        return not any(p.decision_id == self.pk and not p.entered_in_error for p in procedures)

    @property
    def checklist(self):
        """The stored candidacy checklist, labelled in the active language."""
        return criteria_rows({row["key"]: row["status"] for row in self.criteria})

    @property
    def factor_rows(self):
        return [
            (
                _("Severity of the herniation"),
                self.get_severity_assessment_display(),
                self.severity_note,
            ),
            (_("Overall health"), self.get_health_assessment_display(), self.health_note),
            (_("Specific symptoms"), self.get_symptoms_assessment_display(), self.symptoms_note),
        ]

    def supersede(self, *, by, **fields):
        """Record an amendment of this decision; this one stays, linked as superseded.

        ``fields`` are the amended decision's form fields. Returns the new decision.
        """
        with atomic_unless_in_one():
            locked = CandidacyDecision._base_manager.select_for_update().get(pk=self.pk)
            if locked.entered_in_error:
                raise ValidationError(_("A decision entered in error cannot be amended."))
            if CandidacyDecision._base_manager.filter(supersedes=locked).exists():
                raise ValidationError(
                    _("This decision has already been amended; amend the current one."),
                    code="stale",
                )
            if "consult" not in fields:
                fields["consult"] = self.consult
            new = CandidacyDecision(supersedes=self, decided_by=by, recorded_by=by, **fields)
            if new.decided_on and new.decided_on < self.decided_on:
                raise ValidationError(
                    {
                        "decided_on": _(
                            "A decision cannot be dated before the decision it amends or "
                            "replaces (%(day)s)."
                        )
                        % {"day": long_date(self.decided_on)}
                    }
                )
            # Unique fields: only ``supersedes``, looked up just above under the lock.
            new.full_clean(validate_unique=False)
            new.save()
            return new
