"""The cases app's part of the dashboard."""

from django.db.models import Q
from django.utils import timezone

from cases.models import FollowUp

# The dashboard lists the follow-ups that have waited longest; the patient list's follow-up
# filter finds all of them.
FOLLOW_UPS_SHOWN = 50


def follow_ups_due(user):
    """Due and overdue follow-ups ``user`` looks after, those whose window closed first first:
    only the columns the dashboard shows, the limit in SQL, served by the partial index
    ``followup_pending_order_idx`` (no sort of every pending follow-up)."""
    rows = (
        FollowUp.objects.due_or_overdue()
        .select_related("patient")
        .only(
            "timepoint",
            "window_opens",
            "window_closes",
            "completed_at",
            "cancelled_at",
            "entered_in_error",
            "patient__given_name",
            "patient__family_name",
            "patient__mrn",
        )
        .order_by("window_closes", "id")
    )
    if not user.is_superuser:
        rows = rows.filter(
            Q(patient__primary_specialist=user) | Q(patient__primary_specialist__isnull=True)
        )
    return list(rows[:FOLLOW_UPS_SHOWN])


def patient_checkins(user):
    """The patient's check-ins open now (``checkins_due``, soonest first) and those they have
    sent (``checkins_completed``, latest first), read in one query. A follow-up the clinic
    recorded at a visit is not one of the patient's check-ins."""
    today = timezone.localdate()
    rows = list(
        FollowUp.objects.checkins_of(user).filter(
            Q(completed_at__isnull=False, source=FollowUp.Source.PATIENT)
            | Q(completed_at__isnull=True, window_opens__lte=today, window_closes__gte=today)
        )
    )
    due = sorted((f for f in rows if not f.completed_at), key=lambda f: (f.due_date, f.pk))
    completed = sorted(
        (f for f in rows if f.completed_at), key=lambda f: f.completed_at, reverse=True
    )
    return {"checkins_due": due, "checkins_completed": completed}


def context_for(user):
    """Dashboard context for ``user``: for clinicians, follow-ups due now or overdue; for
    patients, their own check-ins open now and those they have sent."""
    if user.is_patient:
        return patient_checkins(user)
    if not user.is_clinician:
        return {}
    return {"follow_ups_due": follow_ups_due(user)}
