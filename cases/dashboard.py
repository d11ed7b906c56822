"""The cases app's part of the dashboard: the follow-ups and records of the specialist's work
queue, and the patient's own check-ins."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CheckinReminder, FollowUp
from cases.outcomes.cohort import counted_procedures

# Each list of the work queue shows its most urgent rows; its heading counts them all, and a
# link leads to the page with the rest.
QUEUE_SHOWN = 10

FOLLOW_UP_COLUMNS = (
    "timepoint",
    "due_date",
    "window_opens",
    "window_closes",
    "completed_at",
    "cancelled_at",
    "entered_in_error",
    "patient__given_name",
    "patient__family_name",
    "patient__mrn",
    "patient__phone",
    "patient__email",
    "patient__user__email",
)


def _looked_after_by(user):
    """The follow-ups on ``user``'s queue: their own patients' and those nobody looks after yet
    (someone must call them)."""
    return Q(patient__primary_specialist=user) | Q(patient__primary_specialist__isnull=True)


def _last_email_kind():
    """The kind of the last email the schedule sends for a check-in (cases.checkins): the
    invitation, then one reminder per day of ``CHECKIN_REMINDER_DAYS``."""
    reminders = len(settings.CHECKIN_REMINDER_DAYS)
    return f"reminder_{reminders}" if reminders else "invitation"


def _all_reminders_sent():
    return Exists(CheckinReminder.objects.filter(follow_up=OuterRef("pk"), kind=_last_email_kind()))


def _with_latest_email(rows):
    """Each follow-up with when its latest check-in email went (``last_emailed_at``; None when
    none went), and the patient's login email, where those emails go. The latest is a plain
    ``MAX`` over the follow-up's few emails (no sort, no grouping), for the rows shown only."""
    latest = CheckinReminder.objects.filter(follow_up=OuterRef("pk")).order_by()
    latest = latest.annotate(latest=Func(F("sent_at"), function="MAX")).values("latest")
    return rows.select_related("patient__user").annotate(last_emailed_at=Subquery(latest[:1]))


def _non_responding(today):
    """Pending follow-ups the patient has not answered although they should have: the window
    closed without an answer, or it is open and every reminder of the schedule was sent."""
    return Q(window_closes__lt=today) | Q(_all_reminders_sent(), window_opens__lte=today)


def non_responders(user=None, *, today=None):
    """Follow-ups of patients who did not answer (see ``_non_responding``), longest waiting
    first, with the patient's phone and email: the people to call. ``user`` narrows them to the
    follow-ups that user looks after; ``None`` is the whole clinic.

    A queryset, walked in the order of the partial index ``followup_pending_order_idx``; slice it.
    The dashboard's work queue and the outcome page both list it."""
    today = today or timezone.localdate()
    rows = (
        FollowUp.objects.pending()
        .filter(_non_responding(today))
        .select_related("patient")
        .only(*FOLLOW_UP_COLUMNS)
        .order_by("window_closes", "id")
    )
    rows = _with_latest_email(rows)
    if user is not None:
        rows = rows.filter(_looked_after_by(user))
    return rows


def with_waiting_time(follow_ups, today=None):
    """``follow_ups`` as a list, each with the waiting time the lists show: ``days_overdue``
    ("overdue by 12 days"), ``days_left`` ("closes in 3 days") and ``reminded_days_ago``."""
    today = today or timezone.localdate()
    return [_annotate_follow_up(f, today) for f in follow_ups]


def _annotate_follow_up(follow_up, today):
    follow_up.days_overdue = max((today - follow_up.window_closes).days, 0)
    follow_up.days_left = max((follow_up.window_closes - today).days, 0)
    emailed = getattr(follow_up, "last_emailed_at", None)
    follow_up.reminded_days_ago = (today - timezone.localdate(emailed)).days if emailed else None
    return follow_up


