"""The follow-up schedule and each timepoint's follow-up, answered by the specialist or
the patient."""

import decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import odi
from cases.models.base import (
    CLINICAL_DATE,
    ClinicalQuerySet,
    ClinicalRecord,
    days_from,
    entered_in_error_check,
    long_date,
    nrs_field,
    odi_field,
    range_check,
)
from cases.models.choices import (
    BASELINE,
    BaselineWorkStatus,
    FollowUpSource,
    FollowUpTimepoint,
    GlobalEffect,
    MICMeasure,
    Satisfaction,
    Timepoint,
)
from cases.models.decision import CandidacyDecision
from cases.models.outcomes import MinimalImportantChange
from cases.models.procedure import Procedure
from clinic.models import Patient, choices_check, from_1900_check


def _odi_points(score):
    """The stored ODI (whole points, half up) from cases.odi's score; None stays None."""
    if score is None:
        return None
    return int(decimal.Decimal(str(score)).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP))


# Each timepoint's window, for the staff's messages: "the 6-week window" (keyed by the stored
# value), whole phrases for the translators.
CHECKIN_NAMES = {
    BASELINE: _("the baseline window"),
    Timepoint.WEEKS_2: _("the 2-week window"),
    Timepoint.WEEKS_6: _("the 6-week window"),
    Timepoint.MONTHS_3: _("the 3-month window"),
    Timepoint.MONTHS_12: _("the 12-month window"),
    Timepoint.MONTHS_24: _("the 24-month window"),
}
# The patient's title of each check-in, whole sentences for the translators.
CHECKIN_TITLES = {
    BASELINE: _("Your baseline check-in"),
    Timepoint.WEEKS_2: _("Your 2-week check-in"),
    Timepoint.WEEKS_6: _("Your 6-week check-in"),
    Timepoint.MONTHS_3: _("Your 3-month check-in"),
    Timepoint.MONTHS_12: _("Your 12-month check-in"),
    Timepoint.MONTHS_24: _("Your 24-month check-in"),
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

# The patient-reported baseline: open from the decision until the procedure day, or for this many
# days after the decision while no procedure is recorded (patients who are not operated).
BASELINE_DAYS = 30


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


class FollowUp(ClinicalRecord):
    """One timepoint of a patient's follow-up: scheduled first, then completed."""

    Source = FollowUpSource
    GlobalEffect = GlobalEffect
    Satisfaction = Satisfaction

    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        editable=False,
        verbose_name=_("patient"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("procedure"),
    )
    decision = models.ForeignKey(
        CandidacyDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("decision"),
        help_text=_("The anchor for patients who were not operated."),
    )
    timepoint = models.CharField(_("timepoint"), max_length=3, choices=FollowUpTimepoint)
    # Derived from the anchor in compute_schedule(), never typed.
    anchor_date = models.DateField(_("anchor date"), editable=False)
    due_date = models.DateField(_("due date"), editable=False)
    window_opens = models.DateField(_("window opens"), editable=False)
    window_closes = models.DateField(_("window closes"), editable=False)
    # Results
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.SPECIALIST)
    assessed_on = models.DateField(
        _("assessed on"), null=True, blank=True, validators=CLINICAL_DATE
    )
    out_of_window_reason = models.CharField(
        _("reason for assessing outside the window"),
        max_length=255,
        blank=True,
        help_text=_(
            "Only for an assessment outside the timepoint's window: it is kept, but not "
            "counted in that timepoint's figures."
        ),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=255, blank=True, editable=False
    )
    nrs_back = nrs_field(_("NRS back pain"), null=True, blank=True)
    nrs_leg = nrs_field(_("NRS leg pain"), null=True, blank=True)
    returned_to_daily_activities_on = models.DateField(
        _("returned to daily activities on"), null=True, blank=True, validators=CLINICAL_DATE
    )
    returned_to_work_on = models.DateField(
        _("returned to work on"), null=True, blank=True, validators=CLINICAL_DATE
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        choices=Satisfaction,
        help_text=_("NASS: 1–2 count as satisfied."),
    )
    global_perceived_effect = models.CharField(
        _("global perceived effect"), max_length=25, choices=GlobalEffect, blank=True
    )
    # Asked at baseline only (the later check-ins ask when the patient went back to work).
    work_status = models.CharField(
        _("work status"), max_length=12, choices=BaselineWorkStatus, blank=True
    )
    odi_score = odi_field()
    # Patient check-ins: the ODI item marks ({section code: [marks]}), from which odi_score is
    # derived (compute_odi), and the patient's unsubmitted answers, which count nowhere.
    odi_answers = models.JSONField(_("ODI answers"), default=dict, blank=True, editable=False)
    checkin_draft = models.JSONField(_("check-in draft"), default=dict, blank=True, editable=False)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["window_opens", "patient"],
                name="followup_pending_idx",
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["patient", "due_date"]),
            # The dashboard's due and overdue follow-ups, in the order it lists them: it reads
            # the first rows of this index instead of sorting every pending follow-up.
            models.Index(
                fields=["window_closes", "id"],
                name="followup_pending_order_idx",
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True)
                & Q(entered_in_error=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(procedure__isnull=False, decision__isnull=True)
                | Q(procedure__isnull=True, decision__isnull=False)
                # The baseline belongs to the decision; its procedure, once recorded, closes it.
                | Q(timepoint=BASELINE, decision__isnull=False),
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
            choices_check("timepoint", FollowUpTimepoint, "followup_timepoint_valid"),
            choices_check("work_status", BaselineWorkStatus, "followup_work_valid", blank=True),
            choices_check("source", FollowUpSource, "followup_source_valid"),
            choices_check(
                "global_perceived_effect", GlobalEffect, "followup_gpe_valid", blank=True
            ),
            entered_in_error_check("followup"),
        ]

    def __str__(self):
        return _("%(timepoint)s follow-up (due %(day)s)") % {
            "timepoint": self.get_timepoint_display(),
            "day": date_format(self.due_date),
        }

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
                errors["assessed_on"] = _("The follow-up cannot be before the procedure/decision.")
        if schedule is not None:
            errors.update(self._window_errors(*schedule[2:]))
        for name in ("returned_to_daily_activities_on", "returned_to_work_on"):
            day = getattr(self, name)
            if anchor is not None and day and day < self.anchor_day(anchor):
                errors[name] = _("This date cannot be before the procedure/decision.")
            elif day and self.assessed_on and day > self.assessed_on:
                errors[name] = _("This date cannot be after the assessment (%(day)s).") % {
                    "day": long_date(self.assessed_on)
                }
        if self.odi_answers:
            try:
                derived = self.odi_result().score
            except ValueError as error:
                errors["odi_answers"] = str(error)
            else:
                # The score is typed on paper-ODI follow-ups only: never both typed and derived.
                if self.odi_score is not None and self.odi_score != _odi_points(derived):
                    errors["odi_score"] = _(
                        "The ODI score is computed from the patient's answers; it cannot be typed."
                    )
        if errors:
            raise ValidationError(errors)

    def _window_errors(self, opens, closes):
        """An assessment outside the window needs a reason; one inside it takes none."""
        reason = (self.out_of_window_reason or "").strip()
        outside = self.assessed_on is not None and not opens <= self.assessed_on <= closes
        if outside and not reason:
            return {
                "assessed_on": _(
                    "%(window)s runs from %(opens)s to %(closes)s. An assessment outside it is "
                    "kept but not counted in that timepoint's figures: give the reason it was "
                    "assessed outside the window."
                )
                % {
                    "window": capfirst(CHECKIN_NAMES[self.timepoint]),
                    "opens": long_date(opens),
                    "closes": long_date(closes),
                }
            }
        if reason and not outside:
            return {
                "out_of_window_reason": _(
                    "Leave this empty: a reason is given only for an assessment outside the window."
                )
            }
        return {}

    @property
    def is_baseline(self):
        return self.timepoint == BASELINE

    @property
    def anchor(self):
        if self.is_baseline and self.decision_id:
            return self.decision
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
        if anchor is None or self.timepoint not in FollowUpTimepoint.values:
            return None
        day = self.anchor_day(anchor)
        if day is None:
            return None
        if self.is_baseline:
            # Before treatment: from the decision to the procedure day once there is one.
            operated = self.procedure.procedure_date if self.procedure_id else None
            closes = max(operated, day) if operated else days_from(day, BASELINE_DAYS)
            return day, day, day, closes
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
        return _("ODI incomplete (%(answered)s of %(total)s answered)") % {
            "answered": result.sections_answered,
            "total": len(odi.SECTIONS),
        }

    @property
    def checkin_title(self):
        """The patient's name for this timepoint: "Your 6-week check-in"."""
        return str(CHECKIN_TITLES[self.timepoint])

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

    def mic_reached(self, thresholds=None, baseline=None):
        """``{measure: True/False/None}``: did the change from baseline reach the MIC?

        ``thresholds`` defaults to the active set (``cases.outcomes.active_thresholds()``); pass
        it in when checking many follow-ups. ``baseline`` is the treatment's baseline as the
        chart has it (``cases.charts``: the patient's own where they reported one, with
        ``nrs_back``, ``nrs_leg`` and ``odi``); without it, the decision's consult. None where a
        value or a threshold is missing.
        """
        if thresholds is None:
            thresholds = MinimalImportantChange.objects.active().by_measure()
        consult = self.baseline_consult
        if baseline is not None:
            consult = SimpleNamespace(
                nrs_back=baseline["nrs_back"],
                nrs_leg=baseline["nrs_leg"],
                odi_score=baseline["odi"],
            )
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
            raise ValidationError(_("Only a pending follow-up can be cancelled."))
        self.cancelled_at = timezone.now()
        self.cancel_reason = reason[:255]
        self.version += 1
        self.save(update_fields=["cancelled_at", "cancel_reason", "version"])
