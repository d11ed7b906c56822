"""Consults, candidacy decisions, procedures, adverse events and follow-ups.

Every clinical record here follows the same three rules (see :class:`ClinicalRecord`):

* it is never deleted: a record entered in error is marked so, with a reason, and drops out of
  figures through ``.valid()``;
* every change is kept by django-simple-history, so it is saved through the model, never through
  ``QuerySet.update()`` or bulk writes (both raise here);
* editable records carry a ``version``: a save based on a stale copy is refused
  (:meth:`ClinicalRecord.save_if_current`), so two specialists cannot overwrite each other.

Derived values (length of stay, same/next-day discharge, 30/90-day flags, follow-up windows) are
stored columns computed by one method per model, called from ``save()``, so that the outcome
dashboard can aggregate them in the database. They are never typed into a form.
"""

import datetime
import decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases import odi
from clinic.models import (
    Patient,
    Versioned,
    choices_check,
    from_1900_check,
    local_day,
    not_before_1900,
    not_in_future,
)

# --- shared --------------------------------------------------------------------------------------

# The dates of a clinical record: not before 1900, not in the future.
CLINICAL_DATE = [not_before_1900, not_in_future]


def long_date(day):
    """A date as the forms' messages give it: 3 March 2025."""
    return f"{day.day} {day:%B %Y}"


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
        help_text="Numeric rating scale: 0 = no pain, 10 = worst imaginable.",
        **kwargs,
    )


def odi_field(verbose_name="ODI score", **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Oswestry Disability Index 0–100, when the clinic collects it.",
        **kwargs,
    )


def range_check(field, low, high, name, nullable=False):
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


class Level(models.TextChoices):
    L1_L2 = "L1-L2", "L1-L2"
    L2_L3 = "L2-L3", "L2-L3"
    L3_L4 = "L3-L4", "L3-L4"
    L4_L5 = "L4-L5", "L4-L5"
    L5_S1 = "L5-S1", "L5-S1"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"


class ClinicalQuerySet(models.QuerySet):
    def valid(self):
        """Records that count: those not marked as entered in error."""
        return self.filter(entered_in_error=False)

    def visible_to(self, user):
        """Records of the patients ``user`` may see (clinicians: all; others: none here)."""
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def delete(self):
        raise ValidationError("Clinical records are never deleted; mark them entered in error.")

    def update(self, **kwargs):
        # History and the audit trail only see saves through the model.
        raise ValidationError("Clinical records are changed one at a time, through the model.")

    def bulk_update(self, *args, **kwargs):
        raise ValidationError("Clinical records are changed one at a time, through the model.")


class ClinicalRecord(Versioned):
    """What every clinical record shares: who recorded it, entered-in-error, a version."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    entered_in_error = models.BooleanField(default=False, editable=False)
    entered_in_error_reason = models.CharField(max_length=255, blank=True, editable=False)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ValidationError("Clinical records are never deleted; mark them entered in error.")

    @property
    def kind(self):
        return self._meta.model_name

    def mark_entered_in_error(self, *, by, reason):
        """Mark the record as entered in error: it stays, visibly, but leaves every figure."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Say why the record was entered in error."})
        if self.entered_in_error:
            raise ValidationError("This record is already marked as entered in error.")
        with transaction.atomic():
            locked = type(self)._base_manager.select_for_update().get(pk=self.pk)
            if locked.entered_in_error:
                raise ValidationError("This record is already marked as entered in error.")
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


# --- consult -------------------------------------------------------------------------------------


class DominantPain(models.TextChoices):
    LEG = "leg", "Leg-dominant (radicular)"
    BACK = "back", "Back-dominant"
    EQUAL = "equal", "Leg and back equally"


class Morphology(models.TextChoices):
    PROTRUSION = "protrusion", "Protrusion"
    EXTRUSION = "extrusion", "Extrusion"
    SEQUESTRATION = "sequestration", "Sequestration"


class Zone(models.TextChoices):
    CENTRAL = "central", "Central"
    SUBARTICULAR = "subarticular", "Subarticular (paracentral)"
    FORAMINAL = "foraminal", "Foraminal"
    EXTRAFORAMINAL = "extraforaminal", "Extraforaminal"


class Smoking(models.TextChoices):
    NEVER = "never", "Never"
    FORMER = "former", "Former"
    CURRENT = "current", "Current"


class WorkStatus(models.TextChoices):
    WORKING = "working", "Working"
    SICK_LEAVE = "sick_leave", "On sick leave"
    UNEMPLOYED = "unemployed", "Unemployed"
    RETIRED = "retired", "Retired"
    STUDENT = "student", "Student"
    OTHER = "other", "Other"


class ASAClass(models.IntegerChoices):
    I = 1, "ASA I — healthy"  # noqa: E741
    II = 2, "ASA II — mild systemic disease"
    III = 3, "ASA III — severe systemic disease"
    IV = 4, "ASA IV — severe disease, constant threat to life"


