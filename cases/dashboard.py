"""The cases app's part of the dashboard."""

from django.db.models import Q

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


def context_for(user):
    """Dashboard context for ``user``: for clinicians, follow-ups due now or overdue; for
    patients, their own check-ins open now (``checkins_due``)."""
    if user.is_patient:
        return {"checkins_due": list(FollowUp.objects.checkins_of(user).due().order_by("due_date"))}
    if not user.is_clinician:
        return {}
    return {"follow_ups_due": follow_ups_due(user)}
