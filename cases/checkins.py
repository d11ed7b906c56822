"""Patient check-ins, the writes: a draft (:func:`save_checkin_draft`), the answers
(:func:`submit_checkin`) and the reminder (:func:`send_checkin_reminders`).

The questionnaire is :mod:`cases.checkin_form`; the wording of licensed instruments
:mod:`cases.instruments`; the specialist's chart :mod:`cases.charts`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.checkin_form import CheckinForm
from cases.models import CheckinReminder, FollowUp, long_date
from clinic.audit import record_event
from clinic.models import AuditEvent

Action = AuditEvent.Action


# --- the two writes ------------------------------------------------------------------------------


def _refuse_unless_answerable(follow_up, today):
    """A check-in is answered only while its window is open: the answer is dated ``today``,
    which must lie in the window. After the window closes the patient is not asked any more
    (the clinic may still record the visit, with the reason it is late)."""
    if follow_up.completed_at is not None:
        raise ValidationError("This check-in has already been answered.")
    status = follow_up.status(today)
    if status == "overdue":
        raise ValidationError(
            f"This check-in closed on {long_date(follow_up.window_closes)}: your clinic will "
            "ask you at your next visit."
        )
    if status != "due":
        raise ValidationError("This check-in is not open for answers now.")


@transaction.atomic
def save_checkin_draft(*, follow_up: FollowUp, form: CheckinForm, by) -> FollowUp:
    """Keep a patient's partial answers; they count nowhere until submitted."""
    _refuse_unless_answerable(follow_up, timezone.localdate())
    follow_up.checkin_draft = form.as_draft()
    follow_up.save_if_current(expected_version=follow_up.version)
    record_event(Action.UPDATE, user=by, obj=follow_up, detail="check-in draft saved")
    return follow_up


def submit_checkin(*, follow_up: FollowUp, form: CheckinForm, by) -> FollowUp:
    """Complete the follow-up from the patient's answers: source patient, completed now, and
    assessed today, inside the window (the same day the window was checked on).

    One transaction: ``services.complete_follow_up``'s (everything before it only reads).
    """
    today = timezone.localdate()
    _refuse_unless_answerable(follow_up, today)
    data = form.cleaned_data
    follow_up.source = FollowUp.Source.PATIENT
    follow_up.assessed_on = today
    follow_up.nrs_back = data["nrs_back"]
    follow_up.nrs_leg = data["nrs_leg"]
    # The baseline asks no rating of the treatment but the work status (checkin_form).
    follow_up.satisfaction = data.get("satisfaction")
    follow_up.global_perceived_effect = data.get("global_perceived_effect", "")
    follow_up.work_status = data.get("work_status", "")
    follow_up.returned_to_daily_activities_on = data.get("returned_to_daily_activities_on")
    follow_up.returned_to_work_on = data.get("returned_to_work_on")
    follow_up.odi_answers = form.odi_answers()
    follow_up.odi_score = None
    follow_up.compute_odi()
    follow_up.checkin_draft = {}
    return services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=by
    )


# --- reminders -----------------------------------------------------------------------------------


def reminder_recipients(today=None):
    """Due, unanswered, never-reminded check-ins of patients with an active login and email."""
    return (
        FollowUp.objects.due(today)
        .filter(patient__user__isnull=False, patient__user__is_active=True, reminder__isnull=True)
        .exclude(patient__user__email="")
        .select_related("patient__user")
        .order_by("id")
    )


def send_checkin_reminders(today=None) -> int:
    """Email each due check-in's patient once; returns how many were sent.

    The reminder row is written before the email is sent, in one transaction per follow-up, and
    its one-to-one key refuses a second: two runs (even at once) send one email.
    """
    sent = 0
    link = settings.SITE_URL + reverse("dashboard")
    for follow_up in reminder_recipients(today):
        user = follow_up.patient.user
        try:
            with transaction.atomic():
                reminder = CheckinReminder.objects.create(follow_up=follow_up, email=user.email)
                # No health information: no timepoint, diagnosis or procedure in the email.
                context = {"name": user.first_name or user.get_username(), "link": link}
                send_mail(
                    "Your check-in is ready",
                    render_to_string("cases/checkin_reminder_email.txt", context),
                    None,
                    [user.email],
                )
                record_event(
                    Action.CREATE,
                    obj=reminder,
                    patient=follow_up.patient,
                    detail="check-in reminder",
                )
        except IntegrityError:
            continue
        sent += 1
    return sent
