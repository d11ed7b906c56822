"""Patient check-ins: the patient answers a due follow-up in the portal.

The questionnaire (:class:`CheckinForm`), its two writes (:func:`save_checkin_draft`,
:func:`submit_checkin`), the check-in reminder (:func:`send_checkin_reminders`), loading a
licensed instrument's wording (:func:`load_instrument`) and the specialist's outcome chart
(:func:`outcome_chart`). ODI scoring itself lives only in :mod:`cases.odi`.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases import odi, services
from cases.models import CheckinReminder, FollowUp, Instrument, Procedure, long_date
from clinic.audit import record_event
from clinic.models import AuditEvent

Action = AuditEvent.Action
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})

RETURN_CHOICES = [("yes", "Yes, on this date:"), ("not_yet", "Not yet")]
WORK_CHOICES = [*RETURN_CHOICES, ("not_applicable", "Does not apply to me (I do not work)")]
NRS_CHOICES = [(n, str(n)) for n in range(11)]


# --- the questionnaire ---------------------------------------------------------------------------


class CheckinForm(forms.Form):
    """The patient's questionnaire. ``draft=True`` makes every answer optional (Save draft)."""

    nrs_back = forms.TypedChoiceField(
        label="Back pain now (0 = no pain, 10 = worst imaginable)",
        choices=NRS_CHOICES,
        coerce=int,
        widget=RADIO,
    )
    nrs_leg = forms.TypedChoiceField(
        label="Leg pain now (0 = no pain, 10 = worst imaginable)",
        choices=NRS_CHOICES,
        coerce=int,
        widget=RADIO,
    )
    daily_activities = forms.ChoiceField(
        label="Are you back to your usual daily activities?",
        choices=RETURN_CHOICES,
        widget=RADIO,
        required=False,
    )
    returned_to_daily_activities_on = forms.DateField(
        label="Back to daily activities since", widget=DATE, required=False
    )
    work = forms.ChoiceField(
        label="Are you back at work?",
        choices=WORK_CHOICES,
        widget=RADIO,
        required=False,
    )
    returned_to_work_on = forms.DateField(label="Back at work since", widget=DATE, required=False)
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with the result of your treatment?",
        choices=FollowUp.Satisfaction.choices,
        coerce=int,
        widget=RADIO,
    )
    global_perceived_effect = forms.ChoiceField(
        label="Compared with before the treatment, how are you now?",
        choices=FollowUp.GlobalEffect.choices,
        widget=RADIO,
    )

    REQUIRED = ("nrs_back", "nrs_leg", "satisfaction", "global_perceived_effect")

    def __init__(self, *args, follow_up, instrument=None, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        self.instrument = instrument
        self.draft = draft
        for section in instrument.sections if instrument else []:
            self.fields[section["code"]] = forms.TypedChoiceField(
                label=section["title"],
                choices=list(enumerate(section["options"])),
                coerce=int,
                widget=RADIO,
                required=False,
            )
        if draft:
            for field in self.fields.values():
                field.required = False

    @property
    def odi_fields(self):
        return [self[code] for code in odi.SECTIONS if code in self.fields]

    @property
    def outcome_fields(self):
        return [self[name] for name in self.REQUIRED[:2]]

    @property
    def return_fields(self):
        names = ("daily_activities", "returned_to_daily_activities_on", "work")
        return [self[name] for name in (*names, "returned_to_work_on")]

    @property
    def rating_fields(self):
        return [self[name] for name in self.REQUIRED[2:]]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        anchor = self.follow_up.anchor_date
        for choice, day_field in (
            ("daily_activities", "returned_to_daily_activities_on"),
            ("work", "returned_to_work_on"),
        ):
            day = data.get(day_field)
            if data.get(choice) != "yes":
                data[day_field] = None
                continue
            if day is None:
                if not self.draft:
                    self.add_error(day_field, "Give the date, or choose “Not yet”.")
            elif day > today:
                self.add_error(day_field, "This date cannot be in the future.")
            elif day < anchor:
                self.add_error(day_field, f"This date cannot be before {anchor:%d %B %Y}.")
        return data

    def odi_answers(self):
        """The answered ODI sections as ``{code: [mark]}`` (cases.odi's input)."""
        return {
            code: [self.cleaned_data[code]]
            for code in odi.SECTIONS
            if self.cleaned_data.get(code) not in (None, "")
        }

    def as_draft(self):
        """The answers given so far, JSON-ready, for ``FollowUp.checkin_draft``."""
        draft = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            draft[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return draft


def active_odi(patient):
    return Instrument.objects.for_language(Instrument.Code.ODI, patient.preferred_language)


def checkin_initial(follow_up):
    """A returning patient's form starts from their draft."""
    return dict(follow_up.checkin_draft or {})


# --- the two writes ------------------------------------------------------------------------------


def _refuse_unless_answerable(follow_up, today):
    """A check-in is answered only while its window is open: the answer is dated ``today``,
    which must lie in the window. After the window closes the patient is not asked any more
    (the clinic may still record the visit, with the reason it is late)."""
    if follow_up.completed_at is not None:
        raise ValidationError("This check-in has already been answered.")
    status = follow_up.status(today)
    if status == "overdue":
        raise ValidationError(
            f"This check-in closed on {long_date(follow_up.window_closes)}: your clinic will "
            "ask you at your next visit."
        )
    if status != "due":
        raise ValidationError("This check-in is not open for answers now.")


@transaction.atomic
def save_checkin_draft(*, follow_up: FollowUp, form: CheckinForm, by, request=None) -> FollowUp:
    """Keep a patient's partial answers; they count nowhere until submitted."""
    _refuse_unless_answerable(follow_up, timezone.localdate())
    follow_up.checkin_draft = form.as_draft()
    follow_up.save_if_current(expected_version=follow_up.version)
    record_event(
        Action.UPDATE, request=request, user=by, obj=follow_up, detail="check-in draft saved"
    )
    return follow_up


@transaction.atomic
def submit_checkin(*, follow_up: FollowUp, form: CheckinForm, by, request=None) -> FollowUp:
    """Complete the follow-up from the patient's answers: source patient, completed now, and
    assessed today, inside the window (the same day the window was checked on)."""
    today = timezone.localdate()
    _refuse_unless_answerable(follow_up, today)
    data = form.cleaned_data
    follow_up.source = FollowUp.Source.PATIENT
    follow_up.assessed_on = today
    follow_up.nrs_back = data["nrs_back"]
    follow_up.nrs_leg = data["nrs_leg"]
    follow_up.satisfaction = data["satisfaction"]
    follow_up.global_perceived_effect = data["global_perceived_effect"]
    follow_up.returned_to_daily_activities_on = data.get("returned_to_daily_activities_on")
    follow_up.returned_to_work_on = data.get("returned_to_work_on")
    follow_up.odi_answers = form.odi_answers()
    follow_up.odi_score = None
    follow_up.compute_odi()
    follow_up.checkin_draft = {}
    return services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=by, request=request
    )


# --- reminders -----------------------------------------------------------------------------------


def reminder_recipients(today=None):
    """Due, unanswered, never-reminded check-ins of patients with an active login and email."""
    return (
        FollowUp.objects.due(today)
        .filter(patient__user__isnull=False, patient__user__is_active=True, reminder__isnull=True)
        .exclude(patient__user__email="")
        .select_related("patient__user")
        .order_by("id")
    )


def send_checkin_reminders(today=None) -> int:
    """Email each due check-in's patient once; returns how many were sent.

    The reminder row is written before the email is sent, in one transaction per follow-up, and
    its one-to-one key refuses a second: two runs (even at once) send one email.
    """
    sent = 0
    link = settings.SITE_URL + reverse("dashboard")
    for follow_up in reminder_recipients(today):
        user = follow_up.patient.user
        try:
            with transaction.atomic():
                reminder = CheckinReminder.objects.create(follow_up=follow_up, email=user.email)
                # No health information: no timepoint, diagnosis or procedure in the email.
                context = {"name": user.first_name or user.get_username(), "link": link}
                send_mail(
                    "Your check-in is ready",
                    render_to_string("cases/checkin_reminder_email.txt", context),
                    None,
                    [user.email],
                )
                record_event(
                    Action.CREATE,
                    obj=reminder,
                    patient=follow_up.patient,
                    detail="check-in reminder",
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


# --- instrument wording --------------------------------------------------------------------------


def validate_instrument(code, data):
    """Check a wording file's content (see cases/instrument_format.md); returns its fields."""
    if code != Instrument.Code.ODI:
        raise ValidationError(f"Unknown instrument {code!r}: only 'odi' can be loaded.")
    if not isinstance(data, dict):
        raise ValidationError("The file must hold one JSON object.")
    if data.get("instrument") != code:
        raise ValidationError(f'The file\'s "instrument" must be "{code}".')
    for key in ("version", "language", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValidationError(f'The file needs a "{key}" text.')
    if data["language"] not in dict(settings.LANGUAGES):
        languages = ", ".join(dict(settings.LANGUAGES))
        raise ValidationError(f'"language" must be one of {languages}.')
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise ValidationError('The file needs a "sections" list.')
    codes = [s.get("code") if isinstance(s, dict) else None for s in sections]
    if codes != list(odi.SECTIONS):
        raise ValidationError(
            f"The sections must be exactly {', '.join(odi.SECTIONS)}, in that order "
            f"(found {', '.join(map(str, codes)) or 'none'})."
        )
    for section in sections:
        options = section.get("options")
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            raise ValidationError(f"Section {section['code']} needs a title.")
        if (
            not isinstance(options, list)
            or len(options) != odi.MAX_ITEM_SCORE + 1
            or not all(isinstance(o, str) and o.strip() for o in options)
        ):
            raise ValidationError(
                f"Section {section['code']} needs exactly {odi.MAX_ITEM_SCORE + 1} option "
                "texts (scored 0 to 5, in order)."
            )
    return {
        "code": code,
        "version": data["version"].strip(),
        "language": data["language"],
        "title": data["title"].strip(),
        "instructions": str(data.get("instructions", "")).strip(),
        "sections": [
            {"code": s["code"], "title": s["title"].strip(), "options": s["options"]}
            for s in sections
        ],
    }


@transaction.atomic
def load_instrument(code, data) -> tuple[Instrument, bool]:
    """Load a wording; the new version becomes the active one. Returns (instrument, changed).

    Loading the same version again changes nothing; a different wording under a version
    already loaded is refused (give the file a new version).
    """
    fields = validate_instrument(code, data)
    existing = Instrument.objects.filter(
        code=code, version=fields["version"], language=fields["language"]
    ).first()
    if existing is not None:
        same = all(getattr(existing, key) == value for key, value in fields.items())
        if not same:
            raise ValidationError(
                f"Version {fields['version']} ({fields['language']}) is already loaded with "
                "different wording; give the file a new version."
            )
        if existing.is_active:
            return existing, False
    for previous in Instrument.objects.active().filter(code=code, language=fields["language"]):
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    if existing is not None:
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        return existing, True
    instrument = Instrument(**fields, is_active=True)
    instrument.full_clean()
    instrument.save()
    return instrument, True


# --- the specialist's chart ----------------------------------------------------------------------


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
    2026-03-02" or "Conservative care from 2026-03-02"."""
    if isinstance(anchor, Procedure):
        return (
            f"{anchor.get_technique_display()} {anchor.levels_display} "
            f"{anchor.get_side_display().lower()}, {anchor.procedure_date:%Y-%m-%d}"
        )
    return f"{anchor.get_outcome_display()} from {FollowUp.anchor_day(anchor):%Y-%m-%d}"


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


def _series(anchor, follow_ups, thresholds):
    # The baseline is the consult the decision was made on, as for the MIC flags
    # (FollowUp.baseline_consult), not the patient's latest consult.
    consult = follow_ups[0].baseline_consult
    baseline = None
    if consult is not None and not consult.entered_in_error:
        baseline = {
            "consult_date": consult.consult_date.isoformat(),
            "nrs_back": consult.nrs_back,
            "nrs_leg": consult.nrs_leg,
            "odi": consult.odi_score,
        }
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
    error, are left out. A series' baseline is its decision's consult.
    """
    by_anchor = {}
    for follow_up in follow_ups:
        anchor = follow_up.anchor
        if follow_up.entered_in_error or anchor is None or anchor.entered_in_error:
            continue
        by_anchor.setdefault((type(anchor), anchor.pk), (anchor, []))[1].append(follow_up)
    newest_first = sorted(
        by_anchor.values(),
        key=lambda pair: (pair[1][0].anchor_date, isinstance(pair[0], Procedure), pair[0].pk),
        reverse=True,
    )
    return {"series": [_series(anchor, group, thresholds) for anchor, group in newest_first]}
