"""The clinic's figures inside articles: the providers behind ``[[figure:key]]`` tokens."""

import functools

from django.utils.translation import gettext, gettext_lazy

from cases.outcomes.cells import Cell, display_interval, display_value
from cases.outcomes.snapshots import current_snapshot
from cases.outcomes.specs import MIN_CELL_SIZE, SPECS
from education import figures

# [[figure:key]] in an article → (dashboard figure, the patient's sentence, the editor's note).
# Articles speak of MISS, so the MISS figure is shown; always with its n, never below n = 10.
ARTICLE_FIGURES = {
    "same_day_discharge": (
        "same_or_next_day_discharge",
        gettext_lazy(
            "{value} of patients who had minimally invasive surgery went home the same day or"
            " the next"
        ),
        gettext_lazy("MISS: share home the same or the next day"),
    ),
    "incision_length": (
        "incision_length",
        gettext_lazy(
            "half of the minimally invasive operations used an incision of {value} or less"
        ),
        gettext_lazy("MISS: median incision length"),
    ),
    "leg_pain_improvement": (
        "leg_pain_mic_2_weeks",
        gettext_lazy(
            "{value} of patients had clearly less leg pain two weeks after minimally invasive"
            " surgery"
        ),
        gettext_lazy(
            "MISS: share with leg pain improved by the minimal important change at 2 weeks"
        ),
    ),
    "return_to_daily_activities": (
        "return_to_daily_activities",
        gettext_lazy(
            "half of the patients were back to their daily activities within {value} of"
            " minimally invasive surgery"
        ),
        gettext_lazy("MISS: median days to return to daily activities"),
    ),
    "surgical_site_infection": (
        "surgical_site_infection_90_days",
        gettext_lazy(
            "{value} of minimally invasive operations were followed by a wound infection within"
            " 90 days"
        ),
        gettext_lazy("MISS: surgical-site infections within 90 days"),
    ),
    "satisfied_12_months": (
        "satisfied_12_months",
        gettext_lazy(
            "{value} of patients were satisfied with their minimally invasive surgery a year later"
        ),
        gettext_lazy("MISS: share satisfied at 12 months"),
    ),
}


def article_figure(key):
    """The provider behind ``[[figure:key]]``: a :class:`education.figures.Figure` or None."""
    figure_key, text, _ = ARTICLE_FIGURES[key]
    snapshot, _ = current_snapshot("article")
    if snapshot is None:
        return None
    cell = Cell(*snapshot["article"]["cells"][figure_key])
    if cell.suppressed or cell.value is None or cell.patients < MIN_CELL_SIZE:
        return None
    spec = SPECS[figure_key]
    first, last = snapshot["article"]["years"]
    return figures.Figure(
        text=text.format(value=display_value(spec, cell)),
        interval=display_interval(spec, cell),
        count=gettext("%(n)s of %(denominator)s %(population)s")
        % {"n": cell.n, "denominator": cell.denominator, "population": spec.population},
        n=cell.n,
        years=(first or None, last),
    )


def register_article_figures():
    for key, (_, _, description) in ARTICLE_FIGURES.items():
        figures.register(key, functools.partial(article_figure, key), description=description)
