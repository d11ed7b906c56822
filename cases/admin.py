from django.contrib import admin

from cases import services
from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    CheckinReminder,
    ClinicalRecord,
    Consult,
    FollowUp,
    Instrument,
    MinimalImportantChange,
    Procedure,
)
from clinic import roles
from clinic.admin import (
    AuditedAdmin,
    PortalHistoryAdmin,
    SuperuserReadOnlyAdmin,
    VersionedAdmin,
    VersionedAdminForm,
)
from clinic.models import Patient


class ClinicalAdminForm(VersionedAdminForm):
    def check_change(self, instance):
        services.check_change(instance)


def _is_part_of_a_record(model):
    return model is Patient or issubclass(model, ClinicalRecord)


class ClinicalAdmin(VersionedAdmin, PortalHistoryAdmin):
    """Clinical records in the admin: shown to staff with the model permissions, never deleted.

    Derived values and the entered-in-error marking are read-only here: they are set by the
    model's own methods; so is what says where a record came from (``provenance_fields``). A
    change is saved like the portal's: only over the version the user opened, so an edit made
    meanwhile in the portal is never overwritten.
    """

    form = ClinicalAdminForm
    audit_views = True
    provenance_fields = []

    list_select_related = ["patient"]
    search_fields = ["patient__mrn", "patient__family_name"]
    list_filter = ["entered_in_error"]
    raw_id_fields = ["patient"]

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are marked entered in error, never deleted

    def has_add_permission(self, request):
        return False  # records are created in the portal, where the services apply the rules

    def save_change(self, request, obj, seen_version):
        # As the portal saves it: a procedure's follow-ups and adverse events follow its date.
        services.update_record(
            record=obj,
            expected_version=seen_version,
            by=request.user,
            detail="changed in admin",
        )

    def get_readonly_fields(self, request, obj=None):
        # Derived values and the marking are the model's; and a record never moves to another
        # patient, consult or decision here (its own records would stay behind): it is marked
        # entered in error and recorded again where it belongs.
        return [
            f.name
            for f in self.model._meta.fields
            if not f.editable
            or (f.is_relation and _is_part_of_a_record(f.related_model))
            or f.name in self.provenance_fields
        ]

    def get_raw_id_fields(self, request):
        return [
            f.name
            for f in self.model._meta.fields
            if f.is_relation and f.editable and f.name != "id" and f.name not in self.people_fields
        ]


@admin.register(Consult)
class ConsultAdmin(ClinicalAdmin):
    list_display = ["patient", "consult_date", "level", "dominant_pain", "entered_in_error"]
    people_fields = {"specialist": roles.specialists}


@admin.register(CandidacyDecision)
class CandidacyDecisionAdmin(ClinicalAdmin):
    list_display = ["patient", "outcome", "decided_on", "decided_by", "entered_in_error"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: amend through the portal


@admin.register(Procedure)
class ProcedureAdmin(ClinicalAdmin):
    list_display = ["patient", "procedure_date", "technique", "length_of_stay_nights"]
    list_filter = ["technique", "entered_in_error"]
    people_fields = {"surgeon": roles.specialists}


@admin.register(AdverseEvent)
class AdverseEventAdmin(ClinicalAdmin):
    list_display = ["patient", "event_type", "onset_date", "clavien_dindo_grade"]


@admin.register(FollowUp)
class FollowUpAdmin(ClinicalAdmin):
    list_display = ["patient", "timepoint", "due_date", "assessed_on", "completed_at", "source"]
    list_filter = ["timepoint", "source", "entered_in_error"]
    # Who answered: a patient's check-in is never passed off as the specialist's assessment.
    provenance_fields = ["source"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.odi_answers:
            # Derived from the patient's item marks (FollowUp.compute_odi), as in the portal.
            readonly.append("odi_score")
        return readonly


@admin.register(MinimalImportantChange)
class MinimalImportantChangeAdmin(AuditedAdmin):
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


@admin.register(Instrument)
class InstrumentAdmin(SuperuserReadOnlyAdmin):
    """The loaded questionnaire wordings (``load_instrument``), one active per code and language."""

    list_display = ["code", "version", "language", "title", "is_active", "loaded_at"]
    list_filter = ["code", "language", "is_active"]


@admin.register(CheckinReminder)
class CheckinReminderAdmin(SuperuserReadOnlyAdmin):
    """The check-in emails queued (``send_checkin_reminders``): at most one of each kind."""

    list_display = ["follow_up", "kind", "sent_at"]
    list_select_related = ["follow_up"]
    date_hierarchy = "sent_at"
