"""Reading grade and reading time of an article version, computed once when it is saved.

Flesch-Kincaid grade level = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59,
counted on the text a reader sees, the way published readability tools (textstat, word
processors) count a plain text:

- A sentence ends at a word that ends in ``.``, ``!`` or ``?`` (several of them, or a closing
  quote or bracket after them, still end one sentence). Colons and semicolons do not end
  sentences, and neither does the end of a heading, list item, table cell or paragraph: a block
  that does not end like a sentence runs on into the next, as it would in plain text. Words after
  the last end make one more sentence, so any text with words has at least one.
- A full stop inside a word (``2.5``, ``e.g``) ends nothing. One after a title (``Dr.``) or an
  abbreviation that introduces something (``e.g.``, ``i.e.``, ``vs.``) ends nothing unless it
  ends its block; one followed in the same block by a word in lower case (``etc. and``,
  ``a.m. on``, ``… and``) ends nothing either.
- A word is a whitespace-separated token with a letter or a digit in it: ``2.5``, ``L4-L5`` and
  ``decision-making`` are one word each; a lone ``–`` or ``%`` is none.
- Syllables come from pyphen's hyphenation dictionaries (hyphenation points + 1 per run of
  letters; apostrophes dropped, so ``spine’s`` is one syllable), which work offline and exist for
  every language the portal offers. English uses the US dictionary, as the formula and textstat
  do. A number is one syllable.
- ``[[figure:…]]`` tokens are left out: a page replaces them with a sentence of live figures, so
  they are not the article's own text.
"""

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from education.figures import TOKEN as FIGURE_TOKEN

WORDS_PER_MINUTE = 200
# Patient material should be readable at grade 8 or below (US NIH/AMA guidance is 6–8).
MAX_GRADE_WITHOUT_REASON = 8
# Above grade ~18 the scale means "very hard" and no more; the cap keeps a text without full
# stops (one endless sentence) from overflowing the stored grade's column (4 digits, 1 decimal).
MAX_GRADE = 99.9

# The boundaries a reader sees between blocks of text.
_BLOCK = re.compile(
    r"</?(?:h[1-6]|p|li|ul|ol|td|th|tr|table|thead|tbody|blockquote|pre|br|hr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_HAS_WORD = re.compile(r"[^\W_]")
_LETTERS = re.compile(r"[^\W\d_]+")
_APOSTROPHE = re.compile(r"['’]")
# The end of a sentence: . ! or ? after a letter or digit, with closing quotes or brackets
# on either side ('as you need.)', '"walk daily."').
_CLOSING = "\"'’”»)]"
_SENTENCE_END = re.compile(rf"[^\W_][{re.escape(_CLOSING)}]*[.!?]+[{re.escape(_CLOSING)}]*$")
_LEADING = re.compile(r"^[\"'‘“«(\[]+")
# Abbreviations that always lead on to something: titles before a name, "e.g." before an example.
_NEVER_FINAL = {
    "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "e.g.", "i.e.", "vs.", "cf.", "approx.", "incl.",
}  # fmt: skip
_PYPHEN_LANGUAGE = {"en": "en_US"}


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    grade: float
    minutes: int


@lru_cache(maxsize=8)
def _dictionary(language):
    language = _PYPHEN_LANGUAGE.get(language, language)
    return pyphen.Pyphen(lang=language if language in pyphen.LANGUAGES else "en_US")


def blocks(body_html):
    """The text of rendered HTML as the reader sees it: one string per heading, paragraph, list
    item or table cell, figure tokens left out."""
    texts = (html.unescape(_TAG.sub("", part)) for part in _BLOCK.split(body_html or ""))
    texts = (FIGURE_TOKEN.sub(" ", text) for text in texts)
    return [" ".join(text.split()) for text in texts if text.strip()]


def count_syllables(word, language="en"):
    runs = _LETTERS.findall(_APOSTROPHE.sub("", word.lower()))
    if not runs:
        return 1  # a number
    return sum(len(_dictionary(language).positions(run)) + 1 for run in runs)


def _ends_sentence(token, following):
    """Whether ``token`` ends a sentence, given the next token in its block (None at its end)."""
    if not _SENTENCE_END.search(token):
        return False
    if following is None:
        return True
    bare = _LEADING.sub("", token).lower()
    if bare in _NEVER_FINAL:
        return False
    return not (token.rstrip(_CLOSING).endswith(".") and _LEADING.sub("", following)[:1].islower())


def count(body_html):
    """``(words, sentences)`` of rendered HTML: the words themselves and the number of sentences."""
    words, sentences, open_sentence = [], 0, False
    for block in blocks(body_html):
        tokens = [token for token in block.split() if _HAS_WORD.search(token)]
        for i, token in enumerate(tokens):
            words.append(token)
            open_sentence = True
            if _ends_sentence(token, tokens[i + 1] if i + 1 < len(tokens) else None):
                sentences += 1
                open_sentence = False
    return words, sentences + open_sentence


def measure(body_html, language="en"):
    """Readability of rendered (and sanitised) HTML in ``language``."""
    words, sentences = count(body_html)
    if not words:
        return Readability(words=0, sentences=0, syllables=0, grade=0.0, minutes=1)
    syllables = sum(count_syllables(word, language) for word in words)
    grade = 0.39 * (len(words) / sentences) + 11.8 * (syllables / len(words)) - 15.59
    return Readability(
        words=len(words),
        sentences=sentences,
        syllables=syllables,
        grade=round(min(max(grade, 0.0), MAX_GRADE), 1),
        minutes=max(1, math.ceil(len(words) / WORDS_PER_MINUTE)),
    )
