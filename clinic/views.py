import base64
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from clinic import page_cache, registry, services, spreadsheet, two_factor, unavailable
from clinic.audit import client_ip, record_event, record_export, record_view, view_events
from clinic.filters import AuditEventFilter
from clinic.forms import TokenForm, VerifyForm
from clinic.models import AuditEvent, Patient
from clinic.paging import MARKERS, keyset_page

# The dashboard's recent patients, after the work queue; the patient list has them all.
RECENT_PATIENTS_SHOWN = 10


@require_safe
@login_not_required
def dashboard(request):
    """``/``: the public landing page for visitors, a dashboard by role for everyone else.

    Each app contributes its own panel; clinic only composes them.
    """
    user = request.user
    if not user.is_authenticated:
        return render(request, "clinic/landing.html", registry.landing_context())
    # A clinician's work queue is their own patients' unless they ask for the whole clinic's;
    # a superuser, who usually has no patients of their own, sees the clinic's by default.
    scope = request.GET.get("queue")
    everyone = scope == "all" or (user.is_superuser and scope != "mine")
    if user.is_clinician:
        record_view(request, detail="dashboard")  # it lists patients, due follow-ups, questions
    elif _patient_only(user):
        kept = page_cache.kept(request)
        if kept is not None:  # their own, unchanged since: no need to look up their record
            return kept[1]

    def context():
        shown = {"queue_everyone": everyone}
        if user.is_clinician:
            shown["my_patients"] = (
                Patient.objects.filter(primary_specialist=user)
                .only("mrn", "given_name", "family_name", "updated_at")
                .order_by("-updated_at", "-id")[:RECENT_PATIENTS_SHOWN]
            )
        return shown | registry.dashboard_context(user, everyone=everyone)

    return page_cache.render(
        request, "clinic/dashboard.html", context, patient=_own_patient_pk(user)
    )


def _own_patient_pk(user):
    """A patient's dashboard shows their own records alone; anyone else's, the clinic's."""
    if _patient_only(user) and hasattr(user, "patient"):
        return user.patient.pk
    return None


def _patient_only(user):
    return user.is_patient and not (user.is_clinician or user.is_editor)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@require_safe
@login_not_required
def favicon(request):
    """Browsers ask for ``/favicon.ico`` whatever the page links: send them to the SVG (not
    permanently, as its hashed static name changes with it)."""
    return redirect(static("favicon.svg"))


def server_error(request):
    """Any exception a view or a middleware let through: 503 when the database or the task
    queue could not be reached (clinic/unavailable.py), 500 otherwise. Django calls it while
    handling the exception, so ``sys.exc_info()`` is that exception."""
    if unavailable.is_unavailable(sys.exc_info()[1]):
        return unavailable.service_unavailable_response()
    return defaults.server_error(request)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request):
    """Ask for a link to choose a new password. Every address gets the same answer in the same
    time: the account is looked up, and the email sent, by a background task. Asking too often
    for one address or from one IP is refused (429) with a message."""
    form = PasswordResetForm(request.POST or None)
    template = "registration/password_reset_form.html"
    if form.is_valid():
        email, ip = form.cleaned_data["email"], client_ip(request)
        if services.request_password_reset(email=email, ip=ip):
            return redirect("password_reset_done")
        form.add_error(None, _(services.PASSWORD_RESET_LIMITED))
        return render(request, template, {"form": form}, status=429)
    return render(request, template, {"form": form})


def _safe_next(request, default="dashboard"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code, confirm with a code, get recovery codes."""
    if user_has_device(request.user):
        return redirect("two_factor_verify")
    device = two_factor.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = two_factor.new_recovery_codes(request.user)
            messages.success(request, _("Two-factor authentication is on."))
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and retry.")
        )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": request.GET.get("next", ""),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_verify(request):
    """The second step of logging in for staff."""
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = VerifyForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        record_event(
            AuditEvent.Action.LOGIN_FAILED, user=request.user, detail="wrong second-factor code"
        )
        form.add_error("token", _("That code is not right."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


# The trail only grows: its page counts at most this many events ("10000+ events").
AUDIT_COUNT_LIMIT = 10_000
AUDIT_CSV_HEADER = ["at_utc", "user", "username", "action", "object", "id", "mrn", "ip", "detail"]


def _audit_rows(events):
    yield AUDIT_CSV_HEADER
    for event in events.iterator(chunk_size=2000):
        yield [
            event.at.isoformat(),
            event.user.username if event.user else "",
            event.username,
            event.action,
            event.object_type,
            event.object_id,
            event.patient.mrn if event.patient else "",
            event.ip_address or "",
            event.detail,
        ]


@require_safe
def audit_trail(request):
    """The audit trail for superusers: filter by patient, user, action and date; export CSV."""
    if not request.user.is_superuser:
        raise PermissionDenied
    view_events.write()  # what this process holds back is in the trail it shows
    filterset = AuditEventFilter(
        request.GET or None, queryset=AuditEvent.objects.select_related("user", "patient")
    )
    form = filterset.form
    if filterset.is_bound and not filterset.is_valid():
        if request.GET.get("format") == "csv":
            return HttpResponseBadRequest(_("Correct the audit trail filter before exporting it."))
        events = filterset.queryset.none()  # a filter with errors shows its errors, not the trail
    else:
        events = filterset.qs
    if request.GET.get("format") == "csv":
        record_export(request, detail="audit trail CSV")
        return spreadsheet.csv_download("audit-trail.csv", _audit_rows(events))
    page = keyset_page(
        events, request.GET, ordering=["-at", "-id"], size=50, count_limit=AUDIT_COUNT_LIMIT
    )
    query = request.GET.copy()
    for name in MARKERS:
        query.pop(name, None)
    return render(
        request,
        "clinic/auditevent_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
