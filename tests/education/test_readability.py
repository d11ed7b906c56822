"""The reading grade is counted on the text a reader sees, as published readability tools count it.

The reference figures come from an independent implementation, textstat 0.7.3 (a test-only
dependency), run on the text of the rendered page: every tag stripped, figure tokens left out.
"""

import html
import importlib
import re
from decimal import Decimal
from pathlib import Path

import nh3
import pytest
from django.apps import apps
from textstat.textstat import textstatistics

from education import readability, services
from education.models import ArticleVersion
from education.rendering import render_markdown
from tests import factories

REFERENCE = Path(__file__).parent / "reading"
SEED = Path(__file__).resolve().parents[2] / "education" / "content" / "miss-spinal-herniations.md"
FIGURE = re.compile(r"\[\[figure:[^\]]*\]\]")


def _markdown(path):
    """The body a file gives an article: after its front matter, without its references."""
    text = path.read_text(encoding="utf-8")
    return services.parse_article_file(text)[1] if text.startswith("---") else text


def _seen(body_html):
    """The text a reader sees, found without our own code: tags stripped, entities decoded."""
    return FIGURE.sub("", html.unescape(nh3.clean(body_html, tags=set())))


def _textstat(*, rounding):
    reference = textstatistics()
    reference.set_lang("en_US")
    reference.set_rounding(rounding)
    return reference


REFERENCE_TEXTS = [
    pytest.param(REFERENCE / "prose.md", id="plain prose"),
    pytest.param(REFERENCE / "list.md", id="bulleted lists"),
    pytest.param(REFERENCE / "table.md", id="a table"),
    pytest.param(REFERENCE / "headings.md", id="headings"),
    pytest.param(REFERENCE / "miss-spinal-herniations.txt", id="the clinic's MISS text"),
    pytest.param(SEED, id="the shipped MISS article"),
]


@pytest.mark.parametrize("path", REFERENCE_TEXTS)
def test_words_sentences_and_syllables_are_counted_as_textstat_counts_them(path):
    body_html, _ = render_markdown(_markdown(path))
    text = _seen(body_html)
    reference = _textstat(rounding=True)
    measured = readability.measure(body_html)
    # Exact: the reference texts have no sentence of two words or fewer (textstat drops those
    # from its sentence count as a guess at abbreviations; we count them) and no hyphenated
    # word (textstat hyphenates "decision-making" as one run of letters, we as two), and both
    # count syllables with pyphen's en_US dictionary.
    assert (measured.sentences, measured.words, measured.syllables) == (
        reference.sentence_count(text),
        reference.lexicon_count(text),
        reference.syllable_count(text),
    )


@pytest.mark.parametrize("path", REFERENCE_TEXTS)
def test_the_grade_is_textstats_flesch_kincaid_grade(path):
    body_html, _ = render_markdown(_markdown(path))
    text = _seen(body_html)
    grade = readability.measure(body_html).grade
    # With its rounding off, textstat applies the formula to the same counts: the only
    # difference left is ours rounding the grade to one decimal (at most 0.05).
    assert grade == pytest.approx(_textstat(rounding=False).flesch_kincaid_grade(text), abs=0.051)
    # Its published figure first rounds words per sentence and syllables per word to one
    # decimal, which moves the grade by up to 0.39 × 0.05 + 11.8 × 0.05 ≈ 0.61, and then rounds
    # the grade itself (0.05): 0.66 either way, plus our own rounding (0.05).
    assert grade == pytest.approx(_textstat(rounding=True).flesch_kincaid_grade(text), abs=0.71)


def test_the_clinics_miss_text_reads_as_textstat_reads_it():
    text = (REFERENCE / "miss-spinal-herniations.txt").read_text(encoding="utf-8")
    reference = _textstat(rounding=True)
    assert reference.flesch_kincaid_grade(text) == 14.0
    assert (reference.sentence_count(text), reference.lexicon_count(text)) == (25, 462)
    # Markdown renders the plain text as paragraphs, the title line first.
    measured = readability.measure(render_markdown(text)[0])
    assert (measured.sentences, measured.words, measured.syllables) == (25, 462, 860)
    assert measured.grade == 13.6  # textstat's 14.0 comes from 1.86 syllables per word read as 1.9


