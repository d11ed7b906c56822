"""Reading score and reading time of an article version, computed once when it is saved.

Each language is graded on a scale published for it (``SCALES``, chosen by ``scale_for``):

- English: Flesch-Kincaid grade level = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words)
  − 15.59 (Kincaid, Fishburne, Rogers & Chissom 1975). Patient material should read at grade 8
  or below (US NIH/AMA guidance is 6–8): a higher grade needs a reason to be published.
- Spanish: the Flesch-Szigriszt index (IFSZ) read on the INFLESZ scale = 206.835 − 62.3 ×
  (syllables ÷ words) − (words ÷ sentences). Szigriszt Pazos adapted Flesch's reading ease to
  Spanish (Szigriszt Pazos F. *Sistemas predictivos de legibilidad del mensaje escrito: fórmula
  de perspicuidad*. Doctoral thesis, Universidad Complutense de Madrid, 1993); Barrio-Cantalejo
  et al. validated it and its scale for texts written for patients (Barrio-Cantalejo IM,
  Simón-Lorda P, Melguizo M, Escalona I, Marijuán MI, Hernando P. Validación de la Escala INFLESZ
  para evaluar la legibilidad de los textos dirigidos a pacientes. *An Sist Sanit Navar*
  2008;31(2):135–152): below 40 "muy difícil", 40–55 "algo difícil", 55–65 "normal", 65–80
  "bastante fácil", 80 and above "muy fácil". A text for patients should score 55 ("normal") or
  more: a lower score needs a reason to be published. Higher is easier, the other way round
  from a grade; the score is kept between 0 and 100, the ends of the scale.
- Fernández-Huerta (1959, Medidas sencillas de lecturabilidad. *Consigna* (214): 29–32) is the
  other common Spanish formula, usually printed as 206.84 − 0.60·P − 1.02·F with P the syllables
  per 100 words and F the sentences per 100 words. Law (2011, "Error in the Fernandez Huerta
  Readability Formula", LINGUIST List 22.2332) showed that printed form is wrong as a Flesch
  adaptation (more, shorter sentences would lower the score); the corrected form reads F as the
  words per sentence: 206.84 − 60 × (syllables ÷ words) − 1.02 × (words ÷ sentences).
  ``fernandez_huerta`` computes that corrected form for comparison; it is not the gate, because
  INFLESZ is the scale validated on Spanish health texts.

Both are counted on the text a reader sees, the way published readability tools (textstat, word
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
  do. Spanish is syllabified by silabeador instead, after the Spanish rules of diphthong and
  hiatus: a hyphenation dictionary never splits off a lone vowel or a hiatus (``agua``, ``día``,
  ``oído`` would count one syllable short), which would inflate a Spanish score. A number is one
  syllable.
- ``[[figure:…]]`` tokens are left out: a page replaces them with a sentence of live figures, so
  they are not the article's own text.
"""

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen
import silabeador
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from education.figures import TOKEN as FIGURE_TOKEN

WORDS_PER_MINUTE = 200
# Patient material should be readable at grade 8 or below (US NIH/AMA guidance is 6–8).
MAX_GRADE_WITHOUT_REASON = 8
# A Spanish text for patients should be at least "normal" on the INFLESZ scale.
MIN_INFLESZ_WITHOUT_REASON = 55
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

FK_GRADE = "fk_grade"
INFLESZ = "inflesz"


