"""Writes that span models or leave an audit entry. Each is one transaction.

They take who acted and what changed, never the HTTP request: the audit entry reads the client's
address from the request context (clinic/audit.py), so the admin and commands share them.
Audit ``detail`` strings name what happened, never a health value.
"""

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from cases.models import (
    BASELINE,
    TIMEPOINT_WINDOWS,
    CandidacyDecision,
    Consult,
    FollowUp,
    Procedure,
    long_date,
)
from clinic import roles
from clinic.audit import record_event
from clinic.models import AuditEvent, Patient, User
from clinic.tasks import email_builder, queue_email
from education.services import assign_article

Action = AuditEvent.Action


def _save_new(obj, *, by, detail):
    obj.full_clean()
    obj.save()
    record_event(Action.CREATE, user=by, obj=obj, detail=detail)
    return obj


# --- patients ------------------------------------------------------------------------------------


@transaction.atomic
def register_patient(*, patient: Patient, registered_by: User) -> Patient:
    patient.full_clean()
    patient.save()
    record_event(Action.CREATE, user=registered_by, obj=patient, detail="registered")
    return patient


def _username_for(patient: Patient) -> str:
    # From the email address, never from the MRN (an identifier of the health record).
    base = re.sub(r"[^\w.+-]", "", patient.email.split("@")[0]).lower()[:140]
    base = base or f"patient{patient.pk}"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invite_patient(*, patient: Patient, invited_by: User) -> User:
    """Give the patient a portal login (Patients role) and email them a link to set a password.

    The email holds no health information: only the clinic's name and the link.
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.user_id:
        raise ValidationError(gettext("This patient already has a portal login."))
    if not patient.email:
        raise ValidationError(gettext("Add the patient's email address before inviting them."))
    user = User(
        username=_username_for(patient),
        first_name=patient.given_name,
        last_name=patient.family_name,
        email=patient.email,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=roles.PATIENTS))
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    # Built by the email task when it runs: the password-setting link never sits in the queue.
    queue_email("cases.services.portal_invitation_email", user_id=user.pk)
    record_event(Action.UPDATE, user=invited_by, obj=patient, detail="invited to portal")
    return user


@email_builder
def portal_invitation_email(user_id):
    """The portal invitation (plain text and HTML): the clinic's name, the username and a link
    to choose a password, made now. None once the account is gone, inactive or has a password."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("patient").first()
    if user is None or user.has_usable_password():
        return None
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "name": user.first_name,
        "link": link,
        "username": user.username,
        "clinic_name": settings.CLINIC_NAME,
    }
    patient = getattr(user, "patient", None)
    with translation.override(patient.preferred_language if patient else settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            gettext("Your %(clinic)s patient portal account") % {"clinic": settings.CLINIC_NAME},
            render_to_string("cases/email/invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        message.attach_alternative(
            render_to_string("cases/email/invitation.html", context), "text/html"
        )
    return message


# --- records -------------------------------------------------------------------------------------


@transaction.atomic
def record_consult(*, consult: Consult, by: User) -> Consult:
    return _record_consult(consult=consult, by=by)


def _record_consult(*, consult, by):
    consult.recorded_by = by
    return _save_new(consult, by=by, detail="consult recorded")


def check_change(record):
    """Refuse (ValidationError, nothing written) a change to ``record``, still unsaved, that
    would make another record invalid: a procedure's date moved after one of its adverse
    events or follow-up assessments, a consult's date moved after a decision taken on it.
    Records entered in error are left out."""
    if isinstance(record, Consult):
        _check_consult_change(record)
    if not isinstance(record, Procedure):
        return
    problems = []
    dependents = [*record.follow_ups.all(), *record.adverse_events.all()]
    for dependent in dependents:
        if dependent.entered_in_error:
            continue
        dependent.procedure = record  # the changed, unsaved copy
        if isinstance(dependent, FollowUp):
            dependent.compute_schedule()
        else:
            dependent.compute_timing()
        try:
            dependent.full_clean()
        except ValidationError as error:
            problems += [
                gettext(
                    "The %(kind)s %(record)s would no longer be valid: %(problem)s Correct it, "
                    "or mark it entered in error, first."
                )
                % {"kind": dependent._meta.verbose_name, "record": dependent, "problem": message}
                for message in error.messages
            ]
    if problems:
        raise ValidationError(problems)


def _check_consult_change(consult):
    if consult.pk is None or consult.consult_date is None:
        return
    earlier = (
        CandidacyDecision.objects.valid()
        .filter(consult=consult, decided_on__lt=consult.consult_date)
        .order_by("decided_on")
        .first()
    )
    if earlier is not None:
        message = gettext(
            "A decision on this consult is dated %(day)s: the consult cannot be after it."
        ) % {"day": long_date(earlier.decided_on)}
        raise ValidationError({"consult_date": message})


def check_patient_change(patient):
    """Refuse a correction of ``patient`` (unsaved) that would make one of their consults
    invalid: a date of birth after a consult or its MRI. Registered with the clinic app
    (``clinic.models.PATIENT_CHANGE_CHECKS``), so the portal and the admin both apply it."""
    problems = []
    for consult in Consult.objects.valid().filter(patient_id=patient.pk):
        consult.patient = patient  # the changed, unsaved copy
        try:
            consult.clean()
        except ValidationError as error:
            problems += [
                gettext("The consult of %(day)s: %(problem)s")
                % {"day": long_date(consult.consult_date), "problem": m}
                for m in error.messages
            ]
    if problems:
        raise ValidationError({"date_of_birth": problems})


@transaction.atomic
def update_record(*, record, expected_version: int, by: User, detail=""):
    """Save an edited record unless someone else saved it first (raises StaleRecordError) or
    the change would make one of its dependent records invalid (ValidationError)."""
    check_change(record)
    record.save_if_current(expected_version=expected_version)
    if isinstance(record, Procedure):
        # Values derived from the procedure date follow it: schedules and 30/90-day flags.
        for dependent in [*record.follow_ups.all(), *record.adverse_events.all()]:
            dependent.save(update_fields=["version"])
    record_event(
        Action.UPDATE,
        user=by,
        obj=record,
        detail=detail or f"{_kind(record)} edited",
    )
    return record


def _kind(record):
    """The record's kind for the audit trail: always English ("adverse event"), whoever acted."""
    with translation.override("en"):
        return str(record._meta.verbose_name)


@transaction.atomic
def mark_entered_in_error(*, record, by: User, reason: str):
    """Mark a record entered in error; pending follow-ups it anchors are cancelled with it."""
    record.mark_entered_in_error(by=by, reason=reason)
    if isinstance(record, Procedure | CandidacyDecision):
        for follow_up in record.follow_ups.pending():
            follow_up.cancel(reason="anchor entered in error")
    record_event(
        Action.UPDATE,
        user=by,
        obj=record,
        detail=f"{_kind(record)} marked entered in error",
    )
    return record


def schedule_follow_ups(*, anchor, by: User, existing=None) -> list[FollowUp]:
    """Create the missing follow-up timepoints for a procedure or a non-operative decision.

    ``existing``: the anchor's timepoints already scheduled, when the caller knows them (an
    anchor saved in this transaction has none); otherwise they are read.
    """
    key = "procedure" if isinstance(anchor, Procedure) else "decision"
    if existing is None:
        existing = set(
            FollowUp.objects.valid().filter(**{key: anchor}).values_list("timepoint", flat=True)
        )
    created = []
    for timepoint in TIMEPOINT_WINDOWS:
        if timepoint in existing:
            continue
        follow_up = FollowUp(
            timepoint=timepoint, recorded_by=by, patient=anchor.patient, **{key: anchor}
        )
        follow_up.compute_schedule()
        # One follow-up per anchor and timepoint: settled by ``existing``, read in this
        # transaction (under the anchor's lock for a procedure), so the unique constraints are
        # not looked up again for each timepoint; the CHECK constraints are (in Python).
        follow_up.full_clean(validate_constraints=False)
        follow_up.validate_check_constraints()
        follow_up.save()
        created.append(follow_up)
    return created


def _followed_from_decisions(patient_id):
    """In one query: the patient's follow-ups anchored on a decision and still expected, and
    their baselines (answered or not), each with its decision's consult — what a new decision
    or a procedure changes."""
    return list(
        FollowUp.objects.valid()
        .filter(patient_id=patient_id, decision__isnull=False, cancelled_at__isnull=True)
        .filter(Q(completed_at__isnull=True) | Q(timepoint=BASELINE))
        .annotate(decision_consult_id=F("decision__consult_id"))
    )


def _cancel_decision_follow_ups(followed, reason):
    # The baseline is not one of them: it is asked before any treatment (schedule_baseline).
    for follow_up in followed:
        if follow_up.is_pending and not follow_up.is_baseline:
            follow_up.cancel(reason=reason)


def schedule_baseline(*, decision: CandidacyDecision, by: User, followed=None) -> FollowUp | None:
    """Ask the patient for their own baseline (pain, ODI, work) once a decision is made: open
    from the decision day until the procedure day, or for BASELINE_DAYS without one.

    One baseline per consult: an amendment (or another decision on the same consult) keeps the
    one already asked, so running this twice schedules nothing more. A decision on a newer
    consult asks again, and the unanswered baseline of the older one is no longer expected.
    ``followed``: ``_followed_from_decisions()``, when the caller has read it. Returns the new
    baseline, or None.
    """
    if followed is None:
        followed = _followed_from_decisions(decision.patient_id)
    baselines = [f for f in followed if f.is_baseline]
    if any(f.decision_consult_id == decision.consult_id for f in baselines):
        return None
    for earlier in baselines:
        if earlier.is_pending and not earlier.procedure_id:
            earlier.cancel(reason="a decision on a newer consult asks again")
    baseline = FollowUp(
        timepoint=BASELINE, recorded_by=by, patient=decision.patient, decision=decision
    )
    baseline.compute_schedule()
    # One baseline per consult, settled above from what was read in this transaction: the
    # unique constraints are not looked up again; the CHECK constraints are (in Python).
    baseline.full_clean(validate_constraints=False)
    baseline.validate_check_constraints()
    baseline.save()
    return baseline


def _close_baseline(procedure, followed):
    """The patient's open baseline ends on the procedure day: it is the procedure's from now
    on (its window closes then). One answered after the procedure is not a baseline of it."""
    candidates = [
        f
        for f in followed
        if f.is_baseline
        and not f.procedure_id
        and f.anchor_date <= procedure.procedure_date
        and (f.assessed_on is None or f.assessed_on <= procedure.procedure_date)
    ]
    if not candidates:
        return
    baseline = max(candidates, key=lambda f: (f.anchor_date, f.pk))
    baseline.procedure = procedure
    baseline.version += 1
    baseline.save(update_fields=["procedure", "version"])


def check_decision_article(*, outcome, article):
    """The MISS article goes to MISS candidates only (``record_decision``; the decision form
    shows the same refusal before anything is written)."""
    if article is not None and outcome != CandidacyDecision.Outcome.MISS_CANDIDATE:
        raise ValidationError(gettext("The MISS article is given to MISS candidates only."))


@transaction.atomic
def record_decision(
    *, decision: CandidacyDecision, by: User, supersedes=None, article=None
) -> CandidacyDecision:
    """Record a candidacy decision, or an amendment of ``supersedes``.

    A new decision for a patient who already has a current one supersedes it, so that each
    patient has at most one current decision (the others stay visible, linked).

    With ``article`` (for a MISS candidate), the article is assigned to the patient in the same
    step, through the education app's service.

    Patients not operated are followed from the decision date: a conservative decision schedules
    its follow-ups; an amendment to a surgical plan cancels the pending ones.
    """
    return _record_decision(decision=decision, by=by, supersedes=supersedes, article=article)


def _record_decision(*, decision, by, supersedes=None, article=None):
    """:func:`record_decision` inside a transaction the caller holds."""
    check_decision_article(outcome=decision.outcome, article=article)
    fields = {
        f.name: getattr(decision, f.name)
        for f in CandidacyDecision._meta.concrete_fields
        if f.editable and not f.primary_key
    }
    fields["decided_at"] = decision.decided_at
    amending = supersedes is not None
    if supersedes is None:
        # A patient has one plan at a time: a new decision replaces the current one, which stays.
        supersedes = CandidacyDecision.objects.current_for(decision.consult.patient).first()
    if supersedes is not None:
        decision = supersedes.supersede(by=by, **fields)
        detail = "decision amended" if amending else "decision recorded, replacing the previous"
    else:
        decision.decided_by = decision.recorded_by = by
        decision.full_clean()
        decision.save()
        detail = "decision recorded"
    followed = _followed_from_decisions(decision.patient_id)
    if decision.outcome in CandidacyDecision.FOLLOWED_WITHOUT_SURGERY:
        if not any(f.is_pending and not f.is_baseline for f in followed):
            schedule_follow_ups(anchor=decision, by=by, existing=set())
    else:
        _cancel_decision_follow_ups(followed, "the plan changed")
    schedule_baseline(decision=decision, by=by, followed=followed)
    record_event(Action.CREATE, user=by, obj=decision, detail=detail)
    if article is not None:
        assign_article(article=article, patient=decision.patient, assigned_by=by)
    return decision


@transaction.atomic
def record_consult_and_decision(
    *, consult: Consult, decision: CandidacyDecision, by: User, article=None
) -> tuple[Consult, CandidacyDecision]:
    """A consult and its candidacy decision recorded in one sitting: both, each with its audit
    entry and history, or neither (a refusal of the decision undoes the consult). One
    transaction, without a savepoint of its own for each part."""
    consult = _record_consult(consult=consult, by=by)
    decision.consult = consult  # now saved: the decision refers to its row
    return consult, _record_decision(decision=decision, by=by, article=article)


@transaction.atomic
def record_procedure(*, procedure: Procedure, by: User) -> Procedure:
    """Record a procedure and schedule its follow-ups (those from the decision date stop).

    A decision has one procedure (a reoperation is a new decision): the decision's row is
    locked first, so of two saves at once the second sees the first's procedure and is refused.
    """
    CandidacyDecision._base_manager.select_for_update().filter(pk=procedure.decision_id).first()
    procedure.recorded_by = by
    _save_new(procedure, by=by, detail="procedure recorded")
    followed = _followed_from_decisions(procedure.patient_id)
    _cancel_decision_follow_ups(followed, "the patient was operated")
    _close_baseline(procedure, followed)
    schedule_follow_ups(anchor=procedure, by=by, existing=set())
    return procedure


@transaction.atomic
def record_adverse_event(*, adverse_event, by: User):
    adverse_event.recorded_by = by
    return _save_new(adverse_event, by=by, detail="adverse event recorded")


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, expected_version: int, by: User) -> FollowUp:
    """Record a follow-up's results (first time or as a correction), refusing stale copies."""
    from django.utils import timezone

    first_time = follow_up.completed_at is None
    if follow_up.cancelled_at is not None:
        raise ValidationError(gettext("This follow-up was cancelled."))
    if first_time:
        follow_up.completed_at = timezone.now()
    if follow_up.nrs_back is None or follow_up.nrs_leg is None or follow_up.assessed_on is None:
        raise ValidationError(gettext("A follow-up needs the date and NRS back and leg pain."))
    follow_up.save_if_current(expected_version=expected_version)
    record_event(
        Action.CREATE if first_time else Action.UPDATE,
        user=by,
        obj=follow_up,
        detail="follow-up recorded" if first_time else "follow-up edited",
    )
    return follow_up