class Consult(ClinicalRecord):
    """A specialist's assessment of a patient with a suspected lumbar disc herniation."""

    DominantPain = DominantPain
    Morphology = Morphology
    Zone = Zone
    Smoking = Smoking
    WorkStatus = WorkStatus
    ASAClass = ASAClass

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consults")
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consults"
    )
    consult_date = models.DateField(validators=CLINICAL_DATE)
    # Symptoms
    dominant_pain = models.CharField(max_length=10, choices=DominantPain)
    side = models.CharField(max_length=10, choices=Side)
    symptom_duration_weeks = models.PositiveSmallIntegerField(
        "duration of symptoms (weeks)", validators=[MaxValueValidator(2000)]
    )
    numbness = models.BooleanField(default=False)
    weakness = models.BooleanField("motor weakness", default=False)
    mrc_grade = models.PositiveSmallIntegerField(
        "MRC grade of the weakest muscle",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="0 (no contraction) to 5 (normal power). Required when there is weakness.",
    )
    red_flag_saddle_anaesthesia = models.BooleanField("saddle anaesthesia", default=False)
    red_flag_bladder_bowel = models.BooleanField("bladder or bowel dysfunction", default=False)
    red_flag_progressive_deficit = models.BooleanField(
        "rapidly progressive neurological deficit", default=False
    )
    red_flag_other = models.BooleanField(
        "other red flag (fever, cancer history, trauma, weight loss)", default=False
    )
    # Imaging
    mri_date = models.DateField("MRI date", null=True, blank=True, validators=CLINICAL_DATE)
    level = models.CharField("herniation level", max_length=5, choices=Level)
    second_level = models.CharField(
        "second level", max_length=5, choices=Level, blank=True, help_text="If two levels."
    )
    morphology = models.CharField(max_length=15, choices=Morphology)
    zone = models.CharField(max_length=15, choices=Zone)
    imaging_concordant = models.BooleanField(
        "imaging concordant with symptoms",
        null=True,
        blank=True,
        help_text="Does the herniation explain the side and level of the symptoms?",
    )
    # Conservative care
    physiotherapy = models.BooleanField(default=False)
    medication = models.BooleanField("analgesic / neuropathic medication", default=False)
    injection = models.BooleanField("epidural or root injection", default=False)
    conservative_care_weeks = models.PositiveSmallIntegerField(
        "conservative care (weeks)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(2000)],
        help_text="Leave empty if unknown.",
    )
    # Case-mix
    asa_class = models.PositiveSmallIntegerField("ASA class", choices=ASAClass)
    bmi = models.DecimalField(
        "BMI",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(80)],
    )
    smoking = models.CharField(max_length=10, choices=Smoking)
    diabetes = models.BooleanField(default=False)
    prior_surgery_at_level = models.BooleanField("prior surgery at this level", default=False)
    work_status = models.CharField(max_length=15, choices=WorkStatus)
    # Baseline outcome measures
    nrs_back = nrs_field("NRS back pain")
    nrs_leg = nrs_field("NRS leg pain")
    odi_score = odi_field("baseline ODI score")
    notes = models.TextField(blank=True, max_length=4000)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["-consult_date", "-id"]
        indexes = [models.Index(fields=["patient", "-consult_date"])]
        constraints = [
            range_check("nrs_back", 0, 10, "consult_nrs_back_0_10"),
            range_check("nrs_leg", 0, 10, "consult_nrs_leg_0_10"),
            range_check("mrc_grade", 0, 5, "consult_mrc_0_5", nullable=True),
            range_check("odi_score", 0, 100, "consult_odi_0_100", nullable=True),
            range_check("asa_class", 1, 4, "consult_asa_1_4"),
            range_check("bmi", 10, 80, "consult_bmi_10_80", nullable=True),
            range_check("symptom_duration_weeks", 0, 2000, "consult_symptom_weeks_0_2000"),
            range_check(
                "conservative_care_weeks", 0, 2000, "consult_care_weeks_0_2000", nullable=True
            ),
            from_1900_check("consult_date", "consult_date_from_1900"),
            from_1900_check("mri_date", "consult_mri_from_1900", nullable=True),
            models.CheckConstraint(
                condition=Q(weakness=False, mrc_grade__isnull=True)
                | Q(weakness=True, mrc_grade__isnull=False),
                name="consult_mrc_grade_iff_weakness",
            ),
            models.CheckConstraint(
                condition=Q(mri_date__isnull=True) | Q(mri_date__lte=models.F("consult_date")),
                name="consult_mri_not_after_consult",
            ),
            choices_check("dominant_pain", DominantPain, "consult_dominant_pain_valid"),
            choices_check("side", Side, "consult_side_valid"),
            choices_check("level", Level, "consult_level_valid"),
            choices_check("second_level", Level, "consult_second_level_valid", blank=True),
            choices_check("morphology", Morphology, "consult_morphology_valid"),
            choices_check("zone", Zone, "consult_zone_valid"),
            choices_check("smoking", Smoking, "consult_smoking_valid"),
            choices_check("work_status", WorkStatus, "consult_work_status_valid"),
            entered_in_error_check("consult"),
        ]

    def __str__(self):
        return f"Consult {self.consult_date:%Y-%m-%d} ({self.level})"

    def get_absolute_url(self):
        return reverse("cases:consult_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.weakness and self.mrc_grade is None:
            errors["mrc_grade"] = "Give the MRC grade of the weakest muscle (0–5)."
        if not self.weakness and self.mrc_grade is not None:
            errors["mrc_grade"] = "An MRC grade is recorded only when there is weakness."
        if self.mri_date and self.consult_date and self.mri_date > self.consult_date:
            errors["mri_date"] = "The MRI cannot be after the consult."
        errors.update(self._birth_errors())
        if self.second_level and self.second_level == self.level:
            errors["second_level"] = "The second level must differ from the first."
        if errors:
            raise ValidationError(errors)

    def _birth_errors(self):
        """Nothing happens before the patient was born; symptoms last no longer than a life."""
        born = self.patient.date_of_birth if self.patient_id else None
        if born is None:
            return {}
        errors = {}
        if self.consult_date and self.consult_date < born:
            errors["consult_date"] = (
                f"The consult cannot be before the patient's date of birth ({long_date(born)})."
            )
        if self.mri_date and self.mri_date < born:
            errors["mri_date"] = (
                f"The MRI cannot be before the patient's date of birth ({long_date(born)})."
            )
        if self.consult_date and self.consult_date >= born:
            lived = (self.consult_date - born).days // 7 + 1
            for name in ("symptom_duration_weeks", "conservative_care_weeks"):
                weeks = getattr(self, name)
                if weeks is not None and weeks > lived:
                    errors[name] = (
                        f"This is longer than the patient had lived at the consult ({lived} weeks)."
                    )
        return errors

    @property
    def red_flags(self):
        """Labels of the red flags present (cauda equina signs and the like)."""
        names = [
            "red_flag_saddle_anaesthesia",
            "red_flag_bladder_bowel",
            "red_flag_progressive_deficit",
            "red_flag_other",
        ]
        return [self._meta.get_field(n).verbose_name for n in names if getattr(self, n)]

    @property
    def has_red_flags(self):
        return bool(self.red_flags)

    @property
    def levels_display(self):
        return f"{self.level}, {self.second_level}" if self.second_level else self.level

    def candidacy_criteria(self):
        """The MISS candidacy checklist, computed from this consult.

        Returns a list of ``{"key", "label", "status"}`` with status ``met``, ``not_met`` or
        ``unknown``. The criteria follow the usual indication for discectomy of a lumbar disc
        herniation: radicular (leg-dominant) pain, concordant imaging, failed conservative care
        of at least six weeks and no red flags calling for an urgent pathway.
        """

        def status(value):
            if value is None:
                return Criterion.UNKNOWN
            return Criterion.MET if value else Criterion.NOT_MET

        weeks = self.conservative_care_weeks
        return [
            {
                "key": "leg_dominant",
                "label": "Leg-dominant radicular pain",
                "status": status(self.dominant_pain == self.DominantPain.LEG),
            },
            {
                "key": "imaging_concordant",
                "label": "Imaging concordant with symptoms",
                "status": status(self.imaging_concordant),
            },
            {
                "key": "conservative_6_weeks",
                "label": "Conservative care for at least 6 weeks",
                "status": status(None if weeks is None else weeks >= 6),
            },
            {
                "key": "no_red_flags",
                "label": "No red flags",
                "status": status(not self.has_red_flags),
            },
        ]


class Criterion(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    UNKNOWN = "unknown", "Unknown"


# --- candidacy decision --------------------------------------------------------------------------


class CandidacyDecisionQuerySet(ClinicalQuerySet):
    def current(self):
        """Valid decisions not superseded by an amendment."""
        return self.valid().filter(superseded_by__isnull=True)


class Outcome(models.TextChoices):
    MISS_CANDIDATE = "miss", "MISS candidate"
    OPEN_SURGERY = "open", "Open surgery"
    CONSERVATIVE = "conservative", "Conservative care"
    WORKUP = "workup", "More work-up"
    REFER = "refer", "Refer"


class Factor(models.TextChoices):
    FAVOURS = "favours", "Favours MISS"
    NEUTRAL = "neutral", "Neutral"
    AGAINST = "against", "Against MISS"


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
        Patient, on_delete=models.PROTECT, related_name="decisions", editable=False
    )
    consult = models.ForeignKey(Consult, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=15, choices=Outcome)
    severity_assessment = models.CharField(
        "severity of the herniation", max_length=10, choices=Factor
    )
    severity_note = models.CharField(max_length=255, blank=True)
    health_assessment = models.CharField("overall health", max_length=10, choices=Factor)
    health_note = models.CharField(max_length=255, blank=True)
    symptoms_assessment = models.CharField("specific symptoms", max_length=10, choices=Factor)
    symptoms_note = models.CharField(max_length=255, blank=True)
    rationale = models.TextField(max_length=4000)
    red_flags_acknowledged = models.BooleanField(
        "I have considered the red flags and this elective plan is appropriate", default=False
    )
    criteria = models.JSONField(
        default=list,
        editable=False,
        help_text="The consult's checklist when the decision was made.",
    )
    decided_on = models.DateField(
        "decided on",
        default=timezone.localdate,
        validators=CLINICAL_DATE,
        help_text="The day the decision was made: for a case entered from paper, that day.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # When the decision was entered in the portal (decided_on is the clinical day).
    decided_at = models.DateTimeField(
        default=timezone.now, editable=False, validators=[not_in_future]
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
        help_text="The decision this one amends (each decision can be amended once).",
    )

    history = HistoricalRecords()
    objects = CandidacyDecisionQuerySet.as_manager()

    class Meta:
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
            entered_in_error_check("decision"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.decided_on:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        # Append-only: once saved, only the entered-in-error marking may change.
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not set(update_fields or ["all"]) <= MARKING_FIELDS:
            raise ValidationError("Decisions are not edited; record an amendment instead.")
        if self.pk is None:
            self.patient_id = self.consult.patient_id
            self.criteria = self.consult.candidacy_criteria()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:decision_detail", args=[self.pk])

    def clean(self):
        if self.rationale is not None and not self.rationale.strip():
            raise ValidationError({"rationale": "Give the rationale for the decision."})
        consult = self.consult if self.consult_id else None
        if consult is not None:
            if consult.entered_in_error:
                # Not a field of the decision form: a non-field error, so forms can show it.
                raise ValidationError("That consult was entered in error.")
            if self.decided_on and consult.consult_date and self.decided_on < consult.consult_date:
                raise ValidationError(
                    {
                        "decided_on": "The decision cannot be before its consult "
                        f"({long_date(consult.consult_date)})."
                    }
                )
            if (
                consult.has_red_flags
                and self.outcome in self.ELECTIVE
                and not self.red_flags_acknowledged
            ):
                raise ValidationError(
                    {
                        "red_flags_acknowledged": (
                            "The consult records red flags ("
                            + ", ".join(consult.red_flags)
                            + "). Confirm you considered them before an elective plan."
                        )
                    }
                )

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
    def factor_rows(self):
        return [
            (
                "Severity of the herniation",
                self.get_severity_assessment_display(),
                self.severity_note,
            ),
            ("Overall health", self.get_health_assessment_display(), self.health_note),
            ("Specific symptoms", self.get_symptoms_assessment_display(), self.symptoms_note),
        ]

    def supersede(self, *, by, **fields):
        """Record an amendment of this decision; this one stays, linked as superseded.

        ``fields`` are the amended decision's form fields. Returns the new decision.
        """
        with transaction.atomic():
            locked = CandidacyDecision._base_manager.select_for_update().get(pk=self.pk)
            if locked.entered_in_error:
                raise ValidationError("A decision entered in error cannot be amended.")
            if CandidacyDecision._base_manager.filter(supersedes=locked).exists():
                raise ValidationError(
                    "This decision has already been amended; amend the current one.",
                    code="stale",
                )
            fields.setdefault("consult", self.consult)
            new = CandidacyDecision(supersedes=self, decided_by=by, recorded_by=by, **fields)
            if new.decided_on and new.decided_on < self.decided_on:
                raise ValidationError(
                    {
                        "decided_on": "A decision cannot be dated before the decision it amends "
                        f"or replaces ({long_date(self.decided_on)})."
                    }
                )
            new.full_clean()
            new.save()
            return new


# --- procedure -----------------------------------------------------------------------------------


class Technique(models.TextChoices):
    FE_TRANSFORAMINAL = "fe_transforaminal", "Full-endoscopic transforaminal"
    FE_INTERLAMINAR = "fe_interlaminar", "Full-endoscopic interlaminar"
    TUBULAR = "tubular", "Tubular microdiscectomy"
    OPEN = "open", "Open microdiscectomy"


# A stay is plausible from admission at most 30 days before the day of the procedure to discharge
# at most a year after it; the derived length of stay then stays below 400 nights.
ADMISSION_DAYS_BEFORE = 30
DISCHARGE_DAYS_AFTER = 365
MAX_STAY_NIGHTS = 400


class Procedure(ClinicalRecord):
    """An operation for a lumbar disc herniation."""

    Technique = Technique

    MISS_TECHNIQUES = (Technique.FE_TRANSFORAMINAL, Technique.FE_INTERLAMINAR, Technique.TUBULAR)

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="procedures", editable=False
    )
    decision = models.ForeignKey(
        CandidacyDecision,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text="The decision for surgery this procedure carries out.",
    )
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="procedures"
    )
    procedure_date = models.DateField(validators=CLINICAL_DATE)
    technique = models.CharField(max_length=20, choices=Technique)
    level = models.CharField(max_length=5, choices=Level)
    second_level = models.CharField(max_length=5, choices=Level, blank=True)
    side = models.CharField(max_length=10, choices=Side)
    incision_length_mm = models.PositiveSmallIntegerField(
        "incision length (mm)", validators=[MinValueValidator(1), MaxValueValidator(300)]
    )
    skin_to_skin_minutes = models.PositiveSmallIntegerField(
        "skin-to-skin time (minutes)", validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    blood_loss_ml = models.PositiveIntegerField(
        "blood loss (ml)", null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    converted_to_open = models.BooleanField("converted to open", default=False)
    admitted_at = models.DateTimeField(
        validators=CLINICAL_DATE,
        help_text=f"At most {ADMISSION_DAYS_BEFORE} days before the day of the procedure.",
    )
    discharged_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=CLINICAL_DATE,
        help_text="Empty while in hospital; at most a year after the day of the procedure.",
    )
    # Derived in compute_stay(), never typed.
    length_of_stay_nights = models.PositiveSmallIntegerField(null=True, editable=False)
    length_of_stay_hours = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, editable=False
    )
    same_day_discharge = models.BooleanField(null=True, editable=False)
    next_day_discharge = models.BooleanField(null=True, editable=False)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
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
                violation_error_message=(
                    "This decision already has its procedure. A reoperation is recorded under "
                    "a new decision."
                ),
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
        return f"{self.get_technique_display()} {self.levels_display} ({self.procedure_date})"

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
                errors[NON_FIELD_ERRORS] = "A procedure needs a decision for surgery."
        if self.admitted_at and self.discharged_at and self.discharged_at < self.admitted_at:
            errors["discharged_at"] = "Discharge cannot be before admission."
        if self.admitted_at and self.procedure_date:
            admitted = local_day(self.admitted_at)
            earliest = days_from(self.procedure_date, -ADMISSION_DAYS_BEFORE)
            if admitted > self.procedure_date:
                errors["admitted_at"] = "Admission cannot be after the day of the procedure."
            elif admitted < earliest:
                errors["admitted_at"] = (
                    f"Admission is at most {ADMISSION_DAYS_BEFORE} days before the procedure: "
                    f"not before {long_date(earliest)}."
                )
        if self.discharged_at and self.procedure_date:
            discharged = local_day(self.discharged_at)
            latest = days_from(self.procedure_date, DISCHARGE_DAYS_AFTER)
            if discharged < self.procedure_date:
                errors.setdefault(
                    "discharged_at", "Discharge cannot be before the day of the procedure."
                )
            elif discharged > latest:
                errors.setdefault(
                    "discharged_at",
                    f"Discharge is at most a year after the procedure: by {long_date(latest)}.",
                )
        if decision is not None and self.procedure_date:
            if self.procedure_date < decision.decided_on:
                day = long_date(decision.decided_on)
                errors["procedure_date"] = f"The procedure cannot be before the decision ({day})."
        if self.second_level and self.second_level == self.level:
            errors["second_level"] = "The second level must differ from the first."
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


# --- adverse event -------------------------------------------------------------------------------


class AdverseEventType(models.TextChoices):
    DURAL_TEAR = "dural_tear", "Dural tear"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    HAEMATOMA = "haematoma", "Haematoma"
    SSI = "ssi", "Surgical-site infection"
    NEW_DEFICIT = "new_deficit", "New neurological deficit"
    RECURRENCE = "recurrence", "Recurrent herniation"
    READMISSION = "readmission", "Readmission"
    REOPERATION = "reoperation", "Reoperation"
    DVT_PE = "dvt_pe", "DVT / PE"


class ClavienDindoGrade(models.TextChoices):
    I = "I", "I — no treatment beyond simple measures"  # noqa: E741
    II = "II", "II — pharmacological treatment"
    IIIA = "IIIa", "IIIa — intervention without general anaesthesia"
    IIIB = "IIIb", "IIIb — intervention under general anaesthesia"
    IVA = "IVa", "IVa — single-organ dysfunction (ICU)"
    IVB = "IVb", "IVb — multi-organ dysfunction (ICU)"
    V = "V", "V — death"


# Complications are attributed to a procedure for five years after it (past the 24-month
# follow-up); later ones belong to another episode of care.
ADVERSE_EVENT_SPAN_DAYS = 5 * 365 + 1


class AdverseEvent(ClinicalRecord):
    """A complication after a procedure, graded by Clavien-Dindo."""

    Type = AdverseEventType
    Grade = ClavienDindoGrade

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="adverse_events", editable=False
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="adverse_events"
    )
    event_type = models.CharField("type", max_length=15, choices=Type)
    onset_date = models.DateField(validators=CLINICAL_DATE)
    clavien_dindo_grade = models.CharField("Clavien-Dindo grade", max_length=4, choices=Grade)
    description = models.TextField(blank=True, max_length=4000)
    # Derived in compute_timing(), never typed.
    days_after_procedure = models.PositiveSmallIntegerField(null=True, editable=False)
    within_30_days = models.BooleanField(default=False, editable=False)
    within_90_days = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
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
        return f"{self.get_event_type_display()} ({self.onset_date})"

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
                    {"onset_date": "An adverse event cannot start before the procedure."}
                )
            if self.onset_date > latest:
                raise ValidationError(
                    {
                        "onset_date": "An adverse event of this procedure starts within five "
                        f"years of it: by {long_date(latest)}."
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


# --- check-in instruments (patient-reported outcomes) ---------------------------------------------


def _odi_points(score):
    """The stored ODI (whole points, half up) from cases.odi's score; None stays None."""
    if score is None:
        return None
    return int(decimal.Decimal(str(score)).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP))


class InstrumentCode(models.TextChoices):
    ODI = "odi", "Oswestry Disability Index"


class InstrumentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_language(self, code, language):
        """The active wording of ``code`` in ``language``, else in the site language, else None."""
        rows = {i.language: i for i in self.active().filter(code=code)}
        return rows.get(language) or rows.get(settings.LANGUAGE_CODE) or None


class Instrument(models.Model):
    """A questionnaire's licensed wording, loaded by ``manage.py load_instrument`` (never shipped).

    ``sections`` is ``[{"code": "odi_01", "title": "…", "options": ["…" × 6]}, …]``; the format is
    in cases/instrument_format.md. One version per code and language is active.
    """

    Code = InstrumentCode

    code = models.CharField(max_length=10, choices=InstrumentCode)
    version = models.CharField(max_length=40)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, max_length=4000)
    sections = models.JSONField()
    is_active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version", "language"], name="instrument_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code", "language"],
                condition=Q(is_active=True),
                name="instrument_one_active_per_language",
            ),
            choices_check("code", InstrumentCode, "instrument_code_valid"),
        ]

    def __str__(self):
        return f"{self.get_code_display()} {self.version} ({self.language})"


