"""The one way to write the audit trail."""

from django.db import models

from clinic.models import AuditEvent, Patient


def client_ip(request):
    """The client's IP as django-axes resolves it (honours the configured trusted proxy header)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_event(
    action,
    *,
    request=None,
    user=None,
    obj=None,
    patient=None,
    detail="",
    username="",
):
    """Append one AuditEvent: who did ``action`` to ``obj`` (about ``patient``), from where.

    ``detail`` is a short description of *what* happened; it must never hold health values.
    """
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
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
        ip_address=client_ip(request),
        detail=detail[:255],
    )
