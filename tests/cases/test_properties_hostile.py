"""Property tests: the red team's classes of input — a megabyte of text, NUL characters, right-to-
left and zero-width characters, the ends of the calendar, numbers too large to store, NaN and
Infinity — posted to every form of the portal and sent to every filter and search (the admin's
lists included), never give a server error. The suite runs these on SQLite and on PostgreSQL
(``DATABASE_URL``), where a NUL or an over-long value fails differently.

A form either saves, shows its errors, or refuses the request (400: a NUL in the address or the
query; 429: asked too often); a filter shows its page, its errors, or a 400/404. What a valid post
saves is pinned by the other property tests (test_properties*.py); here only that nothing breaks.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import event, given, settings
from hypothesis import strategies as st

from education import services as education_services
from tests import factories
from tests.cases.test_checkins import answers, schedule_for
from tests.cases.test_properties_more import SETTINGS, value
from tests.examples import examples

pytestmark = pytest.mark.django_db

HOSTILE_SETTINGS = settings(SETTINGS, max_examples=examples(8))

MEGABYTE = "x" * 1_000_000
RED_TEAM = [
    MEGABYTE,
    "word " * 200_000,
    # NUL
    "\x00", "a\x00b",
    # right-to-left and zero-width
    "\u202egnp.exe\u202c", "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd",
    "\u200f\u200e", "\u200b", "\ufeff", "a\u200db", "\u2060\u180e", "\u0301",
    # numbers
    "NaN", "-NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-400",
    "9" * 40, "-9223372036854775809", "9223372036854775808", "2147483648", "0x1F",
    "\u0661\u0662\u0663", "\u00bd", "\u00b2",
    # dates
    "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "-0001-01-01", "2024-02-30",
    "0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31 23:59:59.999999", "1899-12-31",
]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(RED_TEAM),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Lo"]), max_size=16),
    value,  # the ends of the calendar and of the number columns (test_properties_more)
).filter(lambda v: v is not None)


class Scene:
    """The records and signed-in clients the forms and filters need, made when first asked for."""

    def __init__(self, request):
        self.request = request
        self.clients = {}

    def fixture(self, name):
        return self.request.getfixturevalue(name)

    def client(self, role):
        if role not in self.clients:
            client = Client()
            if role != "anonymous":
                client.force_login(self.fixture(role))
            self.clients[role] = client
        return self.clients[role]

    def records(self):
        return self.fixture("records")

    def article_with_draft(self):
        article = factories.published_article()
        factories.ArticleVersionFactory(article=article)
        return article

    def version_in_review(self):
        version = factories.ArticleVersionFactory()
        version.submit_for_review(by=self.fixture("editor"))
        return version

    def patients_assignment(self):
        patient = self.fixture("patient")
        article = factories.published_article()
        return education_services.assign_article(
            article=article, patient=patient, assigned_by=self.fixture("specialist")
        )


@pytest.fixture
def scene(request):
    return Scene(request)


def days_ago(n):
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


# --- every form: name -> (role, url, a valid post) ------------------------------------------------


def patient_data():
    return {
        "mrn": "RT-0001", "given_name": "Ana", "family_name": "Reyes",
        "date_of_birth": "1970-05-04", "sex": "female", "preferred_language": "en",
        "email": "ana@example.org", "phone": "+1 555 0100", "primary_specialist": "",
        "confirm_not_duplicate": "",
    }  # fmt: skip


def decision_data():
    return {
        "decided_on": days_ago(0), "outcome": "miss", "severity_assessment": "favours",
        "severity_note": "", "health_assessment": "favours", "health_note": "",
        "symptoms_assessment": "favours", "symptoms_note": "", "red_flags_acknowledged": "",
        "rationale": "Concordant extrusion, leg-dominant pain.", "assign_article": "",
    }  # fmt: skip


def procedure_data(scene):
    return {**scene.fixture("procedure_data"), "surgeon": scene.fixture("specialist").pk}


def new_decision(scene):
    """A current decision for surgery, of a patient of its own, without its procedure yet."""
    consult = factories.ConsultFactory(specialist=scene.fixture("specialist"))
    return factories.CandidacyDecisionFactory(consult=consult)


def edited_procedure_data(scene):
    procedure = scene.records()["procedure"]
    day = procedure.procedure_date.isoformat()
    return {
        **procedure_data(scene), "procedure_date": day, "admitted_at": f"{day}T07:00",
        "discharged_at": f"{day}T17:00", "version": procedure.version,
    }  # fmt: skip


def adverse_event_data(version=""):
    return {
        "event_type": "dural_tear", "onset_date": days_ago(1), "clavien_dindo_grade": "I",
        "description": "", "version": version,
    }  # fmt: skip


def follow_up_data(follow_up):
    return {
        "assessed_on": days_ago(0), "out_of_window_reason": "", "nrs_back": "2", "nrs_leg": "1",
        "returned_to_daily_activities_on": "", "returned_to_work_on": "", "satisfaction": "1",
        "global_perceived_effect": "much_improved", "odi_score": "10",
        "version": follow_up.version,
    }  # fmt: skip


def article_data(prefix_article="article", prefix_version="version"):
    return {
        f"{prefix_article}-slug": "red-team", f"{prefix_article}-language": "en",
        f"{prefix_article}-topic": "general", f"{prefix_article}-audience": "public",
        f"{prefix_article}-translation_of": "", f"{prefix_version}-title": "A title",
        f"{prefix_version}-summary": "A summary.",
        f"{prefix_version}-body_markdown": "## Heading\n\nShort words. Walk a lot.\n",
    }  # fmt: skip


def reset_confirm(scene):
    """The set-password page of a valid reset link (the link puts its token in the session)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = scene.fixture("patient_user")
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    client = scene.client("anonymous")
    return client.get(link)["Location"]


