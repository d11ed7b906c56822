from django.contrib import admin, messages

from clinic.admin import AuditedAdmin
from interop.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdmin):
    """API clients: superusers only. The token is shown once, in the message after the client
    is created; only its hash is stored. A client is revoked, never deleted (the audit trail
    names it)."""

    list_display = ["name", "scopes", "expires_at", "is_revoked", "created_at"]
    list_filter = ["is_revoked"]
    readonly_fields = ["created_at", "created_by"]
    fields = ["name", "scopes", "expires_at", "is_revoked", "created_at", "created_by"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token = None
        if not change:
            token = obj.new_token()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if token:
            messages.warning(
                request,
                f"The token of {obj.name} (copy it now: it is shown only this once and only "
                f"its hash is kept): {token}",
            )
