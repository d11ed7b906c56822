"""What the cases app reads about patients (the ``Patient`` model is the core's): the patient
list's columns and the patient page's timeline, each in a fixed number of queries. The list's
search and filters are ``cases.filters.PatientFilter``."""

from django.db.models import OuterRef, Subquery

from cases.models.consult import Consult
from cases.models.decision import CandidacyDecision
from cases.models.followup import FollowUp
from cases.models.procedure import AdverseEvent, Procedure
from clinic.models import Patient
from education.models import Assignment


def with_columns(page_of_patients):
    """One page of patients with the list's columns, in one query, in the page's order."""
    ids = [p.pk for p in page_of_patients]
    patient = OuterRef("pk")
    rows = (
        Patient.objects.filter(pk__in=ids)
        .select_related("primary_specialist")
        .annotate(
            decision_outcome=Subquery(
                CandidacyDecision.objects.current_for(patient).values("outcome")[:1]
            ),
            last_technique=Subquery(
                Procedure.objects.valid()
                .filter(patient=patient)
                .order_by("-procedure_date", "-id")
                .values("technique")[:1]
            ),
            next_follow_up_due=Subquery(
                FollowUp.objects.pending()
                .filter(patient=patient)
                .order_by("due_date")
                .values("due_date")[:1]
            ),
        )
    )
    by_id = {p.pk: p for p in rows}
    return [by_id[pk] for pk in ids]


# The text of each follow-up's anchor and baseline consult, which the timeline shows from its
# own queries (consults, decisions) or not at all (a check-in's unsent draft).
UNSHOWN_ON_FOLLOW_UPS = [
    "checkin_draft",
    *(
        f"{path}__{field}"
        for path in ("procedure__decision", "decision")
        for field in ("rationale", "criteria", "consult__notes")
    ),
]


def patient_timeline(patient):
    """Everything on the patient page, newest first, in five queries (plus reading, if any)."""
    consults = list(
        Consult.objects.filter(patient=patient).select_related("specialist", "entered_in_error_by")
    )
    decisions = list(
        CandidacyDecision.objects.filter(patient=patient).select_related(
            "decided_by", "superseded_by", "supersedes", "entered_in_error_by", "consult"
        )
    )
    procedures = list(
        Procedure.objects.filter(patient=patient).select_related(
            "surgeon", "decision", "entered_in_error_by"
        )
    )
    adverse_events = list(
        AdverseEvent.objects.filter(patient=patient).select_related(
            "procedure", "entered_in_error_by"
        )
    )
    follow_ups = list(
        FollowUp.objects.filter(patient=patient)
        .select_related(
            # The decision's consult holds the baseline for the MIC flags.
            "procedure__decision__consult",
            "decision__consult",
            "entered_in_error_by",
        )
        # Each follow-up brings its anchor along: not the free text the page does not show.
        .defer(*UNSHOWN_ON_FOLLOW_UPS)
    )
    events = (
        [(c.consult_date, 0, "consult", c) for c in consults]
        + [(d.decided_on, 1, "decision", d) for d in decisions]
        + [(p.procedure_date, 2, "procedure", p) for p in procedures]
        + [(a.onset_date, 3, "adverseevent", a) for a in adverse_events]
        + [(f.assessed_on, 4, "followup", f) for f in follow_ups if f.completed_at]
    )
    events.sort(key=lambda e: (e[0], e[1], e[3].pk), reverse=True)
    current = [d for d in decisions if d.is_current]
    return {
        "timeline": [{"date": e[0], "kind": e[2], "obj": e[3]} for e in events],
        "follow_ups": [f for f in follow_ups if not f.entered_in_error],
        "current_decision": current[0] if current else None,
        "procedures": procedures,
        "latest_consult": next((c for c in consults if not c.entered_in_error), None),
        "assignments": reading_of(patient),
    }


def reading_of(patient):
    """The patient's assigned reading and how far they got, from the education app: who assigned
    each in the same query, and not the articles' text, which the page does not show."""
    return list(
        Assignment.objects.for_patient(patient)
        .select_related("assigned_by")
        .without_text()
        .order_by("-assigned_at", "-id")
    )
