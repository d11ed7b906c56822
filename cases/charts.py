"""The outcome charts: the specialist's chart of a patient's outcomes (one series per treatment,
each against its own baseline — the patient's own, reported before the treatment, where there is
one, else the decision's consult — and the minimal-important-change band), and
what every chart shares so that it reads at a glance (issue 14): labels of at least 12 px in a
dark colour, a colour-blind-safe palette with a marker and a dash per series, legends drawn in
HTML with plain swatches, axes with headroom, sources cited in plain words and correct plurals.
"""

import datetime
import re
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from cases.models import CandidacyDecision, FollowUp, Procedure, Timepoint
from cases.outcomes import GROUP_LABELS, GROUPS, STAY_BINS

# Every label drawn on a canvas (ticks, axis titles, tooltips): at least 12 px, in Bootstrap's
# body colour (15.4:1 on white; WCAG asks 4.5:1 for text).
FONT_SIZE = 13
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#dee2e6"

# Okabe & Ito's colour-blind-safe palette; each at least 3:1 on white (WCAG 1.4.11 for graphics).
# No series is told by colour alone: each also has its own marker, and lines their own dash.
BLUE, VERMILLION, GREEN = "#0072B2", "#D55E00", "#009E73"
DASHES = {"solid": [], "dashed": [6, 4], "dotted": [2, 3]}
# Chart.js point styles the HTML legend can draw too (templates/cases/_chart_legend.html).
MARKERS = ("circle", "triangle", "rect")

# The patient page's chart: one line per measure.
MEASURE_STYLES = {
    "nrs_back": {
        "label": gettext_lazy("NRS back"),
        "colour": BLUE,
        "dash": "solid",
        "marker": "circle",
    },
    "nrs_leg": {
        "label": gettext_lazy("NRS leg"),
        "colour": VERMILLION,
        "dash": "dashed",
        "marker": "triangle",
    },
    "odi": {"label": gettext_lazy("ODI"), "colour": GREEN, "dash": "dotted", "marker": "rect"},
}
MEASURES = tuple(MEASURE_STYLES)
# The outcome dashboard: a colour and a marker per group, a dash per measure.
GROUP_STYLES = {
    "miss": {"colour": BLUE, "marker": "circle"},
    "open": {"colour": VERMILLION, "marker": "triangle"},
}
TRAJECTORY_DASHES = {"nrs_back": "solid", "nrs_leg": "dashed", "odi": "solid"}


def text_style():
    """The font and colour of a chart's labels, as Chart.js options."""
    return {"font": {"size": FONT_SIZE}, "color": TEXT_COLOUR}


def axis(title, *, top, step, position=None, grid=True):
    """A linear axis from 0 to ``top`` with ticks every ``step``, readable labels and a title."""
    options = {
        "type": "linear",
        "min": 0,
        "max": top,
        "ticks": {"stepSize": step, "precision": 0, **text_style()},
        "title": {"display": True, "text": title, **text_style()},
        "grid": {"color": GRID_COLOUR, "drawOnChartArea": grid},
    }
    if position:
        options["position"] = position
    return options


def category_axis():
    """The x axis of labelled categories (timepoints, nights), with readable labels."""
    return {"ticks": text_style(), "grid": {"color": GRID_COLOUR}}


