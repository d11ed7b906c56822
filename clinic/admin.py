from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from clinic import roles
from clinic.audit import record_event, record_view
from clinic.forms import VersionedForm
from clinic.models import AuditEvent, Patient, User


class AuditedAdmin(admin.ModelAdmin):
    """An admin whose writes go into the audit trail like the portal's.

    With ``audit_views`` (admins whose pages show a patient's record), every response that
    shows an object's change or history page is recorded too, whatever the method: opened, or a
    change posted back with errors (a saved change is audited as such, then redirected).
    """

    audit_views = False
    # People fields: {field: function returning the users who may be named there}, e.g. a
    # consult's specialist. The field offers those users only, and whoever it names already
    # (someone since deactivated), so an old record is saved without changing its author.
    people_fields = {}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, candidates in self.people_fields.items():
            field = form.base_fields.get(name)
            if field is not None:
                current = getattr(obj, f"{name}_id", None)
                field.queryset = field.queryset.filter(Q(pk__in=candidates()) | Q(pk=current))
        return form

    def _record_view(self, request, object_id, detail, response):
        # 200: the admin let the user in and shows the record.
        if self.audit_views and response.status_code == 200:
            record_view(request, self.get_object(request, object_id), detail=detail)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._record_view(request, object_id, "admin", response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._record_view(request, object_id, "admin history", response)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.audit_views and response.status_code == 200:
            record_view(request, detail=f"admin list {self.opts}")
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        record_event(action, user=request.user, obj=obj, detail=f"{action.label.lower()}d in admin")

    def delete_model(self, request, obj):
        self._record_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one event per row; the rows are few (accounts' security records)
            self._record_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj):
        record_event(
            AuditEvent.Action.DELETE, user=request.user, obj=obj, detail="deleted in admin"
        )


class PortalHistoryAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """The admin of a model with history: the history can be read, never reverted.

    A revert would save the old row whole — workflow states, derived values and the
    entered-in-error marking included — behind the rules the portal applies; a correction is
    made as a new change instead.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._record_view(request, object_id, "admin past version", response)

    def revert_disabled(self, request, obj=None):
        return True


class SuperuserReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by management commands: superusers can look, nobody edits them here."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionedAdminForm(VersionedForm):
    """The admin's form of a versioned record: as the portal's (``VersionedForm``), a change over
    a copy someone else saved meanwhile is refused; and it validates the record whole,
    constraints on fields it does not show included, so a change the model refuses is a form
    error, never a server error.
    """

    # The admin shows the record's own ``version`` read-only, so the opened one is carried apart.
    version_field = "seen_version"
    version = None
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance.full_clean()
            self.check_change(self.instance)
        except ValidationError as error:
            for field, errors in error.update_error_dict({}).items():
                self.add_error(field if field in self.fields else None, errors)

    def check_change(self, instance):
        """What else the change must not break (raise ValidationError); nothing by default."""


class VersionedAdmin(AuditedAdmin):
    """The admin of a versioned record: a change is saved only over the version opened."""

    form = VersionedAdminForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # Someone saved the record between the form's check and the save (the save
            # re-checks under the row lock): the admin's transaction is rolled back whole.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        return self.save_change(request, obj, form.expected_version)

    def save_change(self, request, obj, seen_version):
        # Re-checks the version under the row lock and moves it on: a copy open elsewhere is
        # now stale.
        obj.save_if_current(expected_version=seen_version)
        record_event(
            AuditEvent.Action.UPDATE, user=request.user, obj=obj, detail="updated in admin"
        )


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """Accounts are deactivated, never deleted: the audit trail and the records name them."""

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]

    def has_delete_permission(self, request, obj=None):
        return False

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            record_event(
                AuditEvent.Action.UPDATE,
                user=request.user,
                obj=user,
                detail="password set in admin",
            )
        return response


@admin.register(Patient)
class PatientAdmin(VersionedAdmin, PortalHistoryAdmin):
    list_display = ["mrn", "family_name", "given_name", "date_of_birth", "primary_specialist"]
    search_fields = ["mrn", "family_name", "given_name"]
    list_select_related = ["primary_specialist"]
    raw_id_fields = ["user"]
    people_fields = {"primary_specialist": roles.specialists, "user": roles.patient_accounts}
    audit_views = True

    def has_delete_permission(self, request, obj=None):
        return False  # health records are never deleted


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserReadOnlyAdmin):
    """Read-only for everyone, visible to superusers only: nobody edits the audit trail."""

    list_display = ["at", "user", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_type", "object_id"]
    date_hierarchy = "at"


class DeviceAdmin(AuditedAdmin):
    """A second factor in the admin: who has one, and deleting it when a phone is lost (the
    person enrols again at their next login). Its secret (a TOTP key and its QR code, the
    recovery codes) is shown once, to its owner, at enrolment, and never here; and devices are
    made only by enrolling."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]
    # Clearing the failure count lets a throttled device be used again; nothing else changes.
    readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # The list's own filters only: "?key__startswith=…" would read the key a letter at a time.
        return lookup.split(LOOKUP_SEP)[0] in self.list_filter


# The accounts' security records keep their own apps' admins, audited like the portal's: a
# role's permissions, a lifted lockout, a reset second factor are in the audit trail. The second
# factors get admins of their own (DeviceAdmin), without the libraries' key and QR code pages.
for model, model_admin in [
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (TOTPDevice, DeviceAdmin),
    (StaticDevice, DeviceAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    if not issubclass(model_admin, AuditedAdmin):
        model_admin = type(model_admin.__name__, (AuditedAdmin, model_admin), {})
    admin.site.register(model, model_admin)
