"""The specialist's chart of a patient's outcomes: one series per treatment, each against its own
baseline (the patient's own, reported before the treatment, where there is one; else the
decision's consult) and the minimal-important-change band."""

from django.utils.formats import date_format

from cases.models import CandidacyDecision, FollowUp, Procedure


def _band(baseline, threshold):
    """The values within the MIC of baseline: (baseline, the line past which MIC is reached)."""
    if baseline is None or threshold is None:
        return None
    needed = threshold.points
    if threshold.relative_percent:
        needed = min(needed, threshold.relative_percent * baseline / 100)
    return {"upper": baseline, "lower": max(baseline - float(needed), 0), "label": str(threshold)}


def _series_label(anchor):
    """What tells one treatment's series from another's: "Tubular microdiscectomy L4-L5 left,
    2 Mar 2026" or "Conservative care from 2 Mar 2026" (DATE_FORMAT)."""
    if isinstance(anchor, Procedure):
        return (
            f"{anchor.get_technique_display()} {anchor.levels_display} "
            f"{anchor.get_side_display().lower()}, {date_format(anchor.procedure_date)}"
        )
    return f"{anchor.get_outcome_display()} from {date_format(FollowUp.anchor_day(anchor))}"


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
        "label": f"reported by the patient on {date_format(follow_up.assessed_on)}",
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
        "label": f"the consult of {date_format(consult.consult_date)}",
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
        for measure in ("nrs_back", "nrs_leg", "odi"):
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
    return {
        "series": [
            _series(anchor, group, thresholds, reported.get(_baseline_key(anchor)))
            for anchor, group in newest_first
        ]
    }


def _baseline_key(anchor):
    if isinstance(anchor, Procedure):
        return (Procedure, anchor.pk)
    return (CandidacyDecision, anchor.consult_id)
