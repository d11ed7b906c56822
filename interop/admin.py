from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from clinic.admin import AuditedAdmin
from interop.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdmin):
    """API clients: superusers only. The token is shown once, on the page the creation answers
    with (never in a message: the default message storage is a cookie); only its hash is
    stored. A client is revoked, never deleted (the audit trail
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
        if not change:
            request._new_api_token = obj.new_token()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_new_api_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Token of %(name)s") % {"name": obj.name},
            "client": obj,
            "token": token,
        }
        return TemplateResponse(request, "admin/interop/apiclient/token.html", context)
