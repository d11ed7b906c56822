"""One factory_boy factory per model. Each app's factories live in its own section."""

import datetime

import factory
from factory.django import DjangoModelFactory

from clinic.models import Patient, User

# --- clinic -----------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1940, 1, 1), end_date=datetime.date(2005, 1, 1)
    )
    sex = Patient.Sex.FEMALE
    email = factory.LazyAttribute(lambda p: f"{p.mrn.lower()}@example.org")


# --- cases ------------------------------------------------------------------------------------
# Cases' factories build records through the model, as the services do (derived values are
# computed in save()). Dates are relative to today so that follow-ups are due.


def _days_ago(n):
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=n)


def _local_day(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


def _now_minus_days(n):
    from django.utils import timezone

    return timezone.now() - datetime.timedelta(days=n)


class ConsultFactory(DjangoModelFactory):
    class Meta:
        model = "cases.Consult"

    patient = factory.SubFactory(PatientFactory)
    specialist = factory.SubFactory(UserFactory, is_staff=True)
    recorded_by = factory.SelfAttribute("specialist")
    consult_date = factory.LazyFunction(lambda: _days_ago(120))
    dominant_pain = "leg"
    side = "left"
    symptom_duration_weeks = 12
    mri_date = factory.LazyFunction(lambda: _days_ago(130))
    level = "L4-L5"
    morphology = "extrusion"
    zone = "subarticular"
    imaging_concordant = True
    physiotherapy = True
    conservative_care_weeks = 8
    asa_class = 1
    smoking = "never"
    work_status = "working"
    nrs_back = 3
    nrs_leg = 7


class CandidacyDecisionFactory(DjangoModelFactory):
    class Meta:
        model = "cases.CandidacyDecision"

    consult = factory.SubFactory(ConsultFactory)
    outcome = "miss"
    severity_assessment = "favours"
    health_assessment = "favours"
    symptoms_assessment = "favours"
    rationale = "Leg-dominant pain with a concordant extrusion after failed conservative care."
    decided_by = factory.SelfAttribute("consult.specialist")
    recorded_by = factory.SelfAttribute("consult.specialist")
    decided_at = factory.LazyFunction(lambda: _now_minus_days(110))
    # The clinical day of the decision: by default the day it was entered.
    decided_on = factory.LazyAttribute(lambda d: _local_day(d.decided_at))


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = "cases.Procedure"

    decision = factory.SubFactory(CandidacyDecisionFactory)
    surgeon = factory.SelfAttribute("decision.decided_by")
    recorded_by = factory.SelfAttribute("decision.decided_by")
    procedure_date = factory.LazyFunction(lambda: _days_ago(100))
    technique = "fe_transforaminal"
    level = "L4-L5"
    side = "left"
    incision_length_mm = 8
    skin_to_skin_minutes = 55
    blood_loss_ml = 10
    admitted_at = factory.LazyAttribute(
        lambda p: datetime.datetime.combine(
            p.procedure_date, datetime.time(7, 0), tzinfo=datetime.UTC
        )
    )
    discharged_at = factory.LazyAttribute(
        lambda p: datetime.datetime.combine(
            p.procedure_date, datetime.time(17, 0), tzinfo=datetime.UTC
        )
    )


class AdverseEventFactory(DjangoModelFactory):
    class Meta:
        model = "cases.AdverseEvent"

    procedure = factory.SubFactory(ProcedureFactory)
    recorded_by = factory.SelfAttribute("procedure.surgeon")
    event_type = "dural_tear"
    onset_date = factory.SelfAttribute("procedure.procedure_date")
    clavien_dindo_grade = "I"


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = "cases.FollowUp"

    procedure = factory.SubFactory(ProcedureFactory)
    recorded_by = factory.SelfAttribute("procedure.surgeon")
    timepoint = "2w"


# --- education --------------------------------------------------------------------------------


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = "education.Article"

    slug = factory.Sequence(lambda n: f"article-{n}")
    language = "en"
    topic = "general"
    audience = "public"


class ArticleVersionFactory(DjangoModelFactory):
    """A draft version; ``published_article()`` below makes a live one."""

    class Meta:
        model = "education.ArticleVersion"

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Living with back pain, part {n}")
    summary = "What helps, and when to ask for help."
    body_markdown = "## Why it hurts\n\nThe disc presses on a nerve. Rest a little. Walk a lot.\n"
    author = factory.SubFactory(UserFactory)


def published_article(*, reviewer=None, publisher=None, **version_fields):
    """An article whose first version went through review and is live. ``article__…`` keys set
    the article's fields (``article__audience="patients"``)."""
    from django.utils import timezone

    version = ArticleVersionFactory(**version_fields)
    now = timezone.now()
    version.status = "approved"
    version.submitted_by = version.author
    version.submitted_at = now
    version.reviewed_by = reviewer or UserFactory()
    version.reviewed_at = now
    version.save()
    version.go_live(by=publisher or version.author)
    return version.article


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = "education.Assignment"

    patient = factory.SubFactory(PatientFactory)
    article = factory.LazyFunction(published_article)
    version = factory.LazyAttribute(lambda a: a.article.published_version)
    assigned_by = factory.SubFactory(UserFactory)


def distinctly_named(patient):
    """``patient`` again, renamed to names no word of a page contains, for a test that asserts a
    name is *not* shown (a drawn family name "Lang" is in "Language")."""
    patient = Patient.objects.get(pk=patient.pk)
    patient.given_name, patient.family_name = "Zephyrine", "Quillfeather"
    patient.save_if_current(expected_version=patient.version)
    return patient
