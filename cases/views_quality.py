"""The data-quality page: what stands between the clinic's records and figures it can trust.

Each list is a link to the record to fix. Only the clinical team opens it (it names patients),
and every opening is audited.
"""

import dataclasses

from django.contrib.auth.decorators import permission_required
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure, long_date
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


def _missing_baselines():
    procedures = (
        counted_procedures()
        .select_related("patient", "decision__consult")
        .filter(decision__consult__odi_score__isnull=True)
        .order_by("-procedure_date", "-pk")
    )
    return Problem(
        "missing-baseline",
        _("Operated patients without a baseline ODI"),
        _("Without a baseline the change in ODI cannot be computed for this patient."),
        _rows(procedures, lambda p: (p.patient, str(p), p.decision.consult.get_absolute_url(), "")),
        procedures.count(),
    )


def _out_of_window():
    follow_ups = (
        FollowUp.objects.valid()
        .filter(completed_at__isnull=False, assessed_on__isnull=False)
        .filter(Q(assessed_on__lt=F("window_opens")) | Q(assessed_on__gt=F("window_closes")))
        .select_related("patient")
        .order_by("-assessed_on", "-pk")
    )

    def describe(f):
        return (
            f.patient,
            str(f),
            f.get_absolute_url(),
            _("assessed %(day)s; window %(opens)s to %(closes)s")
            % {
                "day": long_date(f.assessed_on),
                "opens": long_date(f.window_opens),
                "closes": long_date(f.window_closes),
            },
        )

    return Problem(
        "out-of-window",
        _("Assessments outside their window"),
        _("Kept on the record, but left out of that timepoint's figures."),
        _rows(follow_ups, describe),
        follow_ups.count(),
    )


def _no_discharge(today):
    procedures = (
        counted_procedures()
        .select_related("patient")
        .filter(discharged_at__isnull=True, procedure_date__lt=today)
        .order_by("procedure_date", "pk")
    )
    return Problem(
        "no-discharge",
        _("Procedures without a discharge"),
        _("Length of stay and same-/next-day discharge are unknown until it is recorded."),
        _rows(procedures, lambda p: (p.patient, str(p), p.get_absolute_url(), "")),
        procedures.count(),
    )


def _overdue(today):
    follow_ups = FollowUp.objects.overdue(today).select_related("patient").order_by("window_closes")
    return Problem(
        "overdue",
        _("Overdue follow-ups"),
        _("Their window has closed unanswered: they lower the completeness of the figures."),
        _rows(
            follow_ups,
            lambda f: (
                f.patient,
                str(f),
                f.get_absolute_url(),
                _("window closed %(day)s") % {"day": long_date(f.window_closes)},
            ),
        ),
        follow_ups.count(),
    )


def _entered_in_error():
    rows, count = [], 0
    for model in (Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp):
        marked = (
            model.objects.filter(entered_in_error=True)
            .select_related("patient")
            .order_by("-entered_in_error_at", "-pk")
        )
        count += marked.count()
        rows += [
            (
                record.patient,
                f"{capfirst(model._meta.verbose_name)}: {record}",
                record.get_absolute_url(),
                _("entered in error: %(reason)s") % {"reason": record.entered_in_error_reason},
            )
            for record in marked[:LIMIT]
        ]
    return Problem(
        "entered-in-error",
        _("Records entered in error"),
        _("Left out of every figure. Check that each was meant to be."),
        rows[:LIMIT],
        count,
    )


def problems(today=None):
    """The lists of the data-quality page, in the order a specialist would work through them."""
    today = today or timezone.localdate()
    return [
        _missing_baselines(),
        _out_of_window(),
        _no_discharge(today),
        _overdue(today),
        _entered_in_error(),
    ]


@require_safe
@permission_required(READ, raise_exception=True)
def data_quality(request):
    record_view(request, detail="data quality")
    return render(request, "cases/data_quality.html", {"problems": problems(), "limit": LIMIT})
