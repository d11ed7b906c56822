"""Oswestry Disability Index (ODI v2.1a) scoring.

The ODI's wording is licensed (Mapi Research Trust), so the portal ships only what is needed to
score it: ten section codes, each answered 0–5. The clinic loads its licensed wording with
``python manage.py load_instrument odi FILE``; the file format is documented in
``cases/instrument_format.md``.

Scoring (Fairbank & Pynsent 2000): score = sum ÷ (5 × sections answered) × 100. A section
marked twice takes the higher score. With fewer than eight sections answered no score is given:
the result is flagged as incomplete instead.
"""

from dataclasses import dataclass

SECTIONS = tuple(f"odi_{n:02d}" for n in range(1, 11))
MIN_SECTIONS = 8
MAX_ITEM_SCORE = 5


@dataclass(frozen=True)
class ODIResult:
    score: float | None
    sections_answered: int

    @property
    def is_complete(self):
        return self.score is not None


def section_score(answer):
    """One section's score from one mark or several (several marks take the highest)."""
    marks = answer if isinstance(answer, list | tuple | set | frozenset) else [answer]
    marks = [m for m in marks if m is not None and m != ""]
    if not marks:
        return None
    values = [int(m) for m in marks]
    for value in values:
        if not 0 <= value <= MAX_ITEM_SCORE:
            raise ValueError(f"ODI section scores run from 0 to 5, not {value}")
    return max(values)


def score(answers):
    """Score a mapping of section code → mark(s). Unknown codes are refused."""
    unknown = set(answers) - set(SECTIONS)
    if unknown:
        raise ValueError(f"Unknown ODI sections: {', '.join(sorted(unknown))}")
    scores = [s for s in (section_score(answers[code]) for code in answers) if s is not None]
    if len(scores) < MIN_SECTIONS:
        return ODIResult(score=None, sections_answered=len(scores))
    value = sum(scores) / (MAX_ITEM_SCORE * len(scores)) * 100
    return ODIResult(score=round(value, 1), sections_answered=len(scores))
