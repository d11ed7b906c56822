"""Live clinic figures in articles: [[figure:key]] tokens, filled in when the page is shown."""

import pytest

from education import figures
from education.forms import VersionForm
from education.rendering import render_markdown
from tests import factories

pytestmark = pytest.mark.django_db

YEARS = (2023, 2025)


def fig(text, n, years=YEARS, interval="95 % CI 60–97 %"):
    return figures.Figure(
        text=text, interval=interval, count=f"{n} of {n} operated patients", n=n, years=years
    )


BODY = "## Going home\n\nMost people go home soon.\n\n[[figure:test_home]]\n\nWalk every day.\n"


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
    provide(fig("87 % went home the same day or the next", 10))
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert (
        '<p class="clinic-figure">At this clinic: 87 % went home the same day or the next'
        " (95 % CI 60–97 %) — 10 of 10 operated patients, 2023–2025.</p>"
    ) in html
    assert "[[figure:" not in html


def test_a_figure_from_nine_patients_leaves_its_paragraph_out(provide):
    provide(fig("87 % went home the same day or the next", 9))
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert "At this clinic" not in html
    assert "[[figure:" not in html
    assert "<p>Walk every day.</p>" in html


def test_a_provider_with_nothing_to_say_leaves_the_paragraph_out(provide):
    provide(None)
    html = figures.render_figure_tokens(render_markdown(BODY)[0])
    assert "At this clinic" not in html and "[[figure:" not in html


def test_one_calendar_year_shows_that_year_and_no_interval_shows_none(provide):
    provide(fig("x", 12, years=(2025, 2025), interval=""))
    assert figures.sentence("test_home") == "At this clinic: x — 12 of 12 operated patients, 2025."
    provide(fig("x", 12, years=(None, 2025)))
    assert figures.sentence("test_home").endswith("12 of 12 operated patients, up to 2025.")


def test_unknown_and_inline_tokens_never_reach_the_patient():
    html, _ = render_markdown(
        "[[figure:no_such_figure]]\n\nWe send you home [[figure:same_day_discharge]] soon."
    )
    shown = figures.render_figure_tokens(html)
    assert "[[" not in shown
    assert "<p>We send you home  soon.</p>" in shown


def test_the_sentence_is_escaped(provide):
    provide(fig("<script>alert(1)</script>", 12))
    html = figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# A token inside a link's address: removing it (or filling it in) joins "jav" and "ascript:".
SPLIT_BY_TOKENS = [
    '<div><a href="jav\n\n[[figure:test_home]]\n\nascript:alert(document.domain)">x</a></div>',
    '<div><a href="jav\n\n[[figure:no_such_figure]]\n\nascript:alert(1)">x</a></div>',
    "[x](jav[[figure:]]ascript:alert(1))",
    "[x](jav[[figure:test_home]]ascript:alert(1))",
    '<a href="java[[figure:test_home]]script&#58;alert(1)">x</a>',
    '<div><a href="https://ok.example/" title="t" on[[figure:]]click="alert(1)">x</a></div>',
]


@pytest.mark.parametrize("body", SPLIT_BY_TOKENS)
@pytest.mark.parametrize("n", [12, 0])
def test_a_token_inside_a_link_never_makes_a_javascript_link(provide, body, n):
    provide(fig("87 % went home", n) if n else None)
    shown = figures.render_figure_tokens(render_markdown(body)[0])
    assert "[[figure:" not in shown
    for whitespace in "\n\t\r ":
        shown = shown.replace(whitespace, "")
    assert "javascript" not in shown.lower()
    assert "onclick" not in shown.lower()


def test_the_page_is_sanitised_after_the_figures_are_filled_in(provide):
    provide(fig("87 % went home", 12))
    html = figures.render_figure_tokens(
        '<p><a href="jav[[figure:test_home]]ascript:alert(1)">x</a></p>\n'
        "<p>[[figure:test_home]]</p>"
    )
    # The figure stands in its own callout: the sentence, then its n, interval and period.
    assert html == (
        '<p><a rel="noopener noreferrer">x</a></p>\n'
        '<div class="figure-callout">\n'
        '<p class="clinic-figure">At this clinic: 87 % went home (95 % CI 60–97 %) — 12 of 12 '
        "operated patients, 2023–2025.</p>\n"
        '<p class="figure-callout-facts">n = 12 · 95 % CI 60–97 % · 2023–2025</p>\n'
        "</div>\n"
    )


def test_an_editor_cannot_dress_text_up_as_a_clinic_figure():
    html = figures.render_figure_tokens(render_markdown('<p class="clinic-figure">92 %</p>')[0])
    assert html == "<p>92 %</p>"


def test_figures_are_read_afresh_for_every_page(provide):
    # Nothing is cached here: the cases app keeps its figures current (tests/cases/
    # test_outcomes.py), so a page never shows a figure the dashboard has moved past.
    calls = provide(fig("x", 12))
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    figures.render_figure_tokens("<p>[[figure:test_home]]</p>")
    assert len(calls) == 2


def test_the_cases_app_registers_the_clinic_figures():
    assert {"same_day_discharge", "leg_pain_improvement", "incision_length"} <= set(
        figures.available()
    )


# --- the patient's page --------------------------------------------------------------------------


def test_the_patients_page_shows_the_live_figure(client, provide):
    article = factories.published_article(body_markdown=BODY)
    provide(fig("87 % went home the same day or the next", 148))
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        "At this clinic: 87 % went home the same day or the next (95 % CI 60–97 %) — 148 of 148"
        in html
    )
    assert "[[figure:" not in html
    # The stored HTML keeps the token: figures are live, not baked in.
    assert "[[figure:test_home]]" in article.published_version.body_html


def test_the_patients_page_leaves_out_a_figure_below_ten(client, provide):
    article = factories.published_article(body_markdown=BODY)
    provide(fig("87 % went home the same day or the next", 9))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "At this clinic" not in html
    assert "[[figure:" not in html
    assert "Walk every day." in html


def test_an_assigned_reading_shows_the_figure_too(client_for, patient_user, provide):
    article = factories.published_article(body_markdown=BODY)
    assignment = factories.AssignmentFactory(patient=patient_user.patient, article=article)
    provide(fig("87 % went home the same day or the next", 20))
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
