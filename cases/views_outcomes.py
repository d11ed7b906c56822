"""The outcome dashboard: the article's claims beside the clinic's own figures.

Specialists and superusers (the clinical team) see every figure with its n, for any period,
technique and surgeon. Content editors open the same page aggregate-only: whole ended quarters or
years and techniques, every cell protected against small numbers and differencing
(``cases.outcomes``), on the page, in the charts and in the CSV (the role table in
docs/architecture.md).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from cases import charts, outcomes
from cases.dashboard import non_responders, with_waiting_time
from cases.models import Timepoint
from clinic import page_cache, roles, spreadsheet
from clinic.audit import record_export, record_view
from clinic.models import User

# The clinical team: may see every figure with its n.
FULL_VIEW = ["cases.view_procedure", "cases.view_followup", "cases.view_adverseevent"]
# The non-responders the page lists (the clinical team's view only: it names patients).
NON_RESPONDERS_LISTED = 100
# Content editors: aggregate figures only, protected.
SUPPRESSED_VIEW = ["education.change_article"]

TECHNIQUE_CHOICES = [(key, label) for key, label, _techniques in outcomes.technique_filters()]


class OutcomeFilterForm(forms.Form):
    """The clinical team's filters: any period, technique, surgeon."""

    period_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        label=_("Operated from"),
    )
    period_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        label=_("Operated until"),
    )
    technique = forms.ChoiceField(
        label=_("Technique"),
        choices=TECHNIQUE_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    specialist = forms.ModelChoiceField(
        queryset=User.objects.filter(groups__name=roles.SPECIALISTS).order_by(
            "last_name", "first_name", "username"
        ),
        required=False,
        empty_label=_("All specialists"),
        label=_("Surgeon"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def results(self):
        data = self.cleaned_data if self.is_valid() else {}
        return outcomes.clinical_results(
            period_start=data.get("period_from"),
            period_end=data.get("period_to"),
            technique=data.get("technique") or None,
            specialist=data.get("specialist"),
        )


class AggregateFilterForm(forms.Form):
    """The editors' filters: whole ended quarters or years and techniques, nothing finer."""

    period = forms.ChoiceField(
        required=False,
        label=_("Period"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    technique = forms.ChoiceField(
        label=_("Technique"),
        choices=TECHNIQUE_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = outcomes.editor_choices() or [("articles", _("All"))]

    def results(self):
        data = self.cleaned_data if self.is_valid() else {}
        return outcomes.editor_results(
            period=data.get("period") or "articles", technique=data.get("technique") or ""
        )


def _may_see_all(user):
    if user.has_perms(FULL_VIEW):
        return True
    if user.has_perms(SUPPRESSED_VIEW):
        return False
    raise PermissionDenied


@require_safe
def outcome_dashboard(request):
    full = _may_see_all(request.user)
    form_class = OutcomeFilterForm if full else AggregateFilterForm
    form = form_class(request.GET or None)
    if request.GET.get("format") == "csv":
        download = page_cache.respond(request, lambda: _csv(form, full))
        if download is not None:  # else no figures to download: the page says why
            record_export(
                request,
                detail="outcome dashboard CSV" if full else "outcome dashboard CSV (suppressed)",
            )
            return download
    record_view(request, detail="outcome dashboard" if full else "outcome dashboard (suppressed)")
    # The figures are read when the page is rendered (and a refresh asked for if they are older
    # than the records): a page from the cache was rendered since the last change of either.
    return page_cache.render(
        request, "cases/outcomes.html", lambda: _dashboard_context(request, form, full)
    )


def _dashboard_context(request, form, full):
    results = form.results()
    query = request.GET.copy()
    query["format"] = "csv"
    context = {"form": form, "results": results, "full": full, "csv_query": query.urlencode()}
    if results is not None:
        context |= {
            "rows": _table_rows(results, "table"),
            "completeness_rows": _table_rows(results, "completeness"),
            "incision_rows": _incision_rows(results),
            "chart_data": charts.dashboard_charts(results),
            "mic_sources": charts.mic_sources(results.thresholds),
            "stay_rows": _stay_rows(results),
            "trajectory_rows": _trajectory_rows(results),
        }
    if full:
        late = non_responders()
        context |= {
            "non_responders": with_waiting_time(late[:NON_RESPONDERS_LISTED]),
            "non_responders_count": late.count(),
        }
    context |= {
        "min_cell_size": outcomes.MIN_CELL_SIZE,
        "completeness_min": settings.OUTCOME_COMPLETENESS_MIN,
    }
    return context


def _cell_text(spec, cell):
    return {
        "value": outcomes.display_value(spec, cell),
        "interval": outcomes.display_interval(spec, cell),
        "count": "" if cell.suppressed else outcomes.display_count(spec, cell),
        "completeness": None if cell.suppressed else cell.completeness,
        "incomplete": outcomes.is_incomplete(spec, cell),
    }


def _table_rows(results, section):
    """A section's figures as text: the template formats nothing itself."""
    return [
        {
            "spec": spec,
            "claim": outcomes.CLAIMS.get(spec.claim, ""),
            "cells": [
                {"group": outcomes.GROUP_LABELS[group], **_cell_text(spec, cells[group])}
                for group in outcomes.GROUPS
            ],
        }
        for spec, cells in results.figures(section)
    ]


def _incision_rows(results):
    spec = outcomes.SPECS["incision_length"]
    return [(label, _cell_text(spec, cell)) for label, cell in results.incision_by_technique()]


def _stay_rows(results):
    """The length-of-stay chart as table rows: (nights, MISS count, open count)."""
    stay = results.stay_distribution()
    return [
        (
            charts.nights_label(label),
            None if stay["miss"] is None else stay["miss"][i],
            None if stay["open"] is None else stay["open"][i],
        )
        for i, label in enumerate(outcomes.STAY_BINS)
    ]


def _trajectory_rows(results):
    """The trajectory charts as rows: (timepoint, [MISS back, leg, ODI, open back, leg, ODI])."""
    trajectory = results.trajectory()
    labels = [pgettext("consult", "Baseline"), *Timepoint.labels]
    return [
        (
            label,
            [
                trajectory[group][measure][i]
                for group in outcomes.GROUPS
                for measure in outcomes.TRAJECTORY_MEASURES
            ],
        )
        for i, label in enumerate(labels)
    ]


CSV_HEADER = ["figure", "measure", "the article says", "unit"]
CSV_CELL = ["value", "95% CI low", "95% CI high", "n", "drawn from", "completeness %"]


def _csv(form, full):
    """The figures as a CSV download, or None if there are none (yet, or for this period)."""
    results = form.results()
    if results is None:
        return None
    name = "clinic-outcomes" if full else "clinic-outcomes-suppressed"
    # The CSV is data, the same whoever downloads it: its words stay in English.
    with translation.override("en"):
        rows = [[_plain(value) for value in row] for row in _csv_rows(results)]
    return spreadsheet.csv_download(f"{name}.csv", rows)


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def _csv_rows(results):
    yield [
        *CSV_HEADER,
        *(
            f"{outcomes.GROUP_LABELS[group]} {column}"
            for group in outcomes.GROUPS
            for column in CSV_CELL
        ),
        "population",
        "period from",
        "period to",
        "computed at",
    ]
    first, last = results.period
    for section in ("table", "completeness"):
        for spec, cells in results.figures(section):
            row = [spec.key, spec.label, outcomes.CLAIMS.get(spec.claim, ""), spec.unit]
            for group in outcomes.GROUPS:
                cell = cells[group]
                if cell.suppressed:
                    row += [outcomes.TOO_FEW, "", "", f"< {outcomes.MIN_CELL_SIZE}", "", ""]
                    continue
                digits = spec.decimals + 1
                row += [
                    "" if cell.value is None else f"{cell.value:.{digits}f}",
                    "" if cell.low is None else f"{cell.low:.{digits}f}",
                    "" if cell.high is None else f"{cell.high:.{digits}f}",
                    cell.n,
                    cell.denominator,
                    "" if cell.completeness is None else f"{cell.completeness:.0f}",
                ]
            row += [spec.population, first or "", last or "", results.computed_at or ""]
            yield row
