"""Login, logout, failed login and lockout go to the audit trail."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from clinic.audit import record_event
from clinic.models import AuditEvent


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_event(AuditEvent.Action.LOGIN, request=request, user=user)
    if request is not None and hasattr(request, "session"):
        # The clock for automatic logoff (clinic.middleware.SessionTimeoutMiddleware).
        request.session["login_at"] = request.session["last_activity"] = time.time()


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(AuditEvent.Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    record_event(AuditEvent.Action.LOCKOUT, request=request, username=(username or "")[:150])
