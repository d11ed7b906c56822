"""The data-quality page: what stands between the clinic's records and figures it can trust.

Each list is a link to the record to fix. Only the clinical team opens it (it names patients),
and every opening is audited.
"""

import dataclasses

from django.contrib.auth.decorators import permission_required
from django.db.models import F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
from cases.outcomes.cohort import counted_procedures
from clinic.audit import record_view

READ = ["clinic.view_patient", "cases.view_procedure", "cases.view_followup"]
# Each list shows its first rows; the count says how many there are.
LIMIT = 100


@dataclasses.dataclass
class Problem:
    key: str
    title: str
    why: str
    rows: list  # (patient, record text, link, detail)
    count: int


def _rows(queryset, describe):
    return [describe(record) for record in queryset[:LIMIT]]


def _patient_link(record):
    return reverse("cases:patient_detail", args=[record.patient_id])


def problems(today=None):
    """The lists of the data-quality page, in the order a specialist would work through them."""
    today = today or timezone.localdate()
    procedures = counted_procedures().select_related("patient", "decision__consult")

    no_baseline = procedures.filter(decision__consult__odi_score__isnull=True).order_by(
        "-procedure_date", "-pk"
    )
    out_of_window = (
        FollowUp.objects.valid()
        .filter(completed_at__isnull=False, assessed_on__isnull=False)
        .filter(Q(assessed_on__lt=F("window_opens")) | Q(assessed_on__gt=F("window_closes")))
        .select_related("patient")
        .order_by("-assessed_on", "-pk")
    )
    no_discharge = procedures.filter(discharged_at__isnull=True, procedure_date__lt=today).order_by(
        "procedure_date", "pk"
    )
    overdue = FollowUp.objects.overdue(today).select_related("patient").order_by("window_closes")
    lists = [
        Problem(
            "missing-baseline",
            "Operated patients without a baseline ODI",
            "Without a baseline the change in ODI cannot be computed for this patient.",
            _rows(
                no_baseline,
                lambda p: (p.patient, str(p), p.decision.consult.get_absolute_url(), ""),
            ),
            no_baseline.count(),
        ),
        Problem(
            "out-of-window",
            "Assessments outside their window",
            "Kept on the record, but left out of that timepoint's figures.",
            _rows(
                out_of_window,
                lambda f: (
                    f.patient,
                    str(f),
                    f.get_absolute_url(),
                    f"assessed {f.assessed_on:%Y-%m-%d}; window {f.window_opens:%Y-%m-%d}"
                    f" to {f.window_closes:%Y-%m-%d}",
                ),
            ),
            out_of_window.count(),
        ),
        Problem(
            "no-discharge",
            "Procedures without a discharge",
            "Length of stay and same-/next-day discharge are unknown until it is recorded.",
            _rows(no_discharge, lambda p: (p.patient, str(p), p.get_absolute_url(), "")),
            no_discharge.count(),
        ),
        Problem(
            "overdue",
            "Overdue follow-ups",
            "Their window has closed unanswered: they lower the completeness of the figures.",
            _rows(
                overdue,
                lambda f: (
                    f.patient,
                    str(f),
                    f.get_absolute_url(),
                    f"window closed {f.window_closes:%Y-%m-%d}",
                ),
            ),
            overdue.count(),
        ),
    ]
    errors = []
    count = 0
    for model in (Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp):
        marked = (
            model.objects.filter(entered_in_error=True)
            .select_related("patient")
            .order_by("-entered_in_error_at", "-pk")
        )
        count += marked.count()
        errors += [
            (
                record.patient,
                f"{model._meta.verbose_name.capitalize()}: {record}",
                record.get_absolute_url(),
                f"entered in error: {record.entered_in_error_reason}",
            )
            for record in marked[:LIMIT]
        ]
    lists.append(
        Problem(
            "entered-in-error",
            "Records entered in error",
            "Left out of every figure. Check that each was meant to be.",
            errors[:LIMIT],
            count,
        )
    )
    return lists


@require_safe
@permission_required(READ, raise_exception=True)
def data_quality(request):
    record_view(request, detail="data quality")
    return render(request, "cases/data_quality.html", {"problems": problems(), "limit": LIMIT})