@dataclass(frozen=True)
class Scale:
    """A published readability scale and the score a patient text must reach on it."""

    code: str
    name: str  # what the pages call the score
    unit: str  # how a score reads in a short list: "grade 7.5", "INFLESZ 62.0"
    limit: float  # the publish gate's limit
    higher_is_easier: bool
    bands: tuple[tuple[float, str], ...] = ()  # (lowest score, label), easiest last

    def passes(self, score):
        score = float(score)
        return score >= self.limit if self.higher_is_easier else score <= self.limit

    def band(self, score):
        label = ""
        for lowest, name in self.bands:
            if float(score) >= lowest:
                label = name
        return label

    def short(self, score):
        return f"{self.unit} {score}"

    def describe(self, score):
        """The score with its place on the scale: "INFLESZ 62.0 (normal)"."""
        band = self.band(score)
        return f"{self.short(score)} ({band})" if band else self.short(score)

    @property
    def target(self):
        """The gate in words, for editors: "grade 8 or below", "55 (normal) or above"."""
        if self.higher_is_easier:
            return gettext("%(limit)s (%(band)s) or above") % {
                "limit": f"{self.limit:g}",
                "band": self.band(self.limit),
            }
        return gettext("grade %(limit)s or below") % {"limit": f"{self.limit:g}"}

    def refusal(self, score):
        """Why a version scoring ``score`` needs a reason to be published."""
        if self.higher_is_easier:
            return gettext(
                "This version scores %(score)s on the %(scale)s scale (%(band)s), below "
                "%(limit)s (%(limit_band)s). Simplify it, or give the reason it must be "
                "published as it is."
            ) % {
                "score": score,
                "scale": self.name,
                "band": self.band(score),
                "limit": f"{self.limit:g}",
                "limit_band": self.band(self.limit),
            }
        return gettext(
            "This version reads at grade %(score)s, above grade %(limit)s. Simplify it, or give "
            "the reason it must be published as it is."
        ) % {"score": score, "limit": f"{self.limit:g}"}


SCALES = {
    FK_GRADE: Scale(FK_GRADE, "Flesch-Kincaid", _("grade"), MAX_GRADE_WITHOUT_REASON, False),
    INFLESZ: Scale(
        INFLESZ,
        "INFLESZ",
        "INFLESZ",
        MIN_INFLESZ_WITHOUT_REASON,
        True,
        bands=(
            (float("-inf"), "muy difícil"),
            (40, "algo difícil"),
            (55, "normal"),
            (65, "bastante fácil"),
            (80, "muy fácil"),
        ),
    ),
}
SCALE_CHOICES = [(FK_GRADE, _("Flesch-Kincaid grade")), (INFLESZ, "INFLESZ (Szigriszt-Pazos)")]
_LANGUAGE_SCALE = {"es": INFLESZ}


def scale_for(language):
    """The scale a text in ``language`` is graded on (Flesch-Kincaid unless one is published
    for the language)."""
    return _LANGUAGE_SCALE.get(language, FK_GRADE)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    grade: float  # Flesch-Kincaid grade
    minutes: int
    scale: str = FK_GRADE
    score: float = 0.0  # on ``scale``: the grade for English, INFLESZ for Spanish


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
    if language == "es":
        return sum(_spanish_syllables(run) for run in runs)
    return sum(len(_dictionary(language).positions(run)) + 1 for run in runs)


@lru_cache(maxsize=4096)
def _spanish_syllables(letters):
    try:
        return max(1, len(silabeador.syllabify(letters)))
    except Exception:  # a run it cannot divide (no vowel, foreign letters): the dictionary's count
        return len(_dictionary("es").positions(letters)) + 1


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
    scale = scale_for(language)
    if not words:
        return Readability(
            words=0, sentences=0, syllables=0, grade=0.0, minutes=1, scale=scale, score=0.0
        )
    syllables = sum(count_syllables(word, language) for word in words)
    grade = round(min(max(flesch_kincaid(len(words), sentences, syllables), 0.0), MAX_GRADE), 1)
    if scale == INFLESZ:
        score = round(min(max(inflesz(len(words), sentences, syllables), 0.0), 100.0), 1)
    else:
        score = grade
    return Readability(
        words=len(words),
        sentences=sentences,
        syllables=syllables,
        grade=grade,
        minutes=max(1, math.ceil(len(words) / WORDS_PER_MINUTE)),
        scale=scale,
        score=score,
    )


def flesch_kincaid(words, sentences, syllables):
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def inflesz(words, sentences, syllables):
    """The Flesch-Szigriszt index (IFSZ), read on the INFLESZ scale."""
    return 206.835 - 62.3 * (syllables / words) - words / sentences


def fernandez_huerta(words, sentences, syllables):
    """Fernández-Huerta's reading ease in Law's (2011) corrected form."""
    return 206.84 - 60 * (syllables / words) - 1.02 * (words / sentences)
