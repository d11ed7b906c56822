"""The consult: a specialist's assessment of a suspected lumbar disc herniation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import (
    CLINICAL_DATE,
    ClinicalQuerySet,
    ClinicalRecord,
    entered_in_error_check,
    long_date,
    nrs_field,
    odi_field,
    range_check,
)
from cases.models.choices import (
    ASAClass,
    Criterion,
    DominantPain,
    Level,
    Morphology,
    Side,
    Smoking,
    WorkStatus,
    Zone,
)
from clinic.models import Patient, choices_check, from_1900_check


class Consult(ClinicalRecord):
    """A specialist's assessment of a patient with a suspected lumbar disc herniation."""

    DominantPain = DominantPain
    Morphology = Morphology
    Zone = Zone
    Smoking = Smoking
    WorkStatus = WorkStatus
    ASAClass = ASAClass

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="consults", verbose_name=_("patient")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consults",
        verbose_name=_("specialist"),
    )
    consult_date = models.DateField(_("consult date"), validators=CLINICAL_DATE)
    # Symptoms
    dominant_pain = models.CharField(_("dominant pain"), max_length=10, choices=DominantPain)
    side = models.CharField(_("side"), max_length=10, choices=Side)
    symptom_duration_weeks = models.PositiveSmallIntegerField(
        _("duration of symptoms (weeks)"), validators=[MaxValueValidator(2000)]
    )
    numbness = models.BooleanField(_("numbness"), default=False)
    weakness = models.BooleanField(_("motor weakness"), default=False)
    mrc_grade = models.PositiveSmallIntegerField(
        _("MRC grade of the weakest muscle"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text=_("0 (no contraction) to 5 (normal power). Required when there is weakness."),
    )
    red_flag_saddle_anaesthesia = models.BooleanField(_("saddle anaesthesia"), default=False)
    red_flag_bladder_bowel = models.BooleanField(_("bladder or bowel dysfunction"), default=False)
    red_flag_progressive_deficit = models.BooleanField(
        _("rapidly progressive neurological deficit"), default=False
    )
    red_flag_other = models.BooleanField(
        _("other red flag (fever, cancer history, trauma, weight loss)"), default=False
    )
    # Imaging
    mri_date = models.DateField(_("MRI date"), null=True, blank=True, validators=CLINICAL_DATE)
    level = models.CharField(_("herniation level"), max_length=5, choices=Level)
    second_level = models.CharField(
        _("second level"), max_length=5, choices=Level, blank=True, help_text=_("If two levels.")
    )
    morphology = models.CharField(_("morphology"), max_length=15, choices=Morphology)
    zone = models.CharField(_("zone"), max_length=15, choices=Zone)
    imaging_concordant = models.BooleanField(
        _("imaging concordant with symptoms"),
        null=True,
        blank=True,
        help_text=_("Does the herniation explain the side and level of the symptoms?"),
    )
    # Conservative care
    physiotherapy = models.BooleanField(_("physiotherapy"), default=False)
    medication = models.BooleanField(_("analgesic / neuropathic medication"), default=False)
    injection = models.BooleanField(_("epidural or root injection"), default=False)
    conservative_care_weeks = models.PositiveSmallIntegerField(
        _("conservative care (weeks)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(2000)],
        help_text=_("Leave empty if unknown."),
    )
    # Case-mix
    asa_class = models.PositiveSmallIntegerField(_("ASA class"), choices=ASAClass)
    bmi = models.DecimalField(
        _("BMI"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(80)],
    )
    smoking = models.CharField(_("smoking"), max_length=10, choices=Smoking)
    diabetes = models.BooleanField(_("diabetes"), default=False)
    prior_surgery_at_level = models.BooleanField(_("prior surgery at this level"), default=False)
    work_status = models.CharField(_("work status"), max_length=15, choices=WorkStatus)
    # Baseline outcome measures
    nrs_back = nrs_field(_("NRS back pain"))
    nrs_leg = nrs_field(_("NRS leg pain"))
    odi_score = odi_field(_("baseline ODI score"))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        verbose_name = _("consult")
        verbose_name_plural = _("consults")
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
        return _("Consult %(date)s (%(level)s)") % {
            "date": date_format(self.consult_date),
            "level": self.level,
        }

    def get_absolute_url(self):
        return reverse("cases:consult_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.weakness and self.mrc_grade is None:
            errors["mrc_grade"] = _("Give the MRC grade of the weakest muscle (0–5).")
        if not self.weakness and self.mrc_grade is not None:
            errors["mrc_grade"] = _("An MRC grade is recorded only when there is weakness.")
        if self.mri_date and self.consult_date and self.mri_date > self.consult_date:
            errors["mri_date"] = _("The MRI cannot be after the consult.")
        errors.update(self._birth_errors())
        if self.second_level and self.second_level == self.level:
            errors["second_level"] = _("The second level must differ from the first.")
        if errors:
            raise ValidationError(errors)

    def _birth_errors(self):
        """Nothing happens before the patient was born; symptoms last no longer than a life."""
        born = self.patient.date_of_birth if self.patient_id else None
        if born is None:
            return {}
        errors = {}
        if self.consult_date and self.consult_date < born:
            errors["consult_date"] = _(
                "The consult cannot be before the patient's date of birth (%(day)s)."
            ) % {"day": long_date(born)}
        if self.mri_date and self.mri_date < born:
            errors["mri_date"] = _(
                "The MRI cannot be before the patient's date of birth (%(day)s)."
            ) % {"day": long_date(born)}
        if self.consult_date and self.consult_date >= born:
            lived = (self.consult_date - born).days // 7 + 1
            for name in ("symptom_duration_weeks", "conservative_care_weeks"):
                weeks = getattr(self, name)
                if weeks is not None and weeks > lived:
                    errors[name] = _(
                        "This is longer than the patient had lived at the consult (%(weeks)s "
                        "weeks)."
                    ) % {"weeks": lived}
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
        return [str(self._meta.get_field(n).verbose_name) for n in names if getattr(self, n)]

    @property
    def has_red_flags(self):
        return bool(self.red_flags)

    @property
    def levels_display(self):
        return f"{self.level}, {self.second_level}" if self.second_level else self.level

    def candidacy_criteria(self):
        """The MISS candidacy checklist, computed from this consult.

        Returns a list of ``{"key", "label", "status"}`` with status ``met``, ``not_met`` or
        ``unknown``, labelled from :data:`CRITERIA`. The criteria follow the usual indication for
        discectomy of a lumbar disc herniation: radicular (leg-dominant) pain, concordant
        imaging, failed conservative care of at least six weeks and no red flags calling for an
        urgent pathway.
        """

        def status(value):
            if value is None:
                return Criterion.UNKNOWN
            return Criterion.MET if value else Criterion.NOT_MET

        weeks = self.conservative_care_weeks
        statuses = {
            "leg_dominant": status(self.dominant_pain == self.DominantPain.LEG),
            "imaging_concordant": status(self.imaging_concordant),
            "conservative_6_weeks": status(None if weeks is None else weeks >= 6),
            "no_red_flags": status(not self.has_red_flags),
        }
        return criteria_rows(statuses)


# The MISS candidacy checklist's criteria, by key: a decision stores the keys and statuses.
CRITERIA = {
    "leg_dominant": _("Leg-dominant radicular pain"),
    "imaging_concordant": _("Imaging concordant with symptoms"),
    "conservative_6_weeks": _("Conservative care for at least 6 weeks"),
    "no_red_flags": _("No red flags"),
}


def criteria_rows(statuses):
    """``[{"key", "label", "status"}]`` of a checklist's ``{key: status}``, labelled in the
    active language (JSON-ready)."""
    return [
        {"key": key, "label": str(label), "status": statuses[key]}
        for key, label in CRITERIA.items()
        if key in statuses
    ]