def two_factor_user(scene):
    user = factories.UserFactory(is_staff=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    scene.fixture("settings").REQUIRE_2FA = False
    return user


FORMS = {
    # clinic
    "login": lambda s: ("anonymous", reverse("login"), {"username": "x", "password": "y"}),
    "password reset": lambda s: ("anonymous", reverse("password_reset"), {"email": "a@b.org"}),
    "password reset confirm": lambda s: (
        "anonymous", reset_confirm(s), {"new_password1": "p", "new_password2": "p"}
    ),
    "password change": lambda s: (
        "patient_user", reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "a", "new_password2": "a"},
    ),
    "two-factor setup": lambda s: ("specialist", reverse("two_factor_setup"), {"token": "1"}),
    "two-factor verify": lambda s: (
        two_factor_user(s), reverse("two_factor_verify"), {"token": "123456", "next": "/"}
    ),
    # cases
    "register patient": lambda s: ("specialist", reverse("cases:patient_create"), patient_data()),
    "correct patient": lambda s: (
        "specialist", reverse("cases:patient_edit", args=[s.records()["patient"].pk]),
        {**patient_data(), "mrn": s.records()["patient"].mrn,
         "version": s.records()["patient"].version},
    ),
    "invite patient": lambda s: (
        "specialist", reverse("cases:patient_invite", args=[s.records()["patient"].pk]), {}
    ),
    "new consult": lambda s: (
        "specialist", reverse("cases:consult_create", args=[s.records()["patient"].pk]),
        s.fixture("consult_data"),
    ),
    "edit consult": lambda s: (
        "specialist", reverse("cases:consult_edit", args=[s.records()["consult"].pk]),
        {**s.fixture("consult_data"), "version": s.records()["consult"].version},
    ),
    "decide": lambda s: (
        "specialist", reverse("cases:decision_create", args=[s.records()["consult"].pk]),
        decision_data(),
    ),
    "amend decision": lambda s: (
        "specialist", reverse("cases:decision_amend", args=[s.records()["decision"].pk]),
        decision_data(),
    ),
    "new procedure": lambda s: (
        "specialist",
        reverse(
            "cases:procedure_create",
            args=[new_decision(s).pk],
        ),
        procedure_data(s),
    ),
    "edit procedure": lambda s: (
        "specialist", reverse("cases:procedure_edit", args=[s.records()["procedure"].pk]),
        edited_procedure_data(s),
    ),
    "new adverse event": lambda s: (
        "specialist",
        reverse("cases:adverseevent_create", args=[s.records()["procedure"].pk]),
        adverse_event_data(),
    ),
    "edit adverse event": lambda s: (
        "specialist",
        reverse("cases:adverseevent_edit", args=[s.records()["adverseevent"].pk]),
        adverse_event_data(s.records()["adverseevent"].version),
    ),
    "follow-up": lambda s: (
        "specialist", reverse("cases:followup_form", args=[s.records()["followup"].pk]),
        follow_up_data(s.records()["followup"]),
    ),
    "entered in error": lambda s: (
        "specialist",
        reverse("cases:entered_in_error", args=["adverseevent", s.records()["adverseevent"].pk]),
        {"reason": "Duplicate."},
    ),
    "research export": lambda s: (
        "specialist", reverse("cases:export_csv", args=["consults"]), {"export": "abc"}
    ),
    "check-in": lambda s: (
        "patient_user",
        reverse(
            "cases:checkin",
            args=[
                schedule_for(s.fixture("patient"), s.fixture("specialist"))
                .follow_ups.get(timepoint="3m")
                .pk
            ],
        ),
        answers(),
    ),
    # education
    "new article": lambda s: ("editor", reverse("education:article_create"), article_data()),
    "edit article": lambda s: (
        "editor", reverse("education:article_edit", args=[s.article_with_draft().pk]),
        article_data(),
    ),
    "request changes": lambda s: (
        "specialist",
        reverse("education:version_action", args=[s.version_in_review().pk, "request-changes"]),
        {"note": "Simpler words."},
    ),
    "publish": lambda s: (
        "editor",
        reverse("education:version_action", args=[s.version_in_review().pk, "publish"]),
        {"reason": "Clinical terms."},
    ),
    "retire article": lambda s: (
        "editor", reverse("education:article_retire", args=[s.article_with_draft().pk]), {}
    ),
    "assign article": lambda s: (
        "specialist", reverse("education:assign_article", args=[s.records()["patient"].pk]),
        {"article": factories.published_article().pk, "note": "Before surgery."},
    ),
    "ask a question": lambda s: (
        "patient_user",
        reverse("education:assignment_question", args=[s.patients_assignment().pk]),
        {"question": "How long?"},
    ),
    "answer a question": lambda s: (
        "specialist",
        reverse("education:assignment_answer", args=[s.patients_assignment().pk]),
        {"answer": "Six weeks."},
    ),
    "understood": lambda s: (
        "patient_user",
        reverse("education:assignment_understood", args=[s.patients_assignment().pk]),
        {},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", FORMS)
@HOSTILE_SETTINGS
@given(data=st.data())
def test_no_form_answers_the_red_teams_input_with_a_server_error(scene, name, data):
    role, url, valid = FORMS[name](scene)
    client = scene.client(role) if isinstance(role, str) else logged_in(role)
    # Fields of the form, and one it does not have (posted anyway by someone without a browser).
    names = data.draw(st.lists(st.sampled_from([*valid, "extra"]), min_size=1, max_size=3))
    post = {**valid, **{field: data.draw(hostile, label=field) for field in names}}
    response = client.post(url, post)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    assert response.status_code in (200, 302, 400, 404, 429), response.status_code


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- every filter and search: name -> (role, url, its parameters) --------------------------------

ADMIN_LISTS = [
    "clinic_patient", "clinic_user", "clinic_auditevent", "auth_group", "education_article",
    "education_articleversion", "education_assignment", "cases_consult",
    "cases_candidacydecision", "cases_procedure", "cases_adverseevent", "cases_followup",
]  # fmt: skip
ADMIN_PARAMETERS = ["q", "o", "p", "all", "_changelist_filters", "e", "id__exact"]

FILTERS = {
    "library": lambda s: ("anonymous", reverse("education:library"), ["q", "topic", "page"]),
    "article language": lambda s: (
        "anonymous",
        reverse("education:article_detail", args=[factories.published_article().slug]),
        ["lang", "next"],
    ),
    "manage articles": lambda s: ("editor", reverse("education:manage_article_list"), ["overdue"]),
    "version diff": lambda s: (
        "editor",
        reverse("education:version_diff", args=[s.article_with_draft().latest_version.pk]),
        ["against"],
    ),
    "reading list": lambda s: ("specialist", reverse("education:assignment_list"), ["page"]),
    "patient list": lambda s: (
        "specialist", reverse("cases:patient_list"),
        ["q", "outcome", "technique", "follow_up", "page", "after", "before"],
    ),
    "outcomes": lambda s: (
        "specialist", reverse("cases:outcomes"),
        ["period_from", "period_to", "technique", "specialist", "format"],
    ),
    "outcomes for editors": lambda s: (
        "editor", reverse("cases:outcomes"), ["period", "technique", "format"]
    ),
    "data quality": lambda s: ("specialist", reverse("cases:data_quality"), ["page", "kind"]),
    "audit trail": lambda s: (
        "superuser", reverse("audit_trail"),
        ["patient", "user", "action", "since", "until", "page", "after", "before", "format"],
    ),
    "login next": lambda s: ("anonymous", reverse("login"), ["next"]),
    **{
        f"admin {name}": lambda s, name=name: (
            "superuser", reverse(f"admin:{name}_changelist"), ADMIN_PARAMETERS
        )
        for name in ADMIN_LISTS
    },
}  # fmt: skip


@pytest.mark.parametrize("name", FILTERS)
@HOSTILE_SETTINGS
@given(data=st.data())
def test_no_filter_or_search_answers_the_red_teams_input_with_a_server_error(scene, name, data):
    role, url, parameters = FILTERS[name](scene)
    client = scene.client(role)
    chosen = data.draw(st.lists(st.sampled_from(parameters), min_size=1, max_size=3, unique=True))
    response = client.get(url, {name: data.draw(hostile, label=name) for name in chosen})
    event(f"status {response.status_code}")
    assert response.status_code in (200, 302, 400, 404), response.status_code
