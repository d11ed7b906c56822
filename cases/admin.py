from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    MinimalImportantChange,
    Procedure,
)
from clinic.audit import record_event
from clinic.models import AuditEvent


class ClinicalAdmin(SimpleHistoryAdmin):
    """Clinical records in the admin: shown to staff with the model permissions, never deleted.

    Derived values and the entered-in-error marking are read-only here: they are set by the
    model's own methods.
    """

    list_select_related = ["patient"]
    search_fields = ["patient__mrn", "patient__family_name"]
    list_filter = ["entered_in_error"]
    raw_id_fields = ["patient"]

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are marked entered in error, never deleted

    def has_add_permission(self, request):
        return False  # records are created in the portal, where the services apply the rules

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_event(AuditEvent.Action.VIEW, request=request, obj=obj, detail="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.version += 1  # a copy open in the portal is now stale
        super().save_model(request, obj, form, change)
        record_event(AuditEvent.Action.UPDATE, request=request, obj=obj, detail="changed in admin")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if not f.editable]

    def get_raw_id_fields(self, request):
        return [
            f.name
            for f in self.model._meta.fields
            if f.is_relation and f.editable and f.name != "id"
        ]


@admin.register(Consult)
class ConsultAdmin(ClinicalAdmin):
    list_display = ["patient", "consult_date", "level", "dominant_pain", "entered_in_error"]


@admin.register(CandidacyDecision)
class CandidacyDecisionAdmin(ClinicalAdmin):
    list_display = ["patient", "outcome", "decided_at", "decided_by", "entered_in_error"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: amend through the portal


@admin.register(Procedure)
class ProcedureAdmin(ClinicalAdmin):
    list_display = ["patient", "procedure_date", "technique", "length_of_stay_nights"]
    list_filter = ["technique", "entered_in_error"]


@admin.register(AdverseEvent)
class AdverseEventAdmin(ClinicalAdmin):
    list_display = ["patient", "event_type", "onset_date", "clavien_dindo_grade"]


@admin.register(FollowUp)
class FollowUpAdmin(ClinicalAdmin):
    list_display = ["patient", "timepoint", "due_date", "completed_at", "source"]
    list_filter = ["timepoint", "source", "entered_in_error"]


@admin.register(MinimalImportantChange)
class MinimalImportantChangeAdmin(admin.ModelAdmin):
    """The cited MIC thresholds: configuration that changes figures, so superusers only.

    A new version is added as a new row (and the old one made inactive), so earlier thresholds
    stay on record; rows are never deleted.
    """

    list_display = ["set_key", "measure", "points", "relative_percent", "version", "is_active"]
    list_filter = ["set_key", "is_active"]

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