class CheckinReminder(models.Model):
    """The one reminder a follow-up's check-in gets (send_checkin_reminders sends at most one)."""

    follow_up = models.OneToOneField("FollowUp", on_delete=models.PROTECT, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)
    email = models.EmailField()

    def __str__(self):
        return f"Check-in reminder for follow-up {self.follow_up_id}"


# --- follow-up -----------------------------------------------------------------------------------


class Timepoint(models.TextChoices):
    WEEKS_2 = "2w", "2 weeks"
    WEEKS_6 = "6w", "6 weeks"
    MONTHS_3 = "3m", "3 months"
    MONTHS_12 = "12m", "12 months"
    MONTHS_24 = "24m", "24 months"


# The patient's name for each timepoint: "your 6-week check-in".
CHECKIN_NAMES = {
    Timepoint.WEEKS_2: "2-week",
    Timepoint.WEEKS_6: "6-week",
    Timepoint.MONTHS_3: "3-month",
    Timepoint.MONTHS_12: "12-month",
    Timepoint.MONTHS_24: "24-month",
}

# The follow-up schedule, in days after the anchor (procedure date, or decision date for patients
# who were not operated): (target, window opens, window closes). The one table of it. Windows are
# wide enough for clinic scheduling and do not overlap, so a visit belongs to one timepoint.
TIMEPOINT_WINDOWS = {
    Timepoint.WEEKS_2: (14, 10, 21),
    Timepoint.WEEKS_6: (42, 35, 56),
    Timepoint.MONTHS_3: (91, 75, 120),
    Timepoint.MONTHS_12: (365, 330, 420),
    Timepoint.MONTHS_24: (730, 690, 780),
}