def headroom(largest, *, ticks=5):
    """``(top, step)`` of a count axis that leaves room above its largest value: a round step
    (1, 2, 5 × 10ⁿ) giving at most ``ticks`` steps up to the value, and the top one step above
    the step the value reaches, so no bar touches the top of its axis."""
    largest = max(largest or 0, 0)
    step, scale = 1, 1
    while True:
        step = next((m * scale for m in (1, 2, 5) if largest <= m * scale * ticks), None)
        if step:
            break
        scale *= 10
    return (int(largest // step) + 1) * step, step


def legend_item(label, *, colour, marker=None, dash="solid", kind="line"):
    """One entry of an HTML legend: a plain swatch (a bar's colour, or a line with its dash and
    marker, as drawn) and its label."""
    return {
        "label": label,
        "colour": colour,
        "marker": marker,
        "dasharray": " ".join(str(n) for n in DASHES[dash]),
        "kind": kind,
    }


def nights_label(nights):
    """A length-of-stay bin ("0", "1", "2", "3+") in words: "1 night", "2 nights", "3 or more
    nights"."""
    if nights.endswith("+"):
        count = int(nights[:-1])
        return ngettext("%(count)d or more nights", "%(count)d or more nights", count) % {
            "count": count
        }
    count = int(nights)
    return ngettext("%(count)d night", "%(count)d nights", count) % {"count": count}


def _number(value):
    """A threshold as people write it: 2, 2.7 (never 2.0)."""
    value = Decimal(value)
    return number_format(value.quantize(Decimal(1)) if value == value.to_integral() else value)


def points_text(value):
    """ "1 point", "2 points", "2.7 points"."""
    value = Decimal(value)
    count = int(value) if value == value.to_integral() else 2  # a fraction reads as plural
    return ngettext("%(value)s point", "%(value)s points", count) % {"value": _number(value)}


def threshold_text(threshold):
    """A minimal important change in words: "NRS back pain: 2 points or 30 % of baseline"."""
    text = f"{threshold.get_measure_display()}: {points_text(threshold.points)}"
    if threshold.relative_percent:
        text += _(" or %(percent)s %% of baseline") % {"percent": threshold.relative_percent}
    return text


# References are cited in the Vancouver style ("Ostelo RWJG, Deyo RA, Stratford P, et al. Title.
# Spine 2008;33(1):90-94."): authors, then the title, then journal, year;volume(issue):pages.
_JOURNAL_YEAR = re.compile(r"^(?P<journal>\D+?)\.?\s+(?P<year>(?:1[89]|20)\d\d)\s*[;:.(]")


def _surname(author):
    """ "Ostelo RWJG" → "Ostelo" (the initials dropped)."""
    words = author.split()
    if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 4:
        words = words[:-1]
    return " ".join(words)


def short_citation(citation):
    """A reference as a caption cites it: "Ostelo et al., Spine 2008" ("Smith and Jones, …"
    for two authors, "Smith, …" for one). A citation not written in the Vancouver style is
    shown as it was entered."""
    citation = (citation or "").strip()
    sentences = re.split(r"\.\s+", citation)
    journal = _JOURNAL_YEAR.match(sentences[-1] + " ") if len(sentences) > 2 else None
    if journal is None:
        return citation
    authors = [a.strip() for a in sentences[0].split(",") if a.strip()]
    more = authors and authors[-1].lower().rstrip(".") == "et al"
    names = [_surname(a) for a in authors if a.lower().rstrip(".") != "et al"]
    if not names:
        return citation
    if more or len(names) > 2:
        who = _("%(first)s et al.") % {"first": names[0]}
    elif len(names) == 2:
        who = _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    else:
        who = names[0]
    return _("%(who)s, %(journal)s %(year)s") % {
        "who": who,
        "journal": journal["journal"].strip(),
        "year": journal["year"],
    }


def mic_sources(thresholds):
    """The minimal-important-change thresholds grouped by their source, in plain words:
    ``[{"source": "Ostelo et al., Spine 2008", "reference": <the full citation>,
    "thresholds": ["NRS back pain: 2 points or 30 % of baseline", …]}]``."""
    sources = {}
    for threshold in thresholds:
        source = sources.setdefault(
            threshold.citation,
            {
                "source": short_citation(threshold.citation),
                "reference": threshold.citation,
                "thresholds": [],
            },
        )
        source["thresholds"].append(threshold_text(threshold))
    return list(sources.values())


def _band(baseline, threshold):
    """The values within the MIC of baseline: (baseline, the line past which MIC is reached)."""
    if baseline is None or threshold is None:
        return None
    needed = threshold.points
    if threshold.relative_percent:
        needed = min(needed, threshold.relative_percent * baseline / 100)
    return {
        "upper": baseline,
        "lower": max(baseline - float(needed), 0),
        "label": threshold_text(threshold),
        "source": short_citation(threshold.citation),
    }


def _series_label(anchor):
    """What tells one treatment's series from another's: "Tubular microdiscectomy L4-L5 left,
    2 Mar 2026" or "Conservative care from 2 Mar 2026" (DATE_FORMAT)."""
    if isinstance(anchor, Procedure):
        return _("%(technique)s %(levels)s %(side)s, %(day)s") % {
            "technique": anchor.get_technique_display(),
            "levels": anchor.levels_display,
            "side": anchor.get_side_display().lower(),
            "day": date_format(anchor.procedure_date),
        }
    return _("%(outcome)s from %(day)s") % {
        "outcome": anchor.get_outcome_display(),
        "day": date_format(FollowUp.anchor_day(anchor)),
    }


def _point(follow_up):
    return {
        "label": follow_up.get_timepoint_display(),
        "timepoint": follow_up.timepoint,
        "assessed_on": follow_up.assessed_on.isoformat() if follow_up.assessed_on else None,
        "source": follow_up.source,
        "nrs_back": follow_up.nrs_back,
        "nrs_leg": follow_up.nrs_leg,
        "odi": follow_up.odi_score,
        "odi_flag": follow_up.odi_flag,
    }


def reported_baseline(follow_up):
    """``follow_up`` as a chart baseline if it is a patient-reported baseline answered inside
    its window (which closes on the procedure day), else None."""
    if not follow_up.is_baseline or not follow_up.is_completed or not follow_up.in_window:
        return None
    if follow_up.entered_in_error or follow_up.source != FollowUp.Source.PATIENT:
        return None
    return {
        "source": "patient",
        "label": _("reported by the patient on %(day)s")
        % {"day": date_format(follow_up.assessed_on)},
        "date": follow_up.assessed_on.isoformat(),
        "consult_date": None,
        "nrs_back": follow_up.nrs_back,
        "nrs_leg": follow_up.nrs_leg,
        "odi": follow_up.odi_score,
    }


def _consult_baseline(consult, reported=None):
    """The consult's values; with ``reported``, the patient's own, keeping the consult's ODI
    only where the patient's check-in had none (the clinic had not loaded its wording)."""
    if reported is not None:
        if reported["odi"] is None and consult is not None and not consult.entered_in_error:
            reported["odi"] = consult.odi_score
        return reported
    if consult is None or consult.entered_in_error:
        return None
    return {
        "source": "consult",
        "label": _("the consult of %(day)s") % {"day": date_format(consult.consult_date)},
        "date": consult.consult_date.isoformat(),
        "consult_date": consult.consult_date.isoformat(),
        "nrs_back": consult.nrs_back,
        "nrs_leg": consult.nrs_leg,
        "odi": consult.odi_score,
    }


def _series(anchor, follow_ups, thresholds, reported=None):
    # The baseline is the patient's own, reported before this treatment, or else the consult the
    # decision was made on, as for the MIC flags (FollowUp.baseline_consult), not the latest.
    baseline = _consult_baseline(follow_ups[0].baseline_consult, reported)
    bands = {}
    if baseline and thresholds:
        for measure in MEASURES:
            band = _band(baseline[measure], thresholds.get(measure))
            if band:
                bands[measure] = band
    return {
        "key": f"{anchor._meta.model_name}-{anchor.pk}",
        "label": _series_label(anchor),
        "anchor_date": follow_ups[0].anchor_date.isoformat(),
        "baseline": baseline,
        "bands": bands,
        "points": [
            _point(f) for f in sorted(follow_ups, key=lambda f: f.due_date) if f.completed_at
        ],
    }


def outcome_chart(follow_ups, thresholds=None):
    """The chart's data: one series per treatment (a procedure, or a decision followed without
    surgery), newest first, each with its own baseline, MIC band and completed timepoints.

    ``follow_ups`` are what the patient page already loaded (with their anchors and the
    decisions' consults); ``thresholds`` is ``cases.outcomes.active_thresholds()`` (one query)
    when given. Records entered in error, and follow-ups of a procedure or decision entered in
    error, are left out. A series' baseline is the patient's own where they answered their
    baseline check-in before the treatment, else its decision's consult; ``baseline["source"]``
    says which ("patient" or "consult") and ``baseline["label"]`` says it in words.
    """
    by_anchor, reported = {}, {}
    for follow_up in follow_ups:
        anchor = follow_up.anchor
        if follow_up.entered_in_error or anchor is None or anchor.entered_in_error:
            continue
        if follow_up.is_baseline:
            # Not a series of its own: the baseline of the procedure that closed it, or of the
            # treatment decided on its consult without surgery.
            values = reported_baseline(follow_up)
            if values is not None:
                key = (
                    (Procedure, follow_up.procedure_id)
                    if follow_up.procedure_id
                    else (CandidacyDecision, anchor.consult_id)
                )
                reported[key] = values
            continue
        by_anchor.setdefault((type(anchor), anchor.pk), (anchor, []))[1].append(follow_up)
    newest_first = sorted(
        by_anchor.values(),
        key=lambda pair: (pair[1][0].anchor_date, isinstance(pair[0], Procedure), pair[0].pk),
        reverse=True,
    )
    series = [
        _series(anchor, group, thresholds, reported.get(_baseline_key(anchor)))
        for anchor, group in newest_first
    ]
    for one in series:
        one["legend"] = _series_legend(one)
        sources = {band["source"] for band in one["bands"].values()}
        one["mic_sources"] = sorted(sources)
    return {
        "series": series,
        "measures": {
            measure: {"label": str(style["label"]), **_dataset(style, style["dash"])}
            for measure, style in MEASURE_STYLES.items()
        },
        "scales": {
            "x": category_axis(),
            "nrs": axis(_("NRS (0–10)"), top=10, step=2, position="left"),
            "odi": axis(_("ODI (0–100)"), top=100, step=20, position="right", grid=False),
        },
        "text": text_style(),
        # The script's own words (static/js/outcome-chart.js), in the reader's language.
        "words": {
            "baseline": pgettext("consult", "Baseline"),
            "band_upper": _("%(measure)s: baseline"),
            "band_lower": _("%(measure)s: MIC band"),
        },
    }


def _baseline_key(anchor):
    if isinstance(anchor, Procedure):
        return (Procedure, anchor.pk)
    return (CandidacyDecision, anchor.consult_id)


def chart_rows(baseline, points):
    """A series' values in the order its chart draws them, all alike: its ``baseline`` (when it
    has one; ``is_baseline``, labelled by where it comes from), then each completed follow-up of
    ``points``; each with its ``date`` (a date, or None), ``by_patient`` and the measures."""
    charted = [(baseline, True)] if baseline is not None else []
    charted += [(point, False) for point in points]
    return [
        {
            "label": values["label"],
            "date": _day(values["date"] if is_baseline else values["assessed_on"]),
            "by_patient": values["source"] == FollowUp.Source.PATIENT,
            "is_baseline": is_baseline,
            **{measure: values[measure] for measure in MEASURES},
        }
        for values, is_baseline in charted
    ]


def _day(iso):
    return datetime.date.fromisoformat(iso) if iso else None


def _series_legend(series):
    """The lines of one treatment's chart (the measures it has a value of), then the shaded
    bands, as HTML legend entries."""
    charted = chart_rows(series["baseline"], series["points"])
    legend = [
        legend_item(str(style["label"]), **{k: style[k] for k in ("colour", "marker", "dash")})
        for measure, style in MEASURE_STYLES.items()
        if any(row[measure] is not None for row in charted)
    ]
    for measure, style in MEASURE_STYLES.items():
        if measure in series["bands"]:
            label = _("%(measure)s: within the MIC of baseline") % {"measure": style["label"]}
            legend.append(legend_item(label, colour=style["colour"], kind="band"))
    return legend


# --- the outcome dashboard's charts (templates/cases/outcomes.html, static/js/outcomes.js) -----


def dashboard_charts(results):
    """The dashboard's three charts as data for ``json_script``: for each, its datasets' values
    and styles, Chart.js options (readable axes, headroom) and its HTML legend. Groups whose
    figures are withheld (editors, small numbers) are neither drawn nor in the legend."""
    stay = results.stay_distribution()
    trajectory = results.trajectory()
    points = [pgettext("consult", "Baseline"), *Timepoint.labels]
    measure_names = {"nrs_back": _("back pain"), "nrs_leg": _("leg pain"), "odi": _("ODI")}

    stay_sets, stay_legend = [], []
    for group in GROUPS:
        if stay.get(group) is None:
            continue
        style = GROUP_STYLES[group]
        stay_sets.append({"label": GROUP_LABELS[group], "data": stay[group], **_dataset(style)})
        stay_legend.append(legend_item(GROUP_LABELS[group], colour=style["colour"], kind="bar"))
    largest = max((n for dataset in stay_sets for n in dataset["data"] if n is not None), default=0)
    top, step = headroom(largest)

    def lines(measures):
        datasets, legend = [], []
        for group in GROUPS:
            style = GROUP_STYLES[group]
            for measure in measures:
                values = trajectory[group][measure]
                if all(value is None for value in values):
                    continue
                label = f"{GROUP_LABELS[group]}, {measure_names[measure]}"
                dash = TRAJECTORY_DASHES[measure]
                datasets.append({"label": label, "data": values, **_dataset(style, dash)})
                legend.append(legend_item(label, dash=dash, **style))
        return datasets, legend

    nrs_sets, nrs_legend = lines(["nrs_back", "nrs_leg"])
    odi_sets, odi_legend = lines(["odi"])
    return {
        "stay": {
            "labels": [nights_label(nights) for nights in STAY_BINS],
            "datasets": stay_sets,
            "legend": stay_legend,
            "scales": {
                "x": category_axis(),
                "y": axis(_("Procedures"), top=top, step=step),
            },
        },
        "nrs": {
            "labels": points,
            "datasets": nrs_sets,
            "legend": nrs_legend,
            "scales": {"x": category_axis(), "y": axis(_("Median NRS (0–10)"), top=10, step=2)},
        },
        "odi": {
            "labels": points,
            "datasets": odi_sets,
            "legend": odi_legend,
            "scales": {"x": category_axis(), "y": axis(_("Median ODI (0–100)"), top=100, step=20)},
        },
        "text": text_style(),
    }


def _dataset(style, dash="solid"):
    """A dataset's look in Chart.js terms: colour, marker, dash."""
    return {
        "borderColor": style["colour"],
        "backgroundColor": style["colour"],
        "pointStyle": style.get("marker") or "circle",
        "borderDash": DASHES[dash],
    }
