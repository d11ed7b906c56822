"""The patient list's search and filters (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.models import CandidacyDecision, FollowUp, Procedure
from clinic.models import Patient

FOLLOW_UP_CHOICES = [
    ("due", _("Due now")),
    ("overdue", _("Overdue")),
    ("due_or_overdue", _("Due or overdue")),
]


class PatientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or MRN"), max_length=100)
    outcome = django_filters.ChoiceFilter(
        method="by_current_decision",
        label=_("Decision"),
        choices=[("none", _("No decision yet")), *CandidacyDecision.Outcome.choices],
        empty_label=_("Any decision"),
    )
    technique = django_filters.ChoiceFilter(
        method="by_technique",
        label=_("Technique"),
        choices=Procedure.Technique.choices,
        empty_label=_("Any technique"),
    )
    follow_up = django_filters.ChoiceFilter(
        method="by_follow_up",
        label=_("Follow-up"),
        choices=FOLLOW_UP_CHOICES,
        empty_label=_("Any"),
    )

    class Meta:
        model = Patient
        fields = []

    def search(self, patients, name, value):
        return patients.search(value)

    def by_current_decision(self, patients, name, outcome):
        current = CandidacyDecision.objects.current().filter(patient=OuterRef("pk"))
        if outcome == "none":
            return patients.filter(~Exists(current))
        # One current decision per patient (services.record_decision), so Exists is exact.
        return patients.filter(Exists(current.filter(outcome=outcome)))

    def by_technique(self, patients, name, technique):
        procedures = Procedure.objects.valid().filter(patient=OuterRef("pk"), technique=technique)
        return patients.filter(Exists(procedures))

    def by_follow_up(self, patients, name, due):
        pending = getattr(FollowUp.objects, due)()  # due(), overdue() or due_or_overdue()
        return patients.filter(Exists(pending.filter(patient=OuterRef("pk"))))