class FollowUpQuerySet(ClinicalQuerySet):
    def pending(self):
        return self.valid().filter(completed_at__isnull=True, cancelled_at__isnull=True)

    def due(self, today=None):
        """Pending follow-ups whose window is open today."""
        today = today or timezone.localdate()
        return self.pending().filter(window_opens__lte=today, window_closes__gte=today)

    def overdue(self, today=None):
        """Pending follow-ups whose window has closed."""
        today = today or timezone.localdate()
        return self.pending().filter(window_closes__lt=today)

    def due_or_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.pending().filter(window_opens__lte=today)

    def checkins_of(self, user):
        """The follow-ups of ``user``'s own Patient record: the only ones they may answer."""
        if not user.is_authenticated or not user.is_patient:
            return self.none()
        return self.valid().filter(patient__user=user, cancelled_at__isnull=True)


class FollowUpSource(models.TextChoices):
    SPECIALIST = "specialist", "Entered by the specialist"
    PATIENT = "patient", "Answered by the patient"


class GlobalEffect(models.TextChoices):
    COMPLETELY_RECOVERED = "completely_recovered", "Completely recovered"
    MUCH_IMPROVED = "much_improved", "Much improved"
    SLIGHTLY_IMPROVED = "slightly_improved", "Slightly improved"
    NO_CHANGE = "no_change", "No change"
    SLIGHTLY_WORSE = "slightly_worse", "Slightly worse"
    MUCH_WORSE = "much_worse", "Much worse"
    WORSE_THAN_EVER = "worse_than_ever", "Worse than ever"


