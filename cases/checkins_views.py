"""The patient's check-in page. Patients only: their own follow-ups, anyone else's answer 404.

The cases views guard with ``@permission_required`` for specialists; this one is the patient's
guard instead: a login (LoginRequiredMiddleware), the patient role (others get 403) and a row
filter on the patient's own record (``FollowUp.objects.checkins_of``).

The link in a check-in email opens that one check-in without a login (:func:`checkin_link_open`):
the session then holds a signed marker naming the link and its follow-up, which only
:func:`checkin_link` reads. It is not a login: every other page sees an anonymous visitor.
Also here: the patient's email preference and the unsubscribe link of the emails.
"""

from functools import partial, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from cases import checkin_form, checkins
from cases.invitation_forms import DateOfBirthForm, EmailPreferencesForm
from cases.models import CheckinLink, FollowUp
from clinic.audit import record_event, record_view
from clinic.models import AuditEvent, Patient

LINK_SESSION_KEY = "checkin_link"
LINK_SALT = "cases.checkin-link-session"
# How long an opened link stays open in the browser: long enough to answer, not all day.
LINK_SESSION_SECONDS = 2 * 60 * 60
# What a check-in form's POST saved (_answer).
DRAFT, SUBMITTED = "draft", "submitted"


def patient_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_patient:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def checkin(request, pk):
    follow_up = get_object_or_404(
        # The anchor comes with it: the save validates the answers against its dates.
        FollowUp.objects.checkins_of(request.user).select_related(
            "patient", "procedure", "decision"
        ),
        pk=pk,
    )
    status = follow_up.status()
    answerable = status == "due"
    form, saved = _answer(
        request,
        follow_up,
        by=request.user,
        submit=partial(checkins.submit_checkin, follow_up=follow_up, by=request.user),
        answerable=answerable,
    )
    if saved == SUBMITTED:
        messages.success(request, _("Thank you: your check-in is sent to your clinic."))
    if saved:
        return redirect("dashboard")
    record_view(request, follow_up, detail="check-in")
    return _questionnaire(request, form, answerable=answerable, closed=status == "overdue")


def _answer(request, follow_up, *, by, submit, answerable=True):
    """The questionnaire of ``follow_up``, and what a POST of it saved: a draft (``by`` its
    author, with a message), the answers (``submit(form=form)``), or None (then the form says
    why). Both check-in pages, the signed-in patient's and the emailed link's, answer here."""
    is_draft = "save_draft" in request.POST
    form = checkin_form.CheckinForm(
        request.POST or None,
        follow_up=follow_up,
        instrument=checkin_form.active_odi(follow_up.patient),
        draft=is_draft,
        initial=checkin_form.checkin_initial(follow_up),
    )
    if request.method != "POST" or not answerable or not form.is_valid():
        return form, None
    try:
        if is_draft:
            checkins.save_checkin_draft(follow_up=follow_up, form=form, by=by)
        else:
            submit(form=form)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return form, None
    if is_draft:
        messages.success(request, _("Your answers are saved. Come back to finish them."))
        return form, DRAFT
    return form, SUBMITTED


def _questionnaire(request, form, *, answerable=True, **context):
    context.update(form=form, follow_up=form.follow_up, answerable=answerable)
    return render(request, "cases/checkin_form.html", context)


# --- the link in a check-in email ----------------------------------------------------------------


def _link_marker(request):
    """The signed marker a link left in this session, else None."""
    value = request.session.get(LINK_SESSION_KEY)
    if not value:
        return None
    try:
        return signing.loads(value, salt=LINK_SALT, max_age=LINK_SESSION_SECONDS)
    except signing.BadSignature:
        return None


def _set_link_marker(request, link, *, confirmed):
    request.session[LINK_SESSION_KEY] = signing.dumps(
        {"link": link.pk, "follow_up": link.follow_up_id, "confirmed": confirmed}, salt=LINK_SALT
    )


def _use_language(request, language, *, remember=True):
    """The patient's language for this page and the next ones of this browser session (the
    link's visitor is not signed in: clinic.middleware.UserLanguageMiddleware reads it)."""
    from clinic.language import remember_in_session, supported

    language = supported(language)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if remember:
            remember_in_session(request, language)


def _link_problem_page(request, problem, status=200):
    request.session.pop(LINK_SESSION_KEY, None)
    return render(request, "cases/checkin_link_problem.html", {"problem": problem}, status=status)


