"""The one way to write the audit trail, and the one rule for a client's IP address.

Services never take the HTTP request (docs/architecture.md): :class:`RequestContextMiddleware`
puts the client's address in a context variable for as long as a request is served, and
:func:`record_event` reads it from there. In a management command or a background task there is
no request, and the entry has no address, as before.
"""

import contextvars
import ipaddress
from contextlib import contextmanager

from django.conf import settings
from django.db import models

from clinic.models import AuditEvent, Patient


def client_ip(request):
    """The client's IP address, for the audit trail and django-axes' lockout alike.

    Without a proxy it is the socket's address. Behind ``CLIENT_IP_PROXY_COUNT`` trusted
    proxies, each of which appends the address it received the request from to the
    ``CLIENT_IP_HEADER`` (nginx's ``proxy_add_x_forwarded_for`` does), it is the entry that many
    places from the right: anything further left was sent by the client and proves nothing. A
    header with too few entries, or an entry that is not an address, gives the socket's address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.CLIENT_IP_PROXY_COUNT
    if count <= 0:
        return remote
    entries = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count].strip()))
    except ValueError:
        return remote


# The client's address of the request being served; None outside one.
_client_ip = contextvars.ContextVar("audit_client_ip", default=None)


@contextmanager
def request_context(request):
    """Audit entries written inside carry ``request``'s client address (and only inside)."""
    token = _client_ip.set(client_ip(request))
    try:
        yield
    finally:
        _client_ip.reset(token)


class RequestContextMiddleware:
    """Sets the request context for everything below it: views, the admin, login signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)


def record_event(
    action,
    *,
    user=None,
    obj=None,
    patient=None,
    detail="",
    username="",
):
    """Append one AuditEvent: who did ``action`` to ``obj`` (about ``patient``), from where.

    ``detail`` is a short description of *what* happened; it must never hold health values. The
    address is the one of the request being served (:class:`RequestContextMiddleware`), if any.
    """
    if patient is None and isinstance(obj, Patient):
        patient = obj
    if patient is None and obj is not None:
        patient = getattr(obj, "patient", None)
    object_type = object_id = ""
    if isinstance(obj, models.Model):
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    return AuditEvent.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        object_type=object_type,
        object_id=object_id,
        patient=patient,
        ip_address=_client_ip.get(),
        detail=detail[:255],
    )


def record_view(request, obj=None, *, detail, patient=None):
    """Audit the reading of a page that shows a patient's record, or a list of patients.

    Whatever the method: a form posted back and shown again with its errors shows the record as
    much as the form opened by a GET. Call it on the path that renders the page, so that a form
    saved (audited by what it writes, then redirected) leaves one event, not two.
    """
    return record_event(
        AuditEvent.Action.VIEW, user=request.user, obj=obj, patient=patient, detail=detail
    )
