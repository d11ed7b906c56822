from django import forms
from django.contrib import admin

from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    CheckinReminder,
    Consult,
    FollowUp,
    Instrument,
    MinimalImportantChange,
    Procedure,
)
from clinic.admin import AuditedAdmin, PortalHistoryAdmin, SuperuserReadOnlyAdmin
from clinic.audit import record_event
from clinic.models import STALE_MESSAGE, AuditEvent


class ClinicalAdminForm(forms.ModelForm):
    """The admin's change form with the portal's optimistic lock: a stale copy is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("seen_version") != self.instance.version:
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned_data


class ClinicalAdmin(PortalHistoryAdmin):
    """Clinical records in the admin: shown to staff with the model permissions, never deleted.

    Derived values and the entered-in-error marking are read-only here: they are set by the
    model's own methods. A change is saved like the portal's: only over the version the user
    opened, so an edit made meanwhile in the portal is never overwritten.
    """

    form = ClinicalAdminForm
    audit_views = True

    list_select_related = ["patient"]
    search_fields = ["patient__mrn", "patient__family_name"]
    list_filter = ["entered_in_error"]
    raw_id_fields = ["patient"]

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are marked entered in error, never deleted

    def has_add_permission(self, request):
        return False  # records are created in the portal, where the services apply the rules

    def save_model(self, request, obj, form, change):
        # Bumps the version, so a copy open in the portal is now stale; the form has checked
        # the version already, this re-checks it under the row lock.
        obj.save_if_current(expected_version=form.cleaned_data["seen_version"])
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
    """The check-in reminders sent (``send_checkin_reminders``): at most one per check-in."""

    list_display = ["follow_up", "sent_at"]
    list_select_related = ["follow_up"]
    date_hierarchy = "sent_at"
