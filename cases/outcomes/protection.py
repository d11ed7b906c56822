"""Small cells, for whatever leaves the clinical team: the periods and technique filters an
editor may ask for, and the suppression that keeps any two of them from being differenced down
to fewer than ``MIN_CELL_SIZE`` patients."""

import dataclasses

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from cases.models import Technique
from cases.outcomes import cohort
from cases.outcomes.cells import Cell
from cases.outcomes.specs import ALL_TECHNIQUES, GROUP_TECHNIQUES, GROUPS, MIN_CELL_SIZE, SPECS


@dataclasses.dataclass(frozen=True)
class Period:
    key: str
    label: str
    quarters: frozenset


def _completed_quarters(rows, as_of):
    """The calendar quarters with procedures that ended before ``as_of``, oldest first."""
    current = cohort.quarter_of(as_of)
    return sorted({row.quarter for row in rows if row.quarter < current}, key=_quarter_order)


def _quarter_order(quarter):
    year, number = quarter.split("Q")
    return int(year), int(number)


def article_years(as_of):
    """The whole calendar years articles count: the last ``OUTCOME_ARTICLE_YEARS`` that have
    ended (``0``: every ended year). Returns ``(first year or None, last year)``."""
    last = as_of.year - 1
    years = settings.OUTCOME_ARTICLE_YEARS
    return (None if years <= 0 else last - years + 1), last


def editor_periods(rows, as_of):
    """What an editor can ask for: the articles' whole years first, then every ended calendar
    year and quarter (the current year's ended quarters included, as "2026 (Q1–Q3)")."""
    quarters = _completed_quarters(rows, as_of)
    first, last = article_years(as_of)
    in_articles = frozenset(
        q for q in quarters if int(q[:4]) <= last and (first is None or int(q[:4]) >= first)
    )
    periods = [Period("articles", period_label("articles", as_of), in_articles)]
    for year in sorted({int(q[:4]) for q in quarters}, reverse=True):
        own = frozenset(q for q in quarters if int(q[:4]) == year)
        periods.append(Period(str(year), period_label(str(year), as_of), own))
    for quarter in reversed(quarters):
        periods.append(Period(quarter, period_label(quarter, as_of), frozenset({quarter})))
    return periods


def period_label(key, as_of):
    """An editor's period (:func:`editor_periods`' key) in words, in the active language:
    "2021–2025 (as in articles)", "2026, ended quarters", "2025 Q3"."""
    if key == "articles":
        first, last = article_years(as_of)
        if first is None:
            return gettext("Up to %(year)s (as in articles)") % {"year": last}
        years = f"{first}–{last}" if first != last else str(last)
        return gettext("%(years)s (as in articles)") % {"years": years}
    if "Q" in key:
        year, number = key.split("Q")
        return gettext("%(year)s Q%(quarter)s") % {"year": year, "quarter": number}
    if int(key) == as_of.year:
        return gettext("%(year)s, ended quarters") % {"year": key}
    return key


def technique_filters():
    """``[(key, label, techniques)]``: what any viewer can filter by."""
    return [
        ("", gettext_lazy("All techniques"), ALL_TECHNIQUES),
        ("miss", gettext_lazy("All MISS techniques"), GROUP_TECHNIQUES["miss"]),
        *((value, label, frozenset({value})) for value, label in Technique.choices),
    ]


def protect(computed, periods, buckets):
    """Suppress, in place, every cell an editor could difference down to 1–9 patients.

    ``computed`` maps ``(period key, technique key)`` to :func:`compute`'s dict. A cell is
    blanked when it has fewer than ``MIN_CELL_SIZE`` patients, or when another cell of the same
    figure and group holds all of its patients and between 1 and ``MIN_CELL_SIZE − 1`` more —
    whichever filters the two came from (all FE transforaminal may well be inside one year's
    MISS). Containment is judged on the *buckets* (ended quarter × technique) holding the
    cell's patients: a cell whose buckets are among another's has its patients among the
    other's, so the difference is a difference of counts.
    """
    techniques = {key: set_ for key, _, set_ in technique_filters()}
    quarters = {period.key: period.quarters for period in periods}
    bit, counted = _counted_buckets(buckets)
    blank = Cell().blanked().to_json()
    combo_bits = {
        (combo, group): sum(
            bit[bucket]
            for bucket in bit
            if bucket[0] in quarters[combo[0]]
            and bucket[1] in techniques[combo[1]] & GROUP_TECHNIQUES[group]
        )
        for combo in computed
        for group in GROUPS
    }
    for key in SPECS:
        for group in GROUPS:
            # combo → the buckets holding the patients its cell counts
            masks = {
                combo: combo_bits[combo, group] & counted.get((key, group), 0) for combo in computed
            }
            patients = {
                mask: Cell(*computed[combo]["cells"][key][group]).patients
                for combo, mask in masks.items()
            }
            hidden = {
                mask
                for mask, mine in patients.items()
                if mine < MIN_CELL_SIZE
                or any(
                    other != mask and mask & ~other == 0 and 0 < more - mine < MIN_CELL_SIZE
                    for other, more in patients.items()
                )
            }
            for combo, mask in masks.items():
                if mask in hidden:
                    computed[combo]["cells"][key][group] = blank
    # The by-technique incision table is the incision figure filtered by each technique.
    for (period_key, _), data in computed.items():
        for technique in list(data["incision_by_technique"]):
            group = "open" if technique == Technique.OPEN else "miss"
            data["incision_by_technique"][technique] = computed[period_key, technique]["cells"][
                "incision_length"
            ][group]
    return computed


def _counted_buckets(buckets):
    """A bit per bucket (ended quarter × technique), and per figure and group the buckets with
    at least one patient counted in its n. ``buckets`` are :func:`cases.outcomes.cells.buckets`
    keyed ``(technique, surgeon, quarter)``, of the ended quarters."""
    keys = sorted({(quarter, technique) for technique, _, quarter in buckets})
    bit = {key: 1 << index for index, key in enumerate(keys)}
    counted = {}
    for (technique, _, quarter), bucket in buckets.items():
        group = "miss" if technique in GROUP_TECHNIQUES["miss"] else "open"
        for key in SPECS:
            if bucket.counts(key):
                counted[key, group] = counted.get((key, group), 0) | bit[quarter, technique]
    return bit, counted
