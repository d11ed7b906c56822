"""Live clinic figures inside articles: ``[[figure:key]]`` in an article's Markdown.

Education does not know where figures come from (it must not import cases): another app
registers a *provider* per key in its ``AppConfig.ready()``::

    figures.register("same_day_discharge", provider, description="…")

A provider takes no arguments and returns a :class:`Figure` — the clause the patient reads
(``"92 % of patients … went home the same day or the next"``), its 95 % interval, the count it is
drawn from (``"24 of 25 operated patients"``), n and the calendar years counted — or None when it
has nothing to say.

The stored ``body_html`` keeps the token; pages replace it when they are shown
(:func:`render_figure_tokens`), so figures stay live. A token stands alone as its own paragraph,
and that paragraph becomes a callout: "At this clinic: … (95 % CI …) — 24 of 25 operated
patients, 2023–2025." over its facts at a glance ("n = 25 · 95 % CI … · 2023–2025"), or is
removed when the figure comes from fewer than ``MIN_CELL_SIZE`` patients (always, whoever reads
the page: articles leave the clinical team). Unknown keys are reported to
the editor by the version form and never shown to patients. Providers read figures that are
kept current elsewhere (the cases app recomputes them when its records change), so nothing is
cached here.
"""

import dataclasses
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from education.rendering import CALLOUT_CLASSES, sanitise

MIN_CELL_SIZE = 10
FIGURE_CLASS = "clinic-figure"
CALLOUT_CLASS = "figure-callout"
FACTS_CLASS = "figure-callout-facts"
# The stored body keeps the callouts' classes; the figures add theirs (an editor's text never
# gets these: they are not in the stored body's allow-list).
PAGE_CLASSES = {
    "div": {*CALLOUT_CLASSES["div"], CALLOUT_CLASS},
    "p": {*CALLOUT_CLASSES["p"], FIGURE_CLASS, FACTS_CLASS},
}

TOKEN = re.compile(r"\[\[figure:([A-Za-z0-9_\-]*)\]\]")
# A token alone in its paragraph, as Markdown renders "[[figure:key]]" on a line of its own.
PARAGRAPH = re.compile(r"<p>\s*\[\[figure:([A-Za-z0-9_\-]*)\]\]\s*</p>\n?")


@dataclasses.dataclass(frozen=True)
class Figure:
    text: str  # "92 % of patients who had minimally invasive surgery went home …"
    interval: str  # "95 % CI 80–97 %", or "" when there is none
    count: str  # "24 of 25 operated patients"
    n: int
    years: tuple  # (first calendar year or None, last calendar year)


_providers = {}


def register(key, provider, *, description=""):
    """Make ``[[figure:key]]`` available to editors, filled by ``provider()``."""
    _providers[key] = (provider, description)


def available():
    """``{key: description}`` of the registered figures, for the editor's help text."""
    return {key: description for key, (_, description) in sorted(_providers.items())}


def unknown_keys(markdown_text):
    """The keys used in ``markdown_text`` that no app provides, sorted."""
    return sorted({key for key in TOKEN.findall(markdown_text or "") if key not in _providers})


def inline_keys(markdown_text):
    """Tokens that share their paragraph with other text (a figure must stand alone)."""
    found = []
    for paragraph in re.split(r"\n\s*\n", markdown_text or ""):
        if TOKEN.search(paragraph) and not TOKEN.fullmatch(paragraph.strip()):
            found.extend(TOKEN.findall(paragraph))
    return sorted(set(found))


def figure(key):
    """The :class:`Figure` for ``key``, or None: unknown, no data, or fewer than 10."""
    if key not in _providers:
        return None
    provider, _ = _providers[key]
    value = provider()
    if value is None or value.n < MIN_CELL_SIZE:
        return None
    return value


def _period(years):
    first, last = years or (None, None)
    if not last:
        return ""
    if not first or first == last:
        return f"{last}" if first else f"up to {last}"
    return f"{first}–{last}"


def _years_text(years):
    period = _period(years)
    return f", {period}" if period else ""


def facts(value):
    """The figure's n, interval and period at a glance: "n = 25 · 95 % CI 80–97 % · 2023–2025"."""
    return " · ".join(
        part for part in (f"n = {value.n}", value.interval, _period(value.years)) if part
    )


def sentence(key):
    """The figure as the patient reads it, or None when it is left out."""
    value = figure(key)
    return None if value is None else _sentence(value)


def _sentence(value):
    interval = f" ({value.interval})" if value.interval else ""
    return f"At this clinic: {value.text}{interval} — {value.count}{_years_text(value.years)}."


def render_figure_tokens(html):
    """Replace each figure paragraph of sanitised ``html`` by its sentence, or remove it, and
    sanitise the result again: the page's HTML is sanitised last.

    Any other token (inline, unknown, malformed) is removed: a patient never sees a raw token.
    A removal joins the text on either side of it, and a token inside a link's address would
    join ``jav`` and ``ascript:``; the last pass removes whatever such a join makes.
    """

    def paragraph(match):
        value = figure(match.group(1))
        if value is None:
            return ""
        return (
            f'<div class="{CALLOUT_CLASS}">\n'
            f'<p class="{FIGURE_CLASS}">{escape(_sentence(value))}</p>\n'
            f'<p class="{FACTS_CLASS}">{escape(facts(value))}</p>\n</div>\n'
        )

    html = TOKEN.sub("", PARAGRAPH.sub(paragraph, html or ""))
    return mark_safe(sanitise(html, allowed_classes=PAGE_CLASSES))
