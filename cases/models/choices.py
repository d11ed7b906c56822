"""The choices of the clinical records' fields (each also enforced by a CheckConstraint)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    L1_L2 = "L1-L2", "L1-L2"
    L2_L3 = "L2-L3", "L2-L3"
    L3_L4 = "L3-L4", "L3-L4"
    L4_L5 = "L4-L5", "L4-L5"
    L5_S1 = "L5-S1", "L5-S1"


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Bilateral")


class DominantPain(models.TextChoices):
    LEG = "leg", _("Leg-dominant (radicular)")
    BACK = "back", _("Back-dominant")
    EQUAL = "equal", _("Leg and back equally")


class Morphology(models.TextChoices):
    PROTRUSION = "protrusion", _("Protrusion")
    EXTRUSION = "extrusion", _("Extrusion")
    SEQUESTRATION = "sequestration", _("Sequestration")


class Zone(models.TextChoices):
    CENTRAL = "central", _("Central")
    SUBARTICULAR = "subarticular", _("Subarticular (paracentral)")
    FORAMINAL = "foraminal", _("Foraminal")
    EXTRAFORAMINAL = "extraforaminal", _("Extraforaminal")


class Smoking(models.TextChoices):
    NEVER = "never", pgettext_lazy("smoking", "Never")
    FORMER = "former", pgettext_lazy("smoking", "Former")
    CURRENT = "current", pgettext_lazy("smoking", "Current")


class WorkStatus(models.TextChoices):
    WORKING = "working", _("Working")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", pgettext_lazy("work status", "Retired")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class ASAClass(models.IntegerChoices):
    I = 1, _("ASA I — healthy")  # noqa: E741
    II = 2, _("ASA II — mild systemic disease")
    III = 3, _("ASA III — severe systemic disease")
    IV = 4, _("ASA IV — severe disease, constant threat to life")


class Criterion(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    UNKNOWN = "unknown", _("Unknown")


class Outcome(models.TextChoices):
    MISS_CANDIDATE = "miss", _("MISS candidate")
    OPEN_SURGERY = "open", _("Open surgery")
    CONSERVATIVE = "conservative", _("Conservative care")
    WORKUP = "workup", _("More work-up")
    REFER = "refer", _("Refer")


class Factor(models.TextChoices):
    FAVOURS = "favours", _("Favours MISS")
    NEUTRAL = "neutral", _("Neutral")
    AGAINST = "against", _("Against MISS")


class Technique(models.TextChoices):
    FE_TRANSFORAMINAL = "fe_transforaminal", _("Full-endoscopic transforaminal")
    FE_INTERLAMINAR = "fe_interlaminar", _("Full-endoscopic interlaminar")
    TUBULAR = "tubular", _("Tubular microdiscectomy")
    OPEN = "open", _("Open microdiscectomy")


class AdverseEventType(models.TextChoices):
    DURAL_TEAR = "dural_tear", _("Dural tear")
    NERVE_INJURY = "nerve_injury", _("Nerve injury")
    HAEMATOMA = "haematoma", _("Haematoma")
    SSI = "ssi", _("Surgical-site infection")
    NEW_DEFICIT = "new_deficit", _("New neurological deficit")
    RECURRENCE = "recurrence", _("Recurrent herniation")
    READMISSION = "readmission", _("Readmission")
    REOPERATION = "reoperation", _("Reoperation")
    DVT_PE = "dvt_pe", _("DVT / PE")


class ClavienDindoGrade(models.TextChoices):
    I = "I", _("I — no treatment beyond simple measures")  # noqa: E741
    II = "II", _("II — pharmacological treatment")
    IIIA = "IIIa", _("IIIa — intervention without general anaesthesia")
    IIIB = "IIIb", _("IIIb — intervention under general anaesthesia")
    IVA = "IVa", _("IVa — single-organ dysfunction (ICU)")
    IVB = "IVb", _("IVb — multi-organ dysfunction (ICU)")
    V = "V", _("V — death")


class InstrumentCode(models.TextChoices):
    ODI = "odi", _("Oswestry Disability Index")


class Timepoint(models.TextChoices):
    WEEKS_2 = "2w", _("2 weeks")
    WEEKS_6 = "6w", _("6 weeks")
    MONTHS_3 = "3m", _("3 months")
    MONTHS_12 = "12m", _("12 months")
    MONTHS_24 = "24m", _("24 months")


# A follow-up's timepoint: the patient-reported baseline, before treatment, then Timepoint's
# (the ones after it, which the outcome figures and their charts walk through).
BASELINE = "bl"
FollowUpTimepoint = models.TextChoices(
    "FollowUpTimepoint",
    [("BASELINE", (BASELINE, _("Baseline"))), *((t.name, (t.value, t.label)) for t in Timepoint)],
)


class BaselineWorkStatus(models.TextChoices):
    """Work at baseline, in the patient's words: whether the back keeps them off work."""

    WORKING = "working", _("Working")
    OFF_BACK = "off_back", _("Off work because of my back or leg pain")
    OFF_OTHER = "off_other", _("Off work for another reason")
    NOT_EMPLOYED = "not_employed", _("Not employed, or retired")


class FollowUpSource(models.TextChoices):
    SPECIALIST = "specialist", _("Entered by the specialist")
    PATIENT = "patient", _("Answered by the patient")


class GlobalEffect(models.TextChoices):
    COMPLETELY_RECOVERED = "completely_recovered", _("Completely recovered")
    MUCH_IMPROVED = "much_improved", _("Much improved")
    SLIGHTLY_IMPROVED = "slightly_improved", _("Slightly improved")
    NO_CHANGE = "no_change", _("No change")
    SLIGHTLY_WORSE = "slightly_worse", _("Slightly worse")
    MUCH_WORSE = "much_worse", _("Much worse")
    WORSE_THAN_EVER = "worse_than_ever", _("Worse than ever")


class Satisfaction(models.IntegerChoices):
    VERY = 1, _("1 — The treatment met my expectations")
    SOMEWHAT = 2, _("2 — Not as improved as hoped, but would have the same treatment again")
    NOT_AGAIN = 3, _("3 — Helped, but would not have the same treatment again")
    WORSE = 4, _("4 — I am the same or worse than before")


class MICMeasure(models.TextChoices):
    NRS_BACK = "nrs_back", _("NRS back pain")
    NRS_LEG = "nrs_leg", _("NRS leg pain")
    ODI = "odi", _("ODI")
