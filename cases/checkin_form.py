"""The patient's check-in questionnaire (:class:`CheckinForm`) and where it starts from.

The writes it feeds are in :mod:`cases.checkins`; ODI scoring lives only in :mod:`cases.odi`.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from cases import odi
from cases.models import BaselineWorkStatus, FollowUp, Instrument, long_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})
# The pain scale's radios are hidden behind their labels, drawn as one row of large buttons.
SCALE = forms.RadioSelect(attrs={"class": "btn-check"})

RETURN_CHOICES = [("yes", _("Yes, on this date:")), ("not_yet", _("Not yet"))]
WORK_CHOICES = [*RETURN_CHOICES, ("not_applicable", _("Does not apply to me (I do not work)"))]
NRS_CHOICES = [(n, str(n)) for n in range(11)]


# --- the questionnaire ---------------------------------------------------------------------------


class CheckinForm(forms.Form):
    """The patient's questionnaire. ``draft=True`` makes every answer optional (Save draft)."""

    nrs_back = forms.TypedChoiceField(
        label=_("Back pain now"),
        choices=NRS_CHOICES,
        coerce=int,
        widget=SCALE,
    )
    nrs_leg = forms.TypedChoiceField(
        label=_("Leg pain now"),
        choices=NRS_CHOICES,
        coerce=int,
        widget=SCALE,
    )
    daily_activities = forms.ChoiceField(
        label=_("Are you back to your usual daily activities?"),
        choices=RETURN_CHOICES,
        widget=RADIO,
        required=False,
    )
    returned_to_daily_activities_on = forms.DateField(
        label=_("Back to daily activities since"), widget=DATE, required=False
    )
    work = forms.ChoiceField(
        label=_("Are you back at work?"),
        choices=WORK_CHOICES,
        widget=RADIO,
        required=False,
    )
    returned_to_work_on = forms.DateField(
        label=_("Back at work since"), widget=DATE, required=False
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the result of your treatment?"),
        choices=FollowUp.Satisfaction.choices,
        coerce=int,
        widget=RADIO,
    )
    global_perceived_effect = forms.ChoiceField(
        label=_("Compared with before the treatment, how are you now?"),
        choices=FollowUp.GlobalEffect.choices,
        widget=RADIO,
    )

    REQUIRED = ("nrs_back", "nrs_leg", "satisfaction", "global_perceived_effect")
    # Asked after the treatment only: the baseline asks for work status instead.
    AFTER_TREATMENT = (
        "daily_activities",
        "returned_to_daily_activities_on",
        "work",
        "returned_to_work_on",
        "satisfaction",
        "global_perceived_effect",
    )

    def __init__(self, *args, follow_up, instrument=None, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        self.instrument = instrument
        self.draft = draft
        if follow_up.is_baseline:
            # Before the treatment there is no result to rate and no return to date.
            for name in self.AFTER_TREATMENT:
                del self.fields[name]
            self.fields["work_status"] = forms.ChoiceField(
                label=_("What is your work situation now?"),
                choices=BaselineWorkStatus.choices,
                widget=RADIO,
                error_messages={"required": _("Choose the answer that fits you best.")},
            )
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
        return [self[name] for name in (*names, "returned_to_work_on") if name in self.fields]

    @property
    def rating_fields(self):
        return [self[name] for name in self.REQUIRED[2:] if name in self.fields]

    @property
    def baseline_fields(self):
        return [self["work_status"]] if "work_status" in self.fields else []

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        anchor = self.follow_up.anchor_date
        for choice, day_field in (
            ("daily_activities", "returned_to_daily_activities_on"),
            ("work", "returned_to_work_on"),
        ):
            if choice not in self.fields:
                continue
            day = data.get(day_field)
            if data.get(choice) != "yes":
                # The date belongs to "Yes" only: whatever came with another answer (a page
                # without JavaScript shows the date field throughout) is dropped, even unreadable.
                data[day_field] = None
                self.errors.pop(day_field, None)
                continue
            if day is None:
                if not self.draft:
                    self.add_error(day_field, gettext_now("Give the date, or choose “Not yet”."))
            elif day > today:
                self.add_error(day_field, gettext_now("This date cannot be in the future."))
            elif day < anchor:
                self.add_error(
                    day_field,
                    gettext_now("This date cannot be before %(day)s.") % {"day": long_date(anchor)},
                )
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
