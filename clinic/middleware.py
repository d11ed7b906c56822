import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_otp import middleware as otp_middleware

from clinic import auth_cache, registry

# What a browser sends to an HTML portal: links and forms. CORS preflights (OPTIONS) and the
# REST verbs have no place here.
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class AllowedMethodsMiddleware:
    """Answers 405 to any method but GET, HEAD and POST, before any view — the admin's, Django's
    own account views and the portal's alike.

    The portal's views each declare which of the three they answer (``require_safe``,
    ``require_POST``, ``require_http_methods``); the admin and Django's class-based views would
    otherwise answer OPTIONS, PUT, PATCH or DELETE as a GET or a POST and show the page (a
    patient's record in the admin) without auditing it. An API whose views all answer every
    method themselves, in its own format, registers its prefix (``clinic.registry``): the FHIR
    API answers its 405s as OperationOutcomes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS and not request.path.startswith(
            registry.method_answering_prefixes()
        ):
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in user and on every
    download, so that no browser or proxy keeps a copy of a page or file with health information.

    Signed in, almost every page shows someone's health information (or the user's own), so the
    rule does not depend on the page; public pages (the landing page, public articles) and
    static files stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.get("Content-Disposition", "").startswith("attachment"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def idle_limit_for(user):
    """Seconds of inactivity allowed: staff (who see many patients) are logged off sooner."""
    if user.is_staff or user.is_superuser or user.is_specialist or user.is_editor:
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_PATIENT


class SessionTimeoutMiddleware:
    """Automatic logoff: after an idle period by role, and at an absolute limit after login."""

    SAVE_EVERY = 60  # seconds: do not write the session (database and cache) on every request

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("login_at", now)
            last = session.get("last_activity", now)
            idle = now - last > idle_limit_for(user)
            expired = now - started > settings.SESSION_COOKIE_AGE
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after a period of inactivity.")
                    if idle
                    else _("Your session ended; please log in again."),
                )
                return redirect_to_login(request.get_full_path())
            if now - last > self.SAVE_EVERY or "last_activity" not in session:
                session["last_activity"] = now
        return self.get_response(request)


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``user.is_verified()``), reading the
    device the session was verified with from the session cache (clinic/auth_cache.py): a
    device deleted or unconfirmed is forgotten there at once, and no longer verifies anyone."""

    def _device_from_persistent_id(self, persistent_id):
        return auth_cache.cached(
            auth_cache.device_key(persistent_id),
            lambda: super(OTPMiddleware, self)._device_from_persistent_id(persistent_id),
            store=auth_cache.device_without_key,
        )


def needs_two_factor(user):
    return user.is_superuser or user.is_staff or user.is_specialist or user.is_editor


class RequireTwoFactorMiddleware:
    """Staff (specialists, editors, superusers) must pass a second factor before any page with
    health information or the admin opens. On whenever DEBUG is off (settings.REQUIRE_2FA)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and needs_two_factor(user)
            and not user.is_verified()
            and not self.is_exempt(request.path)
        ):
            from django_otp import user_has_device

            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def is_exempt(path):
        exempt = [
            reverse("two_factor_setup"),
            reverse("two_factor_verify"),
            reverse("logout"),
            "/" + settings.STATIC_URL.lstrip("/"),
        ]
        return any(path.startswith(prefix) for prefix in exempt)


class UserLanguageMiddleware:
    """A signed-in user's pages in their own language: their patient record's or their account's,
    read with the user in the one query every signed-in request makes anyway
    (clinic.backends.with_language), so a change made by staff applies on their next request.
    A visitor who is not signed in keeps the language a check-in link put in the session, if any.

    After LocaleMiddleware (which picks the cookie's or the browser's language for anyone) and
    the authentication middleware; anyone else keeps LocaleMiddleware's choice. The language is
    also kept in the language cookie, so that the pages after a logout stay in it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from clinic.language import SESSION_KEY, supported

        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        language = None
        if user is not None and user.is_authenticated:
            language = supported(getattr(user, "portal_language", None))
        if not language and session is not None:
            language = supported(session.get(SESSION_KEY))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # Remembered in the browser too: the login page after a logout or an idle logoff is
            # still in the person's language.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