def test_a_list_and_a_table_no_longer_pull_the_grade_down():
    list_html, _ = render_markdown(_markdown(REFERENCE / "list.md"))
    table_html, _ = render_markdown(_markdown(REFERENCE / "table.md"))
    # Counted item by item and cell by cell these read at grade 3.0 and 0.1.
    assert readability.measure(list_html).grade == 11.8
    assert readability.measure(table_html).grade == 10.7


# --- the counting rules, one by one ------------------------------------------------------------


def _sentences(markdown_text):
    return readability.measure(render_markdown(markdown_text)[0]).sentences


def test_a_heading_without_an_end_runs_on_into_the_next_sentence():
    assert _sentences("## Why it hurts\n\nThe disc presses on a nerve.") == 1


def test_a_heading_that_ends_like_a_sentence_is_one():
    assert _sentences("## Why does it hurt?\n\nThe disc presses on a nerve.") == 2


def test_list_items_are_sentences_only_when_they_end_like_one():
    assert _sentences("Bring:\n\n- your letter\n- your scans\n- your tablets\n") == 1
    assert _sentences("Bring:\n\n- Your letter.\n- Your scans.\n- Your tablets.\n") == 3


def test_table_cells_are_sentences_only_when_they_end_like_one():
    table = "| When | What |\n|---|---|\n| Day one | Walk |\n| Week two | Desk work |\n"
    assert _sentences(table) == 1
    assert _sentences(table + "\nThen see us. We check the wound.") == 2


def test_colons_and_semicolons_do_not_end_sentences():
    assert _sentences("Rest today; walk tomorrow: a little more each day.") == 1


def test_decimals_and_abbreviations_do_not_end_sentences():
    text = (
        "Dr. Lee gives 2.5 mg twice a day, e.g. after breakfast. "
        "She sees you at 9 a.m. on Monday, i.e. before the scan. "
        "Bring your tablets, scans, letters etc. and a drink."
    )
    assert _sentences(text) == 3


def test_an_abbreviation_at_the_end_of_a_paragraph_ends_its_sentence():
    assert _sentences("We open at 9 a.m.\n\nPlease come early.") == 2


def test_a_sentence_ending_inside_quotes_or_brackets_is_counted_once():
    assert _sentences('He said "walk daily." Then rest (as much as you need.) Come back!?') == 3


def test_words_are_what_a_reader_sees_numbers_and_hyphenated_words_included():
    words, _ = readability.count("<p>The L4-L5 disc – 2.5 cm – was removed in 2024.</p>")
    assert words == ["The", "L4-L5", "disc", "2.5", "cm", "was", "removed", "in", "2024."]


def test_a_live_figure_token_is_neither_words_nor_a_sentence():
    measured = readability.measure("<p>We can help.</p>\n<p>[[figure:same_day_discharge]]</p>")
    assert (measured.words, measured.sentences) == (3, 1)


def test_syllables_of_english_come_from_the_us_dictionary_as_textstat_counts_them():
    assert readability.count_syllables("consideration") == 5
    assert readability.count_syllables("spine’s") == 1
    assert readability.count_syllables("2.5") == 1


def test_a_spanish_text_is_counted_with_the_spanish_dictionary():
    measured = readability.measure("<p>La recuperación es rápida.</p>", "es")
    assert (measured.words, measured.sentences, measured.syllables) == (4, 1, 10)


def test_a_text_without_any_full_stop_is_one_sentence_whose_grade_fits_its_column(editor):
    version = factories.ArticleVersionFactory(body_markdown="walk " * 3000)
    version.refresh_from_db()
    assert version.word_count == 3000
    assert version.reading_grade == Decimal(str(readability.MAX_GRADE))


# --- grades stored before these rules ----------------------------------------------------------


def test_the_migration_recomputes_the_grades_stored_under_the_old_count(editor):
    version = factories.ArticleVersionFactory(body_markdown=_markdown(REFERENCE / "table.md"))
    ArticleVersion.objects.filter(pk=version.pk).update(reading_grade=0.1, word_count=1)
    migration = importlib.import_module("education.migrations.0003_remeasure_versions")
    migration.remeasure(apps, schema_editor=None)
    version.refresh_from_db()
    assert (version.reading_grade, version.word_count, version.reading_minutes) == (
        Decimal("10.7"),
        115,
        1,
    )
