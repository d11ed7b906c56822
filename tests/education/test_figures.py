"""Live clinic figures in articles: [[figure:key]] tokens, filled in when the page is shown."""

import datetime

import pytest
from django.core.cache import cache

from education import figures
from education.forms import VersionForm
from education.rendering import render_markdown
from tests import factories

pytestmark = pytest.mark.django_db

PERIOD = (datetime.date(2025, 3, 1), datetime.date(2026, 2, 1))
BODY = "## Going home\n\nMost people go home soon.\n\n[[figure:test_home]]\n\nWalk every day.\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provide(monkeypatch):
    """``provide(value)``: make ``[[figure:test_home]]`` return ``value``; returns a call log."""
    calls = []

    def set_value(value):
        def provider():
            calls.append(1)
            return value

        monkeypatch.setitem(figures._providers, "test_home", (provider, "Test figure"))
        return calls

    return set_value


def test_the_sanitiser_keeps_a_token_intact_as_its_own_paragraph():
    html, _ = render_markdown("Text.\n\n[[figure:same_day_discharge]]\n\nMore.")
    assert "<p>[[figure:same_day_discharge]]</p>" in html


def test_a_figure_from_ten_patients_is_shown_with_its_n_and_period(provide):
    provide(("87 % went home the same day or the next", 10, PERIOD))
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert (
        '<p class="clinic-figure">At this clinic: 87 % went home the same day or the next'
        " — 10 patients, 2025–2026.</p>"
    ) in html
    assert "[[figure:" not in html


def test_a_figure_from_nine_patients_leaves_its_paragraph_out(provide):
    provide(("87 % went home the same day or the next", 9, PERIOD))
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert "At this clinic" not in html
    assert "[[figure:" not in html
    assert "<p>Walk every day.</p>" in html


def test_a_provider_with_nothing_to_say_leaves_the_paragraph_out(provide):
    provide(None)
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert "At this clinic" not in html and "[[figure:" not in html


def test_a_period_within_one_year_shows_that_year(provide):
    provide(("x", 12, (datetime.date(2026, 1, 1), datetime.date(2026, 5, 1))))
    assert figures.sentence("test_home") == "At this clinic: x — 12 patients, 2026."


def test_unknown_and_inline_tokens_never_reach_the_patient():
    html, _ = render_markdown(
        "[[figure:no_such_figure]]\n\nWe send you home [[figure:same_day_discharge]] soon."
    )
    shown = figures.render_figure_tokens(html)
    assert "[[" not in shown
    assert "<p>We send you home  soon.</p>" in shown


def test_the_sentence_is_escaped(provide):
    provide(("<script>alert(1)</script>", 12, PERIOD))
    html = figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_figures_are_cached_between_pages(provide):
    calls = provide(("x", 12, PERIOD))
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert len(calls) == 1
    figures.clear_cache()
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert len(calls) == 2


def test_suppressed_figures_are_cached_too(provide):
    calls = provide(None)
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert len(calls) == 1


def test_the_cases_app_registers_the_clinic_figures():
    assert {"same_day_discharge", "leg_pain_improvement", "incision_length"} <= set(
        figures.available()
    )


# --- the patient's page --------------------------------------------------------------------------


def test_the_patients_page_shows_the_live_figure(client, provide):
    article = factories.published_article(body_markdown=BODY)
    provide(("87 % went home the same day or the next", 148, PERIOD))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "At this clinic: 87 % went home the same day or the next — 148 patients" in html
    assert "[[figure:" not in html
    # The stored HTML keeps the token: figures are live, not baked in.
    assert "[[figure:test_home]]" in article.published_version.body_html


def test_the_patients_page_leaves_out_a_figure_below_ten(client, provide):
    article = factories.published_article(body_markdown=BODY)
    provide(("87 % went home the same day or the next", 9, PERIOD))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "At this clinic" not in html
    assert "[[figure:" not in html
    assert "Walk every day." in html


def test_an_assigned_reading_shows_the_figure_too(client_for, patient_user, provide):
    article = factories.published_article(body_markdown=BODY)
    assignment = factories.AssignmentFactory(patient=patient_user.patient, article=article)
    provide(("87 % went home the same day or the next", 20, PERIOD))
    html = client_for(patient_user).get(f"/education/assignments/{assignment.pk}/")
    assert "At this clinic: 87 %" in html.content.decode()


# --- the editor's form ---------------------------------------------------------------------------


def form(body):
    return VersionForm(data={"title": "Going home", "summary": "Soon.", "body_markdown": body})


def test_the_editor_is_told_about_unknown_figures():
    bound = form("Text.\n\n[[figure:nope]]\n\n[[figure:same_day_discharge]]\n\n[[figure:zzz]]\n")
    assert not bound.is_valid()
    message = " ".join(bound.errors["body_markdown"])
    assert "Unknown clinic figure: [[figure:nope]], [[figure:zzz]]." in message
    assert "same_day_discharge" in message  # the available ones are listed


def test_the_editor_is_told_to_put_a_figure_on_its_own_line():
    bound = form("We send you home [[figure:same_day_discharge]] soon.\n")
    assert not bound.is_valid()
    assert "on a line of its own" in " ".join(bound.errors["body_markdown"])


def test_a_known_figure_on_its_own_line_is_accepted():
    assert form("Text.\n\n[[figure:same_day_discharge]]\n\nMore.\n").is_valid()
