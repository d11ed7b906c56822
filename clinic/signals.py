"""Login, logout, failed login and lockout go to the audit trail; a change of what an account
may do ends its sessions; the signed-in user, their permissions and their device cached for
requests are forgotten when they change."""

import time

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.models import Device

from clinic import auth_cache
from clinic.audit import record_event
from clinic.models import AuditEvent, Patient, User


def _signed_in(request):
    """The user already signed in on ``request`` (a failed login can come from one), if any."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_event(AuditEvent.Action.LOGIN, user=user)
    if request is not None and hasattr(request, "session"):
        # The clock for automatic logoff (clinic.middleware.SessionTimeoutMiddleware).
        request.session["login_at"] = request.session["last_activity"] = time.time()


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(AuditEvent.Action.LOGOUT, user=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        AuditEvent.Action.LOGIN_FAILED,
        user=_signed_in(request),
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    record_event(
        AuditEvent.Action.LOCKOUT, user=_signed_in(request), username=(username or "")[:150]
    )


# --- sessions end when what the account may do changes --------------------------------------------
# Deactivating, reactivating, or changing an account's roles (groups), permissions or staff and
# superuser flags ends every session it has: a session opened before the change must not carry
# on with the new rights, nor come back when a deactivated account is reactivated. The portal, the
# admin and management commands all save users through the model, so the signals see each change.

ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=User, dispatch_uid="clinic.sessions.pre_save")
def note_access_change(sender, instance, raw=False, update_fields=None, **kwargs):
    watched = {*ACCESS_FIELDS, "session_generation"}
    if raw or instance.pk is None or (update_fields is not None and not watched & {*update_fields}):
        return
    before = (
        sender._base_manager.filter(pk=instance.pk)
        .values(*ACCESS_FIELDS, "session_generation")
        .first()
    )
    if before is None:
        return
    # A copy loaded before the sessions were last ended must not bring them back when saved.
    instance.session_generation = max(instance.session_generation, before["session_generation"])
    instance._access_changed = any(
        before[name] != getattr(instance, name) for name in ACCESS_FIELDS
    )


@receiver(post_save, sender=User, dispatch_uid="clinic.sessions.post_save")
def end_sessions_after_access_change(sender, instance, raw=False, **kwargs):
    if instance.__dict__.pop("_access_changed", False):
        instance.end_sessions()


def end_sessions_after_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    """``user.groups`` (or ``user_permissions``) changed, or from the other side a group's
    ``user_set``: the users whose rights changed lose their sessions."""
    if reverse and action == "pre_clear":  # group.user_set.clear(): who is in it, before
        instance._clearing = set(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if action == "post_clear" or pk_set:
            instance.end_sessions()
        return
    users = instance.__dict__.pop("_clearing", set()) if action == "post_clear" else pk_set
    for user in User._base_manager.filter(pk__in=users or ()):
        user.end_sessions()


for _through in (User.groups.through, User.user_permissions.through):
    m2m_changed.connect(
        end_sessions_after_role_change,
        sender=_through,
        dispatch_uid=f"clinic.sessions.{_through._meta.label}",
    )


# --- the signed-in user and their device, cached for each request (clinic/auth_cache.py) ----------


@receiver(post_save, sender=User, dispatch_uid="clinic.auth_cache.user_saved")
@receiver(post_delete, sender=User, dispatch_uid="clinic.auth_cache.user_deleted")
def forget_cached_user(sender, instance, **kwargs):
    auth_cache.forget_user(instance.pk)


@receiver(post_save, sender=Patient, dispatch_uid="clinic.auth_cache.patient_saved")
@receiver(post_delete, sender=Patient, dispatch_uid="clinic.auth_cache.patient_deleted")
def forget_cached_patient_user(sender, instance, **kwargs):
    """The cached user carries their patient record's language (clinic.backends.with_language)."""
    if instance.user_id:
        auth_cache.forget_user(instance.user_id)


def forget_cached_permissions(sender, action=None, **kwargs):
    """A role's permissions, a role, a permission or someone's roles changed: every cached set of
    permissions is computed again (a user's own changes also forget their entry)."""
    if action is None or action in ("post_add", "post_remove", "post_clear"):
        auth_cache.forget_rights()


for _model in (Group, Permission):
    for _signal in (post_save, post_delete):
        _signal.connect(
            forget_cached_permissions,
            sender=_model,
            dispatch_uid=f"clinic.auth_cache.rights.{_model._meta.label}.{id(_signal)}",
        )
for _through in (
    Group.permissions.through,
    User.groups.through,
    User.user_permissions.through,
):
    m2m_changed.connect(
        forget_cached_permissions,
        sender=_through,
        dispatch_uid=f"clinic.auth_cache.rights.{_through._meta.label}",
    )


def forget_cached_device(sender, instance, **kwargs):
    auth_cache.forget_device(instance)


for _model in apps.get_models():
    if issubclass(_model, Device):
        for _signal in (post_save, post_delete):
            _signal.connect(
                forget_cached_device,
                sender=_model,
                dispatch_uid=f"clinic.auth_cache.{_model._meta.label}.{id(_signal)}",
            )
