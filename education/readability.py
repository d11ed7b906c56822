"""Reading grade and reading time of an article version, computed once when it is saved.

Flesch-Kincaid grade level = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59.
Syllables are counted with pyphen's hyphenation dictionaries (hyphenation points + 1 per word),
which work offline and exist for every language the portal offers.
"""

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

WORDS_PER_MINUTE = 200
# Patient material should be readable at grade 8 or below (US NIH/AMA guidance is 6–8).
MAX_GRADE_WITHOUT_REASON = 8

_BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|td|th|blockquote|pre)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?;:]+")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    grade: float
    minutes: int


@lru_cache(maxsize=8)
def _dictionary(language):
    return pyphen.Pyphen(lang=language if language in pyphen.LANGUAGES else "en")


def plain_text(body_html):
    """The text of rendered HTML; headings, paragraphs, list items and cells end a sentence."""
    text = _BLOCK_END.sub(".\n", body_html)
    return html.unescape(_TAG.sub(" ", text))


def count_syllables(word, language="en"):
    return len(_dictionary(language).positions(word.lower())) + 1


def measure(body_html, language="en"):
    """Readability of rendered (and sanitised) HTML in ``language``."""
    text = plain_text(body_html)
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words:
        return Readability(words=0, sentences=0, syllables=0, grade=0.0, minutes=1)
    syllables = sum(count_syllables(word, language) for word in words)
    grade = 0.39 * (len(words) / len(sentences)) + 11.8 * (syllables / len(words)) - 15.59
    return Readability(
        words=len(words),
        sentences=len(sentences),
        syllables=syllables,
        grade=round(max(grade, 0.0), 1),
        minutes=max(1, math.ceil(len(words) / WORDS_PER_MINUTE)),
    )
