"""The cases app's part of the dashboard."""

from django.db.models import Q

from cases.models import FollowUp


def context_for(user):
    """Dashboard context for ``user``: for clinicians, follow-ups due now or overdue; for
    patients, their own check-ins open now (``checkins_due``)."""
    if user.is_patient:
        return {"checkins_due": list(FollowUp.objects.checkins_of(user).due().order_by("due_date"))}
    if not user.is_clinician:
        return {}
    rows = (
        FollowUp.objects.due_or_overdue().select_related("patient").order_by("window_closes", "id")
    )
    if not user.is_superuser:
        rows = rows.filter(
            Q(patient__primary_specialist=user) | Q(patient__primary_specialist__isnull=True)
        )
    rows = list(rows[:50])
    return {"follow_ups_due": rows}