def follow_ups_due(user, *, today=None, everyone=False):
    """Follow-ups whose window is open and whose reminders are not all sent yet (one whose
    every reminder went unanswered is a non-responder), the window closing first first: the
    limit in SQL, served by the partial index ``followup_pending_order_idx``."""
    today = today or timezone.localdate()
    rows = _with_latest_email(
        FollowUp.objects.due(today)
        .filter(~_all_reminders_sent())
        .select_related("patient")
        .only(*FOLLOW_UP_COLUMNS)
        .order_by("window_closes", "id")
    )
    if not everyone:
        rows = rows.filter(_looked_after_by(user))
    return with_waiting_time(rows[:QUEUE_SHOWN], today)


# The work queue's counts read every pending follow-up and every counted procedure: they are
# kept in the cache (numbers only, never a patient's details) until a record they are counted
# from changes (cases/signals.py forgets the version) or the day turns.
COUNTS_VERSION_KEY = "work-queue-counts-version"
COUNTS_TIMEOUT = 5 * 60  # seconds; a change the signals missed shows within this time


def forget_counts():
    cache.delete(COUNTS_VERSION_KEY)


def _cached_counts(name, user, today, everyone, count):
    version = cache.get_or_set(COUNTS_VERSION_KEY, lambda: secrets.token_hex(8), None)
    whose = "all" if everyone else user.pk
    return cache.get_or_set(f"work-queue-{name}:{version}:{today}:{whose}", count, COUNTS_TIMEOUT)


def _follow_up_counts(user, today, everyone):
    """How many follow-ups are due and how many patients did not answer, in one query."""
    rows = FollowUp.objects.due_or_overdue(today)
    if not everyone:
        rows = rows.filter(_looked_after_by(user))
    return _cached_counts(
        "follow-ups",
        user,
        today,
        everyone,
        lambda: rows.aggregate(
            non_responders=Count("pk", filter=_non_responding(today)),
            due=Count("pk", filter=Q(~_all_reminders_sent(), window_closes__gte=today)),
        ),
    )


def data_quality_alerts(user, *, today=None, everyone=False):
    """Operated patients' records that keep them out of the figures until someone completes
    them: no baseline ODI on the consult, no discharge recorded. The first few and how many
    (the data-quality page lists all of them, and the other kinds)."""
    today = today or timezone.localdate()
    missing_baseline = Q(decision__consult__odi_score__isnull=True)
    no_discharge = Q(discharged_at__isnull=True, procedure_date__lt=today)
    procedures = counted_procedures().filter(missing_baseline | no_discharge)
    if not everyone:
        procedures = procedures.filter(Q(surgeon=user) | Q(patient__primary_specialist=user))
    counts = _cached_counts(
        "data-quality",
        user,
        today,
        everyone,
        lambda: procedures.aggregate(
            total=Count("pk"),
            missing_baseline=Count("pk", filter=missing_baseline),
            no_discharge=Count("pk", filter=no_discharge),
        ),
    )
    rows = procedures.select_related("patient", "decision__consult").order_by(
        "procedure_date", "pk"
    )[:QUEUE_SHOWN]
    counts["alerts"] = counts["missing_baseline"] + counts["no_discharge"]
    alerts = []
    for procedure in rows:
        consult = procedure.decision.consult
        if consult.odi_score is None:
            alerts.append((procedure, _("No baseline ODI on the consult"), consult))
        if procedure.discharged_at is None and procedure.procedure_date < today:
            alerts.append((procedure, _("No discharge recorded"), procedure))
    return {"alerts": alerts, "counts": counts}


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


def context_for(user, *, everyone=False):
    """Dashboard context for ``user``: for clinicians, their part of the work queue (the whole
    clinic's with ``everyone``); for patients, their own check-ins open now and those they have
    sent."""
    if user.is_patient:
        return patient_checkins(user)
    if not user.is_clinician:
        return {}
    today = timezone.localdate()
    late = non_responders(None if everyone else user, today=today)[:QUEUE_SHOWN]
    return {
        "non_responders": with_waiting_time(late, today),
        "follow_ups_due": follow_ups_due(user, today=today, everyone=everyone),
        "follow_up_counts": _follow_up_counts(user, today, everyone),
        "data_quality": data_quality_alerts(user, today=today, everyone=everyone),
    }
