"""Patient check-ins, the writes: a draft (:func:`save_checkin_draft`), the answers
(:func:`submit_checkin`), and the emails: an invitation when the window opens, reminders after
``settings.CHECKIN_REMINDER_DAYS`` (:func:`send_checkin_reminders`), each with its own link
(``cases.models.CheckinLink``), and the patient's opt-out.

The questionnaire is :mod:`cases.checkin_form`; the wording of licensed instruments
:mod:`cases.instruments`; the specialist's chart :mod:`cases.charts`.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services
from cases.checkin_form import CheckinForm
from cases.models import (
    MAX_DATE_OF_BIRTH_ATTEMPTS,
    CheckinLink,
    CheckinReminder,
    FollowUp,
    long_date,
)
from clinic.audit import record_event
from clinic.models import AuditEvent, Patient
from clinic.tasks import email_builder, queue_email

Action = AuditEvent.Action


# --- the two writes ------------------------------------------------------------------------------


def _refuse_unless_answerable(follow_up, today):
    """A check-in is answered only while its window is open: the answer is dated ``today``,
    which must lie in the window. After the window closes the patient is not asked any more
    (the clinic may still record the visit, with the reason it is late)."""
    if follow_up.completed_at is not None:
        raise ValidationError(_("This check-in has already been answered."))
    status = follow_up.status(today)
    if status == "overdue":
        raise ValidationError(
            _("This check-in closed on %(day)s: your clinic will ask you at your next visit.")
            % {"day": long_date(follow_up.window_closes)}
        )
    if status != "due":
        raise ValidationError(_("This check-in is not open for answers now."))


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


# --- invitations and reminders -------------------------------------------------------------------

Kind = CheckinReminder.Kind
REMINDER_KINDS = [Kind.REMINDER_1, Kind.REMINDER_2, Kind.REMINDER_3]
UNSUBSCRIBE_SALT = "cases.checkin-unsubscribe"


def email_schedule():
    """``[(kind, days after the window opens)]``: the invitation, then the reminders."""
    days = sorted(settings.CHECKIN_REMINDER_DAYS)
    return [(Kind.INVITATION, 0), *zip(REMINDER_KINDS, days, strict=False)]


def reminder_recipients(today=None):
    """Due, unanswered check-ins of patients with an active login and an email who did not opt
    out, with the emails each already had; the check-in that closes first comes first."""
    return (
        FollowUp.objects.due(today)
        .filter(
            patient__user__isnull=False,
            patient__user__is_active=True,
            patient__checkin_emails_opt_out=False,
        )
        .exclude(patient__user__email="")
        .select_related("patient__user")
        .prefetch_related("reminders")
        .order_by("window_closes", "id")
    )


def next_email(follow_up, today):
    """The kind of email ``follow_up`` is due ``today``, else None.

    The next kind not yet sent, once its day has come and as long after the previous email as
    the schedule spaces them: a check-in first emailed late gets its reminders no closer.
    """
    sent = {reminder.kind: reminder for reminder in follow_up.reminders.all()}
    open_for = (today - follow_up.window_opens).days
    last_day = last_offset = None
    for kind, offset in email_schedule():
        if kind in sent:
            last_day, last_offset = timezone.localdate(sent[kind].sent_at), offset
            continue
        if open_for < offset:
            return None
        if last_day is not None and (today - last_day).days < offset - last_offset:
            return None
        return kind
    return None


def _emailed_today(patient_ids, today):
    return set(
        CheckinReminder.objects.filter(
            follow_up__patient_id__in=patient_ids, sent_at__date=today
        ).values_list("follow_up__patient_id", flat=True)
    )


def send_checkin_reminders(today=None) -> int:
    """Queue the check-in emails due today; returns how many.

    At most one per patient a day (the check-in that closes first goes first; the other waits
    for the next run). The reminder row is written with the email queued, in one transaction per
    email, with the patient's row locked while the day's emails are counted; its unique
    (follow_up, kind) refuses a second: two runs, even at once, queue each email once.
    """
    today = today or timezone.localdate()
    candidates = list(reminder_recipients(today))
    done = _emailed_today({f.patient_id for f in candidates}, today)
    queued = 0
    for follow_up in candidates:
        kind = next_email(follow_up, today)
        if kind is None or follow_up.patient_id in done:
            continue
        try:
            with transaction.atomic():
                list(Patient.objects.select_for_update().filter(pk=follow_up.patient_id))
                if _emailed_today({follow_up.patient_id}, today):
                    done.add(follow_up.patient_id)
                    continue
                reminder = CheckinReminder.objects.create(
                    follow_up=follow_up, kind=kind, email=follow_up.patient.user.email
                )
                record_event(
                    Action.CREATE,
                    obj=reminder,
                    patient=follow_up.patient,
                    detail=f"check-in {'invitation' if kind == Kind.INVITATION else 'reminder'}",
                )
                queue_email("cases.checkins.checkin_email", reminder_id=reminder.pk)
        except IntegrityError:
            continue
        done.add(follow_up.patient_id)
        queued += 1
    return queued


def unsubscribe_token(patient) -> str:
    return signing.dumps(patient.pk, salt=UNSUBSCRIBE_SALT)


def patient_for_unsubscribe_token(token):
    """The patient of an unsubscribe link's token, else None."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.select_related("user").filter(pk=pk).first()