class Satisfaction(models.IntegerChoices):
    VERY = 1, "1 — The treatment met my expectations"
    SOMEWHAT = 2, "2 — Not as improved as hoped, but would have the same treatment again"
    NOT_AGAIN = 3, "3 — Helped, but would not have the same treatment again"
    WORSE = 4, "4 — I am the same or worse than before"


class FollowUp(ClinicalRecord):
    """One timepoint of a patient's follow-up: scheduled first, then completed."""

    Source = FollowUpSource
    GlobalEffect = GlobalEffect
    Satisfaction = Satisfaction

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="follow_ups", editable=False
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    decision = models.ForeignKey(
        CandidacyDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The anchor for patients who were not operated.",
    )
    timepoint = models.CharField(max_length=3, choices=Timepoint)
    # Derived from the anchor in compute_schedule(), never typed.
    anchor_date = models.DateField(editable=False)
    due_date = models.DateField(editable=False)
    window_opens = models.DateField(editable=False)
    window_closes = models.DateField(editable=False)
    # Results
    source = models.CharField(max_length=10, choices=Source, default=Source.SPECIALIST)
    assessed_on = models.DateField(null=True, blank=True, validators=CLINICAL_DATE)
    out_of_window_reason = models.CharField(
        "reason for assessing outside the window",
        max_length=255,
        blank=True,
        help_text="Only for an assessment outside the timepoint's window: it is kept, but not "
        "counted in that timepoint's figures.",
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(max_length=255, blank=True, editable=False)
    nrs_back = nrs_field("NRS back pain", null=True, blank=True)
    nrs_leg = nrs_field("NRS leg pain", null=True, blank=True)
    returned_to_daily_activities_on = models.DateField(
        "returned to daily activities on", null=True, blank=True, validators=CLINICAL_DATE
    )
    returned_to_work_on = models.DateField(
        "returned to work on", null=True, blank=True, validators=CLINICAL_DATE
    )
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Satisfaction, help_text="NASS: 1–2 count as satisfied."
    )
    global_perceived_effect = models.CharField(max_length=25, choices=GlobalEffect, blank=True)
    odi_score = odi_field()
    # Patient check-ins: the ODI item marks ({section code: [marks]}), from which odi_score is
    # derived (compute_odi), and the patient's unsubmitted answers, which count nowhere.
    odi_answers = models.JSONField(default=dict, blank=True, editable=False)
    checkin_draft = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["window_opens", "patient"],
                name="followup_pending_idx",
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["patient", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(procedure__isnull=False, decision__isnull=True)
                | Q(procedure__isnull=True, decision__isnull=False),
                name="followup_one_anchor",
            ),
            models.UniqueConstraint(
                fields=["procedure", "timepoint"],
                condition=Q(entered_in_error=False, procedure__isnull=False),
                name="followup_one_per_procedure_timepoint",
            ),
            models.UniqueConstraint(
                fields=["decision", "timepoint"],
                condition=Q(entered_in_error=False, decision__isnull=False),
                name="followup_one_per_decision_timepoint",
            ),
            range_check("nrs_back", 0, 10, "followup_nrs_back_0_10", nullable=True),
            range_check("nrs_leg", 0, 10, "followup_nrs_leg_0_10", nullable=True),
            range_check("satisfaction", 1, 4, "followup_satisfaction_1_4", nullable=True),
            range_check("odi_score", 0, 100, "followup_odi_0_100", nullable=True),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(nrs_back__isnull=False, nrs_leg__isnull=False, assessed_on__isnull=False),
                name="followup_completed_has_nrs",
            ),
            models.CheckConstraint(
                condition=Q(window_opens__lte=models.F("due_date"))
                & Q(due_date__lte=models.F("window_closes")),
                name="followup_window_holds_due_date",
            ),
            # Assessed inside the window, or kept with the reason why not (and not counted).
            models.CheckConstraint(
                condition=Q(assessed_on__isnull=True)
                | Q(
                    assessed_on__gte=models.F("window_opens"),
                    assessed_on__lte=models.F("window_closes"),
                )
                | ~Q(out_of_window_reason=""),
                name="followup_assessed_in_window_or_reason",
            ),
            from_1900_check("assessed_on", "followup_assessed_from_1900", nullable=True),
            from_1900_check(
                "returned_to_daily_activities_on", "followup_daily_from_1900", nullable=True
            ),
            from_1900_check("returned_to_work_on", "followup_work_from_1900", nullable=True),
            choices_check("timepoint", Timepoint, "followup_timepoint_valid"),
            choices_check("source", FollowUpSource, "followup_source_valid"),
            choices_check(
                "global_perceived_effect", GlobalEffect, "followup_gpe_valid", blank=True
            ),
            entered_in_error_check("followup"),
        ]

    def __str__(self):
        return f"{self.get_timepoint_display()} follow-up (due {self.due_date})"

    def save(self, *args, **kwargs):
        self.compute_schedule()
        self.compute_odi()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED}
            if "odi_answers" in kwargs["update_fields"]:
                kwargs["update_fields"].add("odi_score")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:followup_form", args=[self.pk])

    DERIVED = ("patient", "anchor_date", "due_date", "window_opens", "window_closes")

    def clean(self):
        errors = {}
        anchor = self.anchor
        schedule = self.schedule()
        if anchor is not None and self.assessed_on:
            if self.assessed_on < self.anchor_day(anchor):
                errors["assessed_on"] = "The follow-up cannot be before the procedure/decision."
        if schedule is not None:
            errors.update(self._window_errors(*schedule[2:]))
        for name in ("returned_to_daily_activities_on", "returned_to_work_on"):
            day = getattr(self, name)
            if anchor is not None and day and day < self.anchor_day(anchor):
                errors[name] = "This date cannot be before the procedure/decision."
            elif day and self.assessed_on and day > self.assessed_on:
                errors[name] = (
                    f"This date cannot be after the assessment ({long_date(self.assessed_on)})."
                )
        if self.odi_answers:
            try:
                derived = self.odi_result().score
            except ValueError as error:
                errors["odi_answers"] = str(error)
            else:
                # The score is typed on paper-ODI follow-ups only: never both typed and derived.
                if self.odi_score is not None and self.odi_score != _odi_points(derived):
                    errors["odi_score"] = (
                        "The ODI score is computed from the patient's answers; it cannot be typed."
                    )
        if errors:
            raise ValidationError(errors)

    def _window_errors(self, opens, closes):
        """An assessment outside the window needs a reason; one inside it takes none."""
        reason = (self.out_of_window_reason or "").strip()
        outside = self.assessed_on is not None and not opens <= self.assessed_on <= closes
        name = CHECKIN_NAMES[Timepoint(self.timepoint)]  # "2-week"
        if outside and not reason:
            return {
                "assessed_on": f"The {name} window runs from {long_date(opens)} to "
                f"{long_date(closes)}. An assessment outside it is kept but not counted in the "
                f"{name} figures: give the reason it was assessed outside the window."
            }
        if reason and not outside:
            return {
                "out_of_window_reason": "Leave this empty: a reason is given only for an "
                "assessment outside the window."
            }
        return {}

    @property
    def anchor(self):
        if self.procedure_id:
            return self.procedure
        if self.decision_id:
            return self.decision
        return None

    @staticmethod
    def anchor_day(anchor):
        if isinstance(anchor, Procedure):
            return anchor.procedure_date
        return anchor.decided_on

    def schedule(self):
        """``(anchor date, due date, window opens, window closes)`` from the anchor and
        TIMEPOINT_WINDOWS, or None without an anchor or a known timepoint: the one place the
        schedule is worked out."""
        anchor = self.anchor
        if anchor is None or self.timepoint not in Timepoint.values:
            return None
        day = self.anchor_day(anchor)
        if day is None:
            return None
        target, opens, closes = TIMEPOINT_WINDOWS[Timepoint(self.timepoint)]
        return day, days_from(day, target), days_from(day, opens), days_from(day, closes)

    def compute_schedule(self):
        """Anchor, due date and window from schedule(): the derived columns, set here only."""
        schedule = self.schedule()
        if schedule is None:
            return
        self.patient_id = self.anchor.patient_id
        self.anchor_date, self.due_date, self.window_opens, self.window_closes = schedule

    def odi_result(self):
        """The ODI scored from the item marks (cases.odi: the one place the scoring lives)."""
        return odi.score(self.odi_answers or {})

    def compute_odi(self):
        """With item marks, odi_score is derived from them: computed here only."""
        if self.odi_answers:
            self.odi_score = _odi_points(self.odi_result().score)

    @property
    def odi_flag(self):
        """ "ODI incomplete (n of 10 answered)" when the marks are too few to score, else ""."""
        if not self.odi_answers:
            return ""
        result = self.odi_result()
        if result.is_complete:
            return ""
        return f"ODI incomplete ({result.sections_answered} of {len(odi.SECTIONS)} answered)"

    @property
    def checkin_title(self):
        """The patient's name for this timepoint: "Your 6-week check-in"."""
        return f"Your {CHECKIN_NAMES[Timepoint(self.timepoint)]} check-in"

    @property
    def is_completed(self):
        return self.completed_at is not None

    @property
    def is_pending(self):
        return self.completed_at is None and self.cancelled_at is None and not self.entered_in_error

    def status(self, today=None):
        """One of completed, cancelled, entered_in_error, overdue, due, scheduled."""
        today = today or timezone.localdate()
        if self.entered_in_error:
            return "entered_in_error"
        if self.completed_at:
            return "completed"
        if self.cancelled_at:
            return "cancelled"
        if self.window_closes < today:
            return "overdue"
        if self.window_opens <= today:
            return "due"
        return "scheduled"

    @property
    def in_window(self):
        return bool(
            self.assessed_on and self.window_opens <= self.assessed_on <= self.window_closes
        )

    @property
    def satisfied(self):
        return None if self.satisfaction is None else self.satisfaction <= 2

    @property
    def baseline_consult(self):
        """The consult whose NRS and ODI are this follow-up's baseline (that of its decision)."""
        anchor = self.anchor
        if anchor is None:
            return None
        decision = anchor.decision if isinstance(anchor, Procedure) else anchor
        return decision.consult

    def mic_reached(self, thresholds=None):
        """``{measure: True/False/None}``: did the change from baseline reach the MIC?

        ``thresholds`` defaults to the active set (``cases.outcomes.active_thresholds()``); pass
        it in when checking many follow-ups. None where a value or a threshold is missing.
        """
        if thresholds is None:
            thresholds = MinimalImportantChange.objects.active().by_measure()
        consult = self.baseline_consult
        pairs = {
            MICMeasure.NRS_BACK: ("nrs_back", "nrs_back"),
            MICMeasure.NRS_LEG: ("nrs_leg", "nrs_leg"),
            MICMeasure.ODI: ("odi_score", "odi_score"),
        }
        reached = {}
        for measure, (baseline_field, field) in pairs.items():
            threshold = thresholds.get(measure)
            baseline = getattr(consult, baseline_field) if consult is not None else None
            value = getattr(self, field) if self.is_completed else None
            reached[measure.value] = (
                None if threshold is None else threshold.is_reached(baseline, value)
            )
        return reached

    def cancel(self, *, reason):
        """Stop expecting a pending follow-up (e.g. the patient was operated after all)."""
        if not self.is_pending:
            raise ValidationError("Only a pending follow-up can be cancelled.")
        self.cancelled_at = timezone.now()
        self.cancel_reason = reason[:255]
        self.version += 1
        self.save(update_fields=["cancelled_at", "cancel_reason", "version"])


