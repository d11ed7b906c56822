from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import (
    CHECKIN_NAMES,
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    Procedure,
    long_date,
)
from clinic import roles
from clinic.forms import VersionedForm
from clinic.models import Patient
from education.models import Article

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO_UNKNOWN = forms.Select(
    choices=[("unknown", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]
)


def specialists():
    return roles.specialists().order_by("last_name", "first_name")


class PatientForm(forms.ModelForm):
    """Registration; a patient with the same name and date of birth needs a confirmation."""

    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_("This is a different person from the existing patient(s) listed above"),
    )

    class Meta:
        model = Patient
        fields = [
            "mrn",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "preferred_language",
            "email",
            "phone",
            "checkin_emails_opt_out",
            "primary_specialist",
        ]
        widgets = {"date_of_birth": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_specialist"].queryset = specialists()
        self.possible_duplicates = []
        # The confirmation is only asked for when a possible duplicate is found.
        self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        given, family = cleaned.get("given_name"), cleaned.get("family_name")
        dob = cleaned.get("date_of_birth")
        if given and family and dob:
            self.possible_duplicates = list(
                Patient.objects.filter(
                    given_name__iexact=given.strip(),
                    family_name__iexact=family.strip(),
                    date_of_birth=dob,
                ).exclude(pk=self.instance.pk)
            )
            if self.possible_duplicates:
                self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
            if self.possible_duplicates and not cleaned.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    _(
                        "A patient with the same name and date of birth is already registered. "
                        "Check it is not the same person, then tick the box to register anyway."
                    ),
                )
        return cleaned


class PatientEditForm(VersionedForm, PatientForm):
    """Correcting a registered patient's details; a stale copy is refused."""


