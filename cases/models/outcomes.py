"""The minimal important change thresholds, and the snapshot of the outcome figures."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models.base import range_check
from cases.models.choices import MICMeasure
from clinic.models import choices_check


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
        _("set"), max_length=40, help_text=_("e.g. ostelo-2008, swespine-2020 (OUTCOME_MIC_SET).")
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure)
    points = models.DecimalField(
        _("absolute improvement (points)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    relative_percent = models.PositiveSmallIntegerField(
        _("or relative improvement (% of baseline)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Optional: the MIC is also reached by this share of the baseline value."),
    )
    citation = models.CharField(_("citation"), max_length=300)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MinimalImportantChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("minimal important change")
        verbose_name_plural = _("minimal important changes")
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


class FigureSnapshot(models.Model):
    """The outcome figures as computed at one moment (``cases.outcomes.refresh``).

    Derived data, rebuilt from the clinical records whenever they change: the cohort's rows, the
    clinical team's unfiltered figures, every aggregate the editors may request (protected) and
    the figures articles show. Pages read the newest one, so all of them agree.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(help_text=_("When the cohort was read."))
    as_of = models.DateField(help_text=_("The day the figures were computed for."))
    mic_set = models.SlugField(max_length=40)
    rows = models.JSONField(default=list)
    clinical = models.JSONField(default=dict)
    editor = models.JSONField(default=dict)
    article = models.JSONField(default=dict)
    thresholds = models.JSONField(
        default=list,
        help_text=_("The minimal-important-change set the figures were computed with."),
    )

    class Meta:
        get_latest_by = "pk"

    def __str__(self):
        when = date_format(self.created_at, "DATETIME_FORMAT")
        return f"Outcome figures as of {date_format(self.as_of)} ({when})"


class FigureResult(models.Model):
    """The clinical team's figures for one filter of a :class:`FigureSnapshot`, computed with it.

    Every combination of surgeon, technique and calendar year that has procedures is computed in
    the background, so the dashboard reads one row for any of them instead of computing over the
    cohort (``cases.outcomes.snapshots``).
    """

    snapshot = models.ForeignKey(FigureSnapshot, on_delete=models.CASCADE, related_name="results")
    key = models.CharField(max_length=60, help_text=_("surgeon|technique|year; empty parts: all."))
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="figure_result_one_per_key")
        ]

    def __str__(self):
        return f"Figures {self.key} of snapshot {self.snapshot_id}"
