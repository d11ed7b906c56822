"""Each person's language (issue 16): a patient's is ``Patient.preferred_language``, anyone
else's is ``User.language``. A signed-in request reads it with the user, in the query it makes
anyway (clinic.backends.with_language, clinic.middleware.UserLanguageMiddleware), so a change
made by staff applies on the next request; a choice made in the header's switcher is saved to the
account as well as Django's language cookie. The session holds a language only for a visitor
who is not signed in (a check-in link's, cases.checkins_views)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from clinic.audit import record_event
from clinic.models import AuditEvent, Patient

SESSION_KEY = "language"
LANGUAGE_PARAMETER = "language"


def supported(language):
    """``language`` if the portal offers it, else None."""
    return language if language in dict(settings.LANGUAGES) else None


def language_of(user):
    """The language saved on ``user``'s account: their patient record's, else their own."""
    patient = Patient.objects.filter(user=user).only("preferred_language").first()
    if patient is not None:
        return supported(patient.preferred_language) or settings.LANGUAGE_CODE
    return supported(getattr(user, "language", "")) or settings.LANGUAGE_CODE


def remember_in_session(request, language):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language


@transaction.atomic
def save_language(user, language):
    """Save ``language`` as ``user``'s own: on their patient record (with its history) if they
    are a patient, else on the account; audited."""
    patient = Patient.objects.filter(user=user).first()
    if patient is not None:
        if patient.preferred_language != language:
            patient.preferred_language = language
            patient.save_if_current(expected_version=patient.version)
            record_event(AuditEvent.Action.UPDATE, user=user, obj=patient, detail="language")
    elif user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        record_event(AuditEvent.Action.UPDATE, user=user, obj=user, detail="language")


@csrf_exempt
@login_not_required
@require_POST
def set_language(request):
    """Django's set_language (the cookie, the redirect back), and the account when signed in.

    An anonymous visitor's choice only sets the cookie, so the switcher on public pages carries
    no CSRF token (a token would set a cookie, and the public page cache never stores a page
    that sets one, education/page_cache.py); a signed-in user's choice changes their account,
    so the CSRF check applies to it as to any other form.
    """
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    response = django_set_language(request)
    language = supported(request.POST.get(LANGUAGE_PARAMETER, ""))
    if language and request.user.is_authenticated:
        save_language(request.user, language)
        translation.activate(language)
    return response
