"""The outcome dashboard: the article's claims beside the clinic's own figures.

Specialists and superusers (the clinical team) see every figure with its n. Content editors may
open the same page aggregate-only and suppressed: every figure from fewer than ten patients reads
"too few to report", on the page, in the charts and in the CSV (DESIGN.md's role table).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from cases import outcomes
from cases.models import Technique, Timepoint
from clinic import roles, spreadsheet
from clinic.audit import record_event, record_view
from clinic.models import AuditEvent, User

# The clinical team: may see every figure with its n.
FULL_VIEW = ["cases.view_procedure", "cases.view_followup", "cases.view_adverseevent"]
# Content editors: aggregate figures only, suppressed below the minimum cell size.
SUPPRESSED_VIEW = ["education.change_article"]

TECHNIQUE_CHOICES = [("", "All techniques"), ("miss", "All MISS techniques"), *Technique.choices]


class OutcomeFilterForm(forms.Form):
    period_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        label="Operated from",
    )
    period_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        label="Operated until",
    )
    technique = forms.ChoiceField(
        choices=TECHNIQUE_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    specialist = forms.ModelChoiceField(
        queryset=User.objects.filter(groups__name=roles.SPECIALISTS).order_by(
            "last_name", "first_name", "username"
        ),
        required=False,
        empty_label="All specialists",
        label="Surgeon",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            raise forms.ValidationError("The period must start before it ends.")
        return data

    def filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "period_start": data.get("period_from"),
            "period_end": data.get("period_to"),
            "technique": data.get("technique") or None,
            "specialist": data.get("specialist"),
        }


def _may_see_all(user):
    if user.has_perms(FULL_VIEW):
        return True
    if user.has_perms(SUPPRESSED_VIEW):
        return False
    raise PermissionDenied


def outcome_dashboard(request):
    full = _may_see_all(request.user)
    form = OutcomeFilterForm(request.GET or None)
    results = outcomes.clinic_figures(**form.filters())
    if not full:
        results = results.suppressed()
    if request.GET.get("format") == "csv":
        return _csv(request, results, full)
    record_view(request, detail="outcome dashboard" if full else "outcome dashboard (suppressed)")
    chart_data = {
        "stayBins": list(outcomes.STAY_BINS),
        "stay": results.stay_distribution,
        "points": ["Baseline", *(label for _, label in _timepoint_labels())],
        "trajectory": results.trajectory,
    }
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "cases/outcomes.html",
        {
            "form": form,
            "results": results,
            "rows": _table_rows(results),
            "thresholds": list(results.thresholds.values()),
            "full": full,
            "chart_data": chart_data,
            "stay_rows": _stay_rows(results),
            "trajectory_rows": _trajectory_rows(results),
            "csv_query": query.urlencode(),
            "min_cell_size": outcomes.MIN_CELL_SIZE,
        },
    )


def _timepoint_labels():
    return Timepoint.choices


def _table_rows(results):
    """The table as text: the template formats nothing itself."""
    return [
        {
            "figure": figure,
            "cells": [
                {
                    "text": figure.display(group),
                    "n": None if getattr(figure, group).suppressed else getattr(figure, group).n,
                }
                for group in outcomes.GROUPS
            ],
        }
        for figure in results.figures
    ]


def _stay_rows(results):
    """The length-of-stay chart as table rows: (nights, MISS count, open count)."""
    stay = results.stay_distribution
    return [
        (
            label,
            None if stay["miss"] is None else stay["miss"][i],
            None if stay["open"] is None else stay["open"][i],
        )
        for i, label in enumerate(outcomes.STAY_BINS)
    ]


def _trajectory_rows(results):
    """The trajectory charts as rows: (timepoint, [MISS back, leg, ODI, open back, leg, ODI])."""
    labels = ["Baseline", *(label for _, label in _timepoint_labels())]
    measures = ("nrs_back", "nrs_leg", "odi")
    return [
        (
            label,
            [results.trajectory[group][m][i] for group in outcomes.GROUPS for m in measures],
        )
        for i, label in enumerate(labels)
    ]


def _csv(request, results, full):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "clinic-outcomes" if full else "clinic-outcomes-suppressed"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = spreadsheet.writer(response)
    writer.writerow(
        [
            "figure",
            "measure",
            "the article says",
            "unit",
            "MISS value",
            "MISS n",
            "open value",
            "open n",
            "period from",
            "period to",
        ]
    )
    first, last = results.period
    for figure in results.figures:
        cells = []
        for group in outcomes.GROUPS:
            cell = getattr(figure, group)
            if cell.suppressed:
                cells += [outcomes.TOO_FEW, f"< {outcomes.MIN_CELL_SIZE}"]
            else:
                value = "" if cell.value is None else f"{cell.value:.{figure.decimals + 1}f}"
                cells += [value, cell.n]
        writer.writerow(
            [
                figure.key,
                figure.label,
                figure.claim,
                figure.unit,
                *cells,
                first or "",
                last or "",
            ]
        )
    record_event(
        AuditEvent.Action.EXPORT,
        request=request,
        detail="outcome dashboard CSV" if full else "outcome dashboard CSV (suppressed)",
    )
    return response