# --- minimal important change --------------------------------------------------------------------


class MICMeasure(models.TextChoices):
    NRS_BACK = "nrs_back", "NRS back pain"
    NRS_LEG = "nrs_leg", "NRS leg pain"
    ODI = "odi", "ODI"


class MinimalImportantChangeQuerySet(models.QuerySet):
    def active(self, set_key=None):
        """The active thresholds of a set (by default the one ``OUTCOME_MIC_SET`` names)."""
        return self.filter(set_key=set_key or settings.OUTCOME_MIC_SET, is_active=True)

    def by_measure(self):
        """``{"nrs_back": threshold, "nrs_leg": …, "odi": …}``, in one query."""
        return {threshold.measure: threshold for threshold in self}


class MinimalImportantChange(models.Model):
    """One cited threshold of a minimal important change (MIC) for one outcome measure.

    Thresholds are configuration, not constants: each row says where it comes from (a citation)
    and which version of the set it belongs to. The clinic chooses the set with the
    ``OUTCOME_MIC_SET`` setting; within a set, one row per measure is active.

    A change is an *improvement*: baseline minus follow-up (lower NRS and ODI are better). The
    MIC is reached when the improvement is at least ``points``, **or** — when
    ``relative_percent`` is set — at least that percentage of the baseline value. Ostelo 2008
    gives "2 points or 30 %" for NRS, read as either criterion sufficing.
    """

    Measure = MICMeasure

    set_key = models.SlugField(
        "set", max_length=40, help_text="e.g. ostelo-2008, swespine-2020 (OUTCOME_MIC_SET)."
    )
    measure = models.CharField(max_length=10, choices=Measure)
    points = models.DecimalField(
        "absolute improvement (points)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    relative_percent = models.PositiveSmallIntegerField(
        "or relative improvement (% of baseline)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Optional: the MIC is also reached by this share of the baseline value.",
    )
    citation = models.CharField(max_length=300)
    version = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    objects = MinimalImportantChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "minimal important change"
        ordering = ["set_key", "measure", "-version"]
        constraints = [
            choices_check("measure", MICMeasure, "mic_measure_valid"),
            models.CheckConstraint(condition=Q(points__gte=0), name="mic_points_not_negative"),
            range_check("relative_percent", 1, 100, "mic_percent_1_100", nullable=True),
            models.UniqueConstraint(
                fields=["set_key", "measure", "version"], name="mic_one_per_set_measure_version"
            ),
            models.UniqueConstraint(
                fields=["set_key", "measure"],
                condition=Q(is_active=True),
                name="mic_one_active_per_set_measure",
            ),
        ]

    def __str__(self):
        text = f"{self.set_key} {self.get_measure_display()}: {self.points} points"
        if self.relative_percent:
            text += f" or {self.relative_percent} %"
        return f"{text} (v{self.version})"

    def is_reached(self, baseline, value):
        """Whether the change from ``baseline`` to ``value`` reaches this MIC; None if unknown."""
        if baseline is None or value is None:
            return None
        improvement = baseline - value
        if improvement >= self.points:
            return True
        # Integer arithmetic: improvement / baseline ≥ percent / 100, without rounding.
        return bool(
            self.relative_percent
            and improvement > 0
            and improvement * 100 >= self.relative_percent * baseline
        )


# --- outcome figures -----------------------------------------------------------------------------


class FigureSnapshot(models.Model):
    """The outcome figures as computed at one moment (``cases.outcomes.refresh``).

    Derived data, rebuilt from the clinical records whenever they change: the cohort's rows, the
    clinical team's unfiltered figures, every aggregate the editors may request (protected) and
    the figures articles show. Pages read the newest one, so all of them agree.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(help_text="When the cohort was read.")
    as_of = models.DateField(help_text="The day the figures were computed for.")
    mic_set = models.SlugField(max_length=40)
    rows = models.JSONField(default=list)
    clinical = models.JSONField(default=dict)
    editor = models.JSONField(default=dict)
    article = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "pk"

    def __str__(self):
        return f"Outcome figures as of {self.as_of} ({self.created_at:%Y-%m-%d %H:%M})"
