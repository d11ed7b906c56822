from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import AuditEvent, Patient, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ["mrn", "family_name", "given_name", "date_of_birth", "primary_specialist"]
    search_fields = ["mrn", "family_name", "given_name"]
    list_select_related = ["primary_specialist"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return False  # health records are never deleted


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, visible to superusers only: nobody edits the audit trail."""

    list_display = ["at", "user", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_type", "object_id"]
    date_hierarchy = "at"

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
