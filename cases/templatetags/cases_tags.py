from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import CandidacyDecision, Criterion, Procedure

register = template.Library()


@register.filter
def outcome_label(value):
    return CandidacyDecision.Outcome(value).label if value else ""


@register.filter
def technique_label(value):
    return Procedure.Technique(value).label if value else ""


@register.filter
def criterion_label(value):
    return Criterion(value).label if value else ""


@register.filter
def criterion_class(value):
    return {"met": "success", "not_met": "danger"}.get(value, "secondary")


@register.filter
def followup_class(status):
    return {
        "completed": "success",
        "overdue": "danger",
        "due": "warning",
        "cancelled": "secondary",
        "entered_in_error": "secondary",
    }.get(status, "light")


@register.filter
def yes_no(value):
    return {True: _("Yes"), False: _("No")}.get(value, _("Unknown"))


@register.filter
def followup_label(status):
    return {
        "completed": pgettext("follow-up status", "Completed"),
        "overdue": _("Overdue"),
        "due": pgettext("follow-up status", "Due"),
        "cancelled": _("Cancelled"),
        "entered_in_error": _("Entered in error"),
        "scheduled": _("Scheduled"),
    }.get(status, status)


@register.filter
def iso_date(value):
    """An ISO date string (the charts' data) shown as people read dates (DATE_FORMAT)."""
    import datetime

    from django.utils.formats import date_format

    return date_format(datetime.date.fromisoformat(value)) if value else value
