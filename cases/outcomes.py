"""Outcome figures: minimal important change thresholds and the clinic's own figures.

``active_thresholds()`` is the one way to get the MIC thresholds in use; other modules (the
patient's outcome chart, the dashboard) import it rather than reading the model themselves.
"""

from cases.models import MinimalImportantChange


def active_thresholds():
    """The active MIC set chosen by ``settings.OUTCOME_MIC_SET``, keyed by measure.

    Returns ``{"nrs_back": MinimalImportantChange, "nrs_leg": …, "odi": …}`` (one query). Each
    threshold has ``points``, ``relative_percent`` (or None), ``citation``, ``version`` and
    ``is_reached(baseline, value)``. A measure missing from the set is missing from the dict.
    """
    return MinimalImportantChange.objects.active().by_measure()
