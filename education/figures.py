"""Live clinic figures inside articles: ``[[figure:key]]`` in an article's Markdown.

Education does not know where figures come from (it must not import cases): another app
registers a *provider* per key in its ``AppConfig.ready()``::

    figures.register("same_day_discharge", provider, description="…")

A provider takes no arguments and returns ``(sentence, n, period)`` — ``sentence`` a plain-text
clause such as ``"87 % went home the same day or the next"``, ``n`` the number of patients,
``period`` a ``(first_date, last_date)`` pair — or None when it has nothing to say.

The stored ``body_html`` keeps the token; pages replace it when they are shown
(:func:`render_figure_tokens`), so figures stay live. A token stands alone as its own paragraph,
and that paragraph becomes "At this clinic: … — 148 patients, 2025–2026.", or is removed when the
figure comes from fewer than ``MIN_CELL_SIZE`` patients (always, whoever reads the page: articles
leave the clinical team). Unknown keys are reported to the editor by the version form and never
shown to patients. Values are cached for ``CACHE_SECONDS``.
"""

import re

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe

MIN_CELL_SIZE = 10
CACHE_SECONDS = 600
CACHE_PREFIX = "education-figure:"

TOKEN = re.compile(r"\[\[figure:([A-Za-z0-9_\-]*)\]\]")
# A token alone in its paragraph, as Markdown renders "[[figure:key]]" on a line of its own.
PARAGRAPH = re.compile(r"<p>\s*\[\[figure:([A-Za-z0-9_\-]*)\]\]\s*</p>\n?")

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
    """``(sentence, n, period)`` for ``key``, or None: unknown, no data, or fewer than 10."""
    if key not in _providers:
        return None
    cache_key = CACHE_PREFIX + key
    cached = cache.get(cache_key)
    if cached is None:
        provider, _ = _providers[key]
        cached = {"value": provider()}  # wrapped, so that "nothing to say" is cached too
        cache.set(cache_key, cached, CACHE_SECONDS)
    value = cached["value"]
    if value is None or value[1] is None or value[1] < MIN_CELL_SIZE:
        return None
    return value


def clear_cache():
    cache.delete_many([CACHE_PREFIX + key for key in _providers])


def _period_text(period):
    first, last = period or (None, None)
    if not first or not last:
        return ""
    if first.year == last.year:
        return f", {first.year}"
    return f", {first.year}–{last.year}"


def sentence(key):
    """The figure as the patient reads it, or None when it is left out."""
    value = figure(key)
    if value is None:
        return None
    text, n, period = value
    return f"At this clinic: {text} — {n} patients{_period_text(period)}."


def render_figure_tokens(html):
    """Replace each figure paragraph of sanitised ``html`` by its sentence, or remove it.

    Any other token (inline, unknown, malformed) is removed: a patient never sees a raw token.
    """

    def paragraph(match):
        text = sentence(match.group(1))
        if text is None:
            return ""
        return f'<p class="clinic-figure">{escape(text)}</p>\n'

    html = PARAGRAPH.sub(paragraph, html or "")
    return mark_safe(TOKEN.sub("", html))  # sanitised HTML in; the sentences added are escaped