class ConsultForm(VersionedForm):
    class Meta:
        model = Consult
        fields = [
            "consult_date",
            "dominant_pain",
            "side",
            "symptom_duration_weeks",
            "numbness",
            "weakness",
            "mrc_grade",
            "red_flag_saddle_anaesthesia",
            "red_flag_bladder_bowel",
            "red_flag_progressive_deficit",
            "red_flag_other",
            "mri_date",
            "level",
            "second_level",
            "morphology",
            "zone",
            "imaging_concordant",
            "physiotherapy",
            "medication",
            "injection",
            "conservative_care_weeks",
            "asa_class",
            "bmi",
            "smoking",
            "diabetes",
            "prior_surgery_at_level",
            "work_status",
            "nrs_back",
            "nrs_leg",
            "odi_score",
            "notes",
        ]
        widgets = {
            "consult_date": DATE,
            "mri_date": DATE,
            "imaging_concordant": forms.NullBooleanSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.consult_date is None:
            self.initial["consult_date"] = timezone.localdate()


class DecisionForm(forms.ModelForm):
    """A candidacy decision on a consult; with ``with_consult``, on the consult being recorded
    on the same page (its red flags are known only once it is posted, so the acknowledgment is
    always offered, and shown by static/js/decision-conditional.js when a red flag is ticked).
    """

    assign_article = forms.BooleanField(
        required=False,
        label=_("Give the patient the MISS article"),
        help_text=_("Only for a MISS candidate: adds the article to the patient's reading list."),
    )

    class Meta:
        model = CandidacyDecision
        fields = [
            "decided_on",
            "outcome",
            "severity_assessment",
            "severity_note",
            "health_assessment",
            "health_note",
            "symptoms_assessment",
            "symptoms_note",
            "rationale",
            "planned_on",
            "red_flags_acknowledged",
        ]
        widgets = {
            "decided_on": DATE,
            "planned_on": DATE,
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "severity_assessment": forms.RadioSelect,
            "health_assessment": forms.RadioSelect,
            "symptoms_assessment": forms.RadioSelect,
        }

    # What an amendment copies from the decision it amends (its date is today unless changed).
    AMENDED_FIELDS = [name for name in Meta.fields if name != "decided_on"]
    # What the specialist types to make a decision: any of them posted with a consult means a
    # decision was begun (the date and the acknowledgment alone do not).
    CONTENT_FIELDS = [
        name for name in Meta.fields if name not in ("decided_on", "red_flags_acknowledged")
    ]

    def __init__(self, *args, with_consult=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rationale"].help_text = _("Required: why this plan suits this patient.")
        for name in ("severity_assessment", "health_assessment", "symptoms_assessment"):
            self.fields[name].choices = CandidacyDecision.Factor.choices  # no blank radio
        # Offered for a plan for surgery only; static/js/decision-conditional.js hides it for
        # the other outcomes.
        self.fields["planned_on"].widget.attrs["data-for-outcomes"] = " ".join(
            CandidacyDecision.SURGICAL
        )
        consult = self.instance.consult
        if with_consult:
            acknowledgment = self.fields["red_flags_acknowledged"]
            acknowledgment.widget.attrs["data-for-red-flags"] = "true"
            # Worded for the consult page (and so that no label of it but Side's holds "side").
            acknowledgment.label = _(
                "Red flags ticked above: I have weighed them and this elective plan is appropriate"
            )
        elif not consult.has_red_flags:
            del self.fields["red_flags_acknowledged"]
        self.miss_article = miss_article()
        if self.miss_article is None:
            del self.fields["assign_article"]
        else:
            # Ticked for a MISS candidate: here when the form starts from one, and as the
            # outcome changes by static/js/decision-form.js.
            miss = CandidacyDecision.Outcome.MISS_CANDIDATE
            self.fields["assign_article"].initial = self.initial.get("outcome") == miss
            self.fields["assign_article"].widget.attrs["data-ticked-for-outcome"] = miss

    @classmethod
    def started(cls, data):
        """Whether ``data`` (a post) holds any of a decision's content."""
        return any(str(data.get(name) or "").strip() for name in cls.CONTENT_FIELDS)

    def clean(self):
        # The rationale and the planned date are checked by the model (CandidacyDecision.clean);
        # whom the MISS article goes to by the service that records the decision: the form shows
        # their errors.
        cleaned = super().clean()
        article = self.miss_article if cleaned.get("assign_article") else None
        try:
            services.check_decision_article(outcome=cleaned.get("outcome"), article=article)
        except forms.ValidationError as error:
            self.add_error("assign_article", error)
        return cleaned

    @property
    def article_to_assign(self):
        """The MISS article when the specialist chose to give it (None otherwise)."""
        return self.miss_article if self.cleaned_data.get("assign_article") else None


MISS_ARTICLE_SLUG = "miss-spinal-herniations"


def miss_article():
    """The published MISS article (None if the clinic has not published it)."""
    return Article.objects.published().filter(slug=MISS_ARTICLE_SLUG).first()


class ProcedureForm(VersionedForm):
    class Meta:
        model = Procedure
        fields = [
            "procedure_date",
            "surgeon",
            "technique",
            "level",
            "second_level",
            "side",
            "incision_length_mm",
            "skin_to_skin_minutes",
            "blood_loss_ml",
            "converted_to_open",
            "admitted_at",
            "discharged_at",
        ]
        widgets = {"procedure_date": DATE, "admitted_at": DATETIME, "discharged_at": DATETIME}

    # The technique a decision's outcome implies; a MISS candidate's technique is the surgeon's
    # choice among the minimally invasive ones.
    TECHNIQUE_OF_OUTCOME = {CandidacyDecision.Outcome.OPEN_SURGERY: Procedure.Technique.OPEN}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surgeon"].queryset = specialists()

    @classmethod
    def initial_from_decision(cls, decision, *, today=None):
        """What a new procedure takes from its decision: level and side from its consult, the
        technique its outcome implies, and the planned date once that day has come (a
        procedure is recorded after it took place)."""
        consult = decision.consult
        initial = {
            "level": consult.level,
            "second_level": consult.second_level,
            "side": consult.side,
        }
        technique = cls.TECHNIQUE_OF_OUTCOME.get(decision.outcome)
        if technique:
            initial["technique"] = technique
        planned, today = decision.planned_on, today or timezone.localdate()
        if planned is not None and planned <= today:
            initial["procedure_date"] = planned
        return initial


class AdverseEventForm(VersionedForm):
    class Meta:
        model = AdverseEvent
        fields = ["event_type", "onset_date", "clavien_dindo_grade", "description"]
        widgets = {"onset_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class FollowUpForm(VersionedForm):
    class Meta:
        model = FollowUp
        fields = [
            "assessed_on",
            "out_of_window_reason",
            "nrs_back",
            "nrs_leg",
            "returned_to_daily_activities_on",
            "returned_to_work_on",
            "satisfaction",
            "global_perceived_effect",
            "odi_score",
        ]
        widgets = {
            "assessed_on": DATE,
            "returned_to_daily_activities_on": DATE,
            "returned_to_work_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("assessed_on", "nrs_back", "nrs_leg"):
            self.fields[name].required = True
        follow_up, today = self.instance, timezone.localdate()
        opens, closes = follow_up.window_opens, follow_up.window_closes
        if opens and closes:
            self.fields["assessed_on"].help_text = _("%(window)s: %(opens)s to %(closes)s.") % {
                "window": capfirst(CHECKIN_NAMES[follow_up.timepoint]),
                "opens": long_date(opens),
                "closes": long_date(closes),
            }
            # Today is offered only inside the window; a day outside it is typed, with a reason.
            if not follow_up.assessed_on and opens <= today <= closes:
                self.initial["assessed_on"] = today
        if self.instance.odi_answers:
            # Derived from the patient's item marks (FollowUp.compute_odi): never typed as well.
            self.fields["odi_score"].disabled = True
            self.fields["odi_score"].help_text = _("Computed from the patient's ODI answers.")


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why was this record entered in error? (No health details needed.)"),
    )