@login_not_required
@require_safe
def checkin_link_open(request, token):
    """The link in the email: checked, audited, then swapped for a marker in the session so
    that the token leaves the address bar (and the history, and any Referer)."""
    link = CheckinLink.objects.for_token(token)
    problem = checkins.link_problem(link)
    if problem:
        return _link_problem_page(request, problem, status=404 if link is None else 200)
    checkins.open_checkin_link(link=link)
    _set_link_marker(request, link, confirmed=False)
    return redirect("cases:checkin_link")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_link(request):
    """The check-in of the link opened in this browser: the date of birth first, then the
    questionnaire."""
    marker = _link_marker(request)
    link = None
    if marker:
        link = (
            CheckinLink.objects.select_related(
                "follow_up__patient__user", "follow_up__procedure", "follow_up__decision"
            )
            .filter(pk=marker["link"], follow_up_id=marker["follow_up"])
            .first()
        )
    if link is None:
        return _link_problem_page(
            request,
            _(
                "Please open the link in your check-in email again, or log in to the patient "
                "portal."
            ),
            status=403,
        )
    # The patient's own language from here on, the confirmation page included.
    _use_language(request, link.follow_up.patient.preferred_language)
    problem = checkins.link_problem(link)
    if problem:
        return _link_problem_page(request, problem)
    if not marker["confirmed"]:
        return _confirm_date_of_birth(request, link)
    return _answer_by_link(request, link)


def _confirm_date_of_birth(request, link):
    form = DateOfBirthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if checkins.confirm_date_of_birth(
            link=link, date_of_birth=form.cleaned_data["date_of_birth"]
        ):
            request.session.cycle_key()
            _set_link_marker(request, link, confirmed=True)
            return redirect("cases:checkin_link")
        left = checkins.attempts_left(link)
        if left == 0:
            return _link_problem_page(request, checkins.LINK_LOCKED)
        form.add_error(
            "date_of_birth",
            _("This date of birth does not match our records.")
            + " "
            + ngettext(
                "%(left)s attempt left before this link locks.",
                "%(left)s attempts left before this link locks.",
                left,
            )
            % {"left": left},
        )
    return render(request, "cases/checkin_link_confirm.html", {"form": form})


def _answer_by_link(request, link):
    follow_up = link.follow_up
    form, saved = _answer(
        request,
        follow_up,
        by=follow_up.patient.user,
        submit=partial(checkins.submit_checkin_by_link, link=link),
    )
    if saved == DRAFT:
        return redirect("cases:checkin_link")
    if saved == SUBMITTED:
        request.session.pop(LINK_SESSION_KEY, None)
        return redirect("cases:checkin_link_done")
    record_event(
        AuditEvent.Action.VIEW,
        user=follow_up.patient.user,
        obj=follow_up,
        detail="check-in (through link)",
    )
    return _questionnaire(request, form, via_link=True)


@login_not_required
@require_safe
def checkin_link_done(request):
    return render(request, "cases/checkin_link_done.html")


# --- email preferences ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def email_preferences(request):
    patient = get_object_or_404(Patient, user=request.user)
    # An unticked box posts nothing: the form is bound on any POST.
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"checkin_emails": not patient.checkin_emails_opt_out},
    )
    if request.method == "POST" and form.is_valid():
        checkins.set_checkin_email_opt_out(
            patient=patient, opt_out=not form.cleaned_data["checkin_emails"], by=request.user
        )
        messages.success(request, _("Your email preferences are saved."))
        return redirect("cases:email_preferences")
    return render(request, "cases/checkin_email_preferences.html", {"form": form})


@login_not_required
# A mail client's one-click unsubscribe (RFC 8058) posts without a CSRF token: the signed token
# is the credential, and all it can do is turn check-in emails off.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_unsubscribe(request, token):
    patient = checkins.patient_for_unsubscribe_token(token)
    if patient is None:
        return _link_problem_page(request, _("This unsubscribe link is not valid."), status=404)
    _use_language(request, patient.preferred_language, remember=False)
    done = request.method == "POST"
    if done:
        checkins.set_checkin_email_opt_out(
            patient=patient, opt_out=True, detail="check-in emails turned off (unsubscribe link)"
        )
    return render(
        request,
        "cases/checkin_unsubscribe.html",
        {"done": done, "clinic_name": settings.CLINIC_NAME},
    )