@email_builder
def checkin_email(reminder_id):
    """The email of one invitation or reminder, with a new link: built when it is sent, so the
    link's token is in the email only. None when the check-in was answered, closed or
    cancelled, or the patient opted out, since it was queued.

    No health information: no timepoint, diagnosis or procedure, only that a check-in is ready.
    """
    reminder = (
        CheckinReminder.objects.select_related("follow_up__patient__user")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return None
    follow_up, patient = reminder.follow_up, reminder.follow_up.patient
    if follow_up.status() != "due" or patient.checkin_emails_opt_out:
        return None
    _, token = CheckinLink.issue(follow_up=follow_up, reminder=reminder)
    with translation.override(patient.preferred_language):
        return _checkin_message(reminder, follow_up, patient, token)


def _checkin_message(reminder, follow_up, patient, token):
    """The check-in email itself, in the active language (the patient's)."""
    unsubscribe = settings.SITE_URL + reverse(
        "cases:checkin_unsubscribe", args=[unsubscribe_token(patient)]
    )
    context = {
        "name": patient.given_name,
        "clinic_name": settings.CLINIC_NAME,
        "link": settings.SITE_URL + reverse("cases:checkin_link_open", args=[token]),
        "expires": long_date(follow_up.window_closes),
        "is_reminder": reminder.kind != Kind.INVITATION,
        "unsubscribe": unsubscribe,
    }
    subject = (
        _("Reminder: your check-in is waiting")
        if context["is_reminder"]
        else _("Your check-in is ready")
    )
    message = EmailMultiAlternatives(
        subject,
        render_to_string("cases/email/checkin.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [reminder.email],
        # One-click unsubscribe in mail clients (RFC 8058).
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("cases/email/checkin.html", context), "text/html")
    return message


@transaction.atomic
def set_checkin_email_opt_out(*, patient, opt_out: bool, by=None, detail="") -> Patient:
    """Turn the patient's check-in emails off (``opt_out``) or on again; audited. ``by`` is
    None for the unsubscribe link in an email, which acts for the patient."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.checkin_emails_opt_out == opt_out:
        return patient
    patient.checkin_emails_opt_out = opt_out
    patient.save_if_current(
        expected_version=patient.version,
        update_fields=["checkin_emails_opt_out", "version", "updated_at"],
    )
    record_event(
        Action.UPDATE,
        user=by if by is not None else patient.user,
        obj=patient,
        detail=detail or f"check-in emails turned {'off' if opt_out else 'on'}",
    )
    return patient


# --- the link in the email ----------------------------------------------------------------------

LINK_LOCKED = gettext_lazy(
    "This link is locked because the date of birth did not match three times. Please log in "
    "to the patient portal as usual to answer your check-in, or call your clinic."
)


def link_problem(link, today=None) -> str:
    """Why ``link`` cannot be used now, as the patient reads it; "" when it can."""
    if link is None:
        return _("This link is not valid. Please use the link in your most recent email.")
    follow_up = link.follow_up
    if follow_up.completed_at is not None or link.used_at is not None:
        return _("This check-in has already been answered. Thank you.")
    if link.is_locked():
        return LINK_LOCKED
    if link.is_expired(today) or follow_up.status(today) != "due":
        return _(
            "This link has expired: the check-in is closed. Your clinic will ask you at your "
            "next visit."
        )
    return ""


def _link_event(link, detail, action=Action.VIEW):
    # The patient acts (their account, if any): the link is theirs, though not a login.
    record_event(action, user=link.follow_up.patient.user, obj=link.follow_up, detail=detail)


@transaction.atomic
def open_checkin_link(*, link: CheckinLink) -> None:
    if link.opened_at is None:
        link.opened_at = timezone.now()
        link.save(update_fields=["opened_at"])
    _link_event(link, "check-in link opened")


@transaction.atomic
def confirm_date_of_birth(*, link: CheckinLink, date_of_birth) -> bool:
    """True when ``date_of_birth`` is the patient's. A wrong one counts against every link of
    the check-in; the third locks them (audited each time)."""
    # Every link of the check-in is locked while the attempts are counted.
    links = list(CheckinLink.objects.select_for_update().filter(follow_up_id=link.follow_up_id))
    current = next(row for row in links if row.pk == link.pk)
    current.follow_up = link.follow_up
    if current.is_locked():
        return False
    if date_of_birth == link.follow_up.patient.date_of_birth:
        _link_event(current, "check-in link: date of birth confirmed")
        return True
    current.failed_attempts += 1
    current.save(update_fields=["failed_attempts"])
    _link_event(current, "check-in link: wrong date of birth")
    if sum(row.failed_attempts for row in links) >= MAX_DATE_OF_BIRTH_ATTEMPTS:
        current.locked_at = timezone.now()
        current.save(update_fields=["locked_at"])
        _link_event(current, "check-in link locked")
    return False


def attempts_left(link: CheckinLink) -> int:
    return max(MAX_DATE_OF_BIRTH_ATTEMPTS - link.wrong_dates(), 0)


@transaction.atomic
def submit_checkin_by_link(*, link: CheckinLink, form: CheckinForm) -> FollowUp:
    """The patient's answers sent through the link, which then is used up."""
    link = CheckinLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ValidationError(_("This check-in has already been answered."))
    follow_up = submit_checkin(follow_up=form.follow_up, form=form, by=form.follow_up.patient.user)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    link.follow_up = follow_up
    _link_event(link, "check-in submitted through link", action=Action.UPDATE)
    return follow_up
