"""The clinic's outcome figures: declared once, computed over one cohort, kept current.

* :mod:`~cases.outcomes.specs` declares every figure — what it counts, over whom, and how — as
  data: a **proportion** (with the Wilson 95 % interval) or a **median** (with the
  order-statistic 95 % interval; :mod:`~cases.outcomes.stats`). Every figure carries its *n*
  (patients with a value), its *denominator* (those it was drawn from: operated patients, or
  those due at a timepoint) and so its completeness; below ``OUTCOME_COMPLETENESS_MIN`` % the
  figure is marked (:mod:`~cases.outcomes.cells`).
* The cohort is :mod:`~cases.outcomes.cohort`'s rows: valid procedures, the baseline being the
  patient's own (their baseline check-in, answered before the procedure) where there is one and
  else the consult of the procedure's decision — each row says which, and the completeness table
  counts them — follow-ups counted only when answered inside their window. MISS is the three
  minimally invasive techniques; a MISS procedure converted to open stays MISS (intention to
  treat, what a patient choosing MISS faces).
* **Snapshots, off the request path** (:mod:`~cases.outcomes.snapshots`). ``refresh()`` reads
  the cohort and stores a :class:`~cases.models.FigureSnapshot`: the rows, the clinical team's
  unfiltered figures, every aggregate the editors can request (already protected) and the
  articles' figures. A saved clinical record enqueues
  :func:`cases.tasks.refresh_outcome_figures` after its commit; pages read the newest snapshot,
  so the dashboard, its CSV and every article show the same numbers. A page that finds the
  snapshot older than the newest clinical change (or than today) asks for a refresh too and
  says the figures are being updated.
* **Small cells** (:mod:`~cases.outcomes.protection`). Whatever leaves the clinical team (the
  editors' view and CSV, figures in articles) is suppressed below ``MIN_CELL_SIZE`` patients,
  and the editors' filters are whole calendar quarters or years that have ended and techniques
  — never a day or a surgeon. The periods and techniques nest (a quarter in its year, a year in
  the articles' years, a technique in MISS in all), so two requests could be differenced: a
  cell is also suppressed when a larger cell holding all its patients has between 1 and 9 more.
  Articles (:mod:`~cases.outcomes.articles`) count whole completed calendar years
  (``OUTCOME_ARTICLE_YEARS``), the largest cell an editor can ask for, so their figures change
  once a year, or when a record of those years is entered or corrected.

This package's public names are re-exported here: ``from cases import outcomes``.
"""

from cases.outcomes.articles import (
    ARTICLE_FIGURES,
    article_figure,
    register_article_figures,
)
from cases.outcomes.cells import (
    Cell,
    Results,
    compute,
    compute_cell,
    display_count,
    display_interval,
    display_value,
    is_incomplete,
)
from cases.outcomes.protection import (
    Period,
    article_years,
    editor_periods,
    technique_filters,
)
from cases.outcomes.snapshots import (
    CLINICAL_MODELS,
    active_thresholds,
    clinical_results,
    current_snapshot,
    editor_choices,
    editor_results,
    refresh,
)
from cases.outcomes.specs import (
    ALL_TECHNIQUES,
    CLAIMS,
    GROUP_LABELS,
    GROUP_TECHNIQUES,
    GROUPS,
    MEDIAN,
    MIN_CELL_SIZE,
    PROPORTION,
    SPECS,
    STAY_BINS,
    TOO_FEW,
    TRAJECTORY_MEASURES,
    TRAJECTORY_POINTS,
    Spec,
)

__all__ = [
    "ALL_TECHNIQUES", "ARTICLE_FIGURES", "CLAIMS", "CLINICAL_MODELS", "GROUPS",
    "GROUP_LABELS", "GROUP_TECHNIQUES", "MEDIAN", "MIN_CELL_SIZE", "PROPORTION", "SPECS",
    "STAY_BINS", "TOO_FEW", "TRAJECTORY_MEASURES", "TRAJECTORY_POINTS", "Cell", "Period",
    "Results", "Spec", "active_thresholds", "article_figure", "article_years",
    "clinical_results", "compute", "compute_cell", "current_snapshot", "display_count",
    "display_interval", "display_value", "editor_choices", "editor_periods", "editor_results",
    "is_incomplete", "refresh", "register_article_figures", "technique_filters",
]  # fmt: skip
