"""The audit trail's filter (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.models import AuditEvent


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return data


class AuditEventFilter(django_filters.FilterSet):
    patient = django_filters.CharFilter(
        field_name="patient__mrn", lookup_expr="iexact", label=_("Patient MRN"), max_length=32
    )
    user = django_filters.CharFilter(method="by_username", label=_("Username"), max_length=150)
    action = django_filters.ChoiceFilter(
        choices=AuditEvent.Action.choices, label=_("Action"), empty_label=_("Any action")
    )
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = []
        form = AuditFilterForm

    def by_username(self, queryset, name, value):
        # The account as it is now, or the name typed at a failed login.
        return queryset.filter(user__username__iexact=value) | queryset.filter(
            username__iexact=value
        )
