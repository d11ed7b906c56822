"""The patient's own progress ("My progress"): their answers over time against their own baseline,
the check-ins they have sent and the next one due. Patients only, and only their own record
(``FollowUp.objects.checkins_of``): nothing about anyone else can reach the page. Staff read the
specialist's patient chart instead (cases.charts on the patient page).
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import charts
from cases.checkins_views import patient_required
from cases.models import FollowUp
from clinic.audit import record_view


def patient_progress(user, today=None):
    """What "My progress" shows, read in one query whatever the number of check-ins.

    ``treatment``: the latest treatment's label, ``baseline`` (the patient's own answers before
    it where they gave them, else their consult's; ``source`` says which) and ``points`` (each
    completed follow-up after it); ``completed``: the check-ins the patient sent, latest first;
    ``next_due``: the next check-in still to answer (open now, or the next to open), or None.
    """
    today = today or timezone.localdate()
    follow_ups = list(
        FollowUp.objects.checkins_of(user).select_related(
            "procedure__decision__consult", "decision__consult"
        )
    )
    series = charts.outcome_chart(follow_ups)["series"]
    if series:
        treatment, baseline, points = series[0]["label"], series[0]["baseline"], series[0]["points"]
    else:
        # Not treated yet: their own baseline, if they have answered it, is all there is.
        answered = [
            charts.reported_baseline(f)
            for f in follow_ups
            if f.is_baseline and not _anchor_in_error(f)
        ]
        answered = [b for b in answered if b is not None]
        treatment, baseline, points = "", max(answered, key=lambda b: b["date"], default=None), []
    completed = sorted(
        (
            f
            for f in follow_ups
            if f.completed_at and f.source == FollowUp.Source.PATIENT and not f.entered_in_error
        ),
        key=lambda f: (f.assessed_on, f.completed_at),
        reverse=True,
    )
    waiting = [
        f
        for f in follow_ups
        if f.is_pending and f.window_closes >= today and not _anchor_in_error(f)
    ]
    next_due = min(waiting, key=lambda f: (f.window_opens, f.pk), default=None)
    return {
        "treatment": treatment,
        "baseline": baseline,
        "rows": _rows(baseline, points),
        "completed": completed,
        "next_due": next_due,
        "next_is_open": next_due is not None and next_due.window_opens <= today,
    }


def _anchor_in_error(follow_up):
    anchor = follow_up.anchor
    return anchor is None or anchor.entered_in_error


def _rows(baseline, points):
    """The chart's and the table's numbers: the baseline first, then each follow-up."""
    rows = charts.chart_rows(baseline, points)
    if rows and rows[0]["is_baseline"]:
        rows[0]["label"] = _("Before treatment") if rows[0]["by_patient"] else _("Your consult")
    return rows


def _chart_data(rows):
    return {
        "labels": [
            f"{row['label']} ({date_format(row['date'])})" if row["date"] else row["label"]
            for row in rows
        ],
        **{measure: [row[measure] for row in rows] for measure in charts.MEASURES},
        "baseline": {measure: rows[0][measure] for measure in charts.MEASURES}
        if rows and rows[0]["is_baseline"]
        else None,
        # The chart's words, in the patient's language (the script has none of its own).
        "text": {
            "nrs_back": _("Back pain"),
            "nrs_leg": _("Leg pain"),
            "odi": _("ODI"),
            "before": _("%(measure)s before treatment"),
            "pain_axis": _("Pain (0–10)"),
            "odi_axis": _("ODI (0–100)"),
        },
    }


@require_safe
@patient_required
def my_progress(request):
    context = patient_progress(request.user)
    context["chart_data"] = _chart_data(context["rows"])
    record_view(request, detail="my progress")
    return render(request, "cases/my_progress.html", context)
