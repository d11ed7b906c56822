"""Every page that lists or shows records answers in the same number of queries whatever the
number of records: each is loaded once over a small clinic and again after many more records of
every kind were added (consults, decisions, procedures, follow-ups, adverse events, assignments,
questions, check-ins, articles, audit events), and must issue exactly the same queries.

The counts are pinned, so a change that adds a query to a page says so here.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from clinic import page_cache
from clinic.models import AuditEvent, Patient
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def steady_session(monkeypatch):
    """Query counts without the idle-logout clock's occasional session write (every 30 s)."""
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)


def _pathway(patient, specialist):
    """A consult, a MISS decision (replacing the current one), a procedure with its scheduled
    follow-ups, an adverse event, and the 3-month follow-up (open now) completed."""
    consult = factories.ConsultFactory(patient=patient, specialist=specialist)
    decision = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=consult), by=specialist
    )
    procedure = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    factories.AdverseEventFactory(procedure=procedure)
    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.assessed_on = timezone.localdate()
    follow_up.nrs_back, follow_up.nrs_leg, follow_up.odi_score = 2, 3, 20
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    return procedure


def _reading(patient, specialist, *, question):
    """An assignment by a specialist of its own (so the assigner differs each time), opened,
    with a question (answered or not)."""
    assigner = factories.UserFactory(is_staff=True)
    assignment = factories.AssignmentFactory(patient=patient, assigned_by=assigner)
    now = timezone.now()
    assignment.first_opened_at = now
    if question:
        assignment.question, assignment.asked_at = "Can I drive?", now
        if question == "answered":
            assignment.answer, assignment.answered_at = "After two weeks.", now
            assignment.answered_by = specialist
    assignment.save()
    return assignment


def _checkin(patient):
    """A patient whose 3-month check-in is open now: a procedure 100 days ago, and their
    answers saved as a draft on it."""
    specialist = factories.UserFactory(is_staff=True)
    consult = factories.ConsultFactory(patient=patient, specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    return procedure.follow_ups.get(timepoint="3m")


def _articles(editor, specialist, n):
    """``n`` live articles with a new draft each, one of them in clinical review."""
    for i in range(n):
        article = factories.published_article(author=editor, reviewer=specialist)
        draft = factories.ArticleVersionFactory(article=article, author=editor, number=2)
        if i == 0:
            draft.submit_for_review(by=editor)


class Clinic:
    """A small clinic that can grow: ``grow(n)`` adds ``n`` of every kind of record."""

    def __init__(self, specialist, patient, editor):
        self.specialist, self.patient, self.editor = specialist, patient, editor
        patient.primary_specialist = specialist
        patient.save()
        self.procedure = _pathway(patient, specialist)
        self.assignment = _reading(patient, specialist, question="open")
        self.article = self.assignment.article
        self.checkin = _checkin(patient)
        self.grow(1)

    def grow(self, n):
        specialist, patient = self.specialist, self.patient
        for i in range(n):
            # The patient's own record grows: the timeline, reading and check-ins.
            _pathway(patient, specialist)
            factories.AdverseEventFactory(procedure=self.procedure)
            _reading(patient, specialist, question=["open", "answered", ""][i % 3])
            # Other patients, some of them the specialist's, with records of every kind.
            other = factories.PatientFactory(primary_specialist=specialist if i % 2 else None)
            _pathway(other, factories.UserFactory(is_staff=True))
            _reading(other, specialist, question="open")
            factories.PatientFactory(family_name=patient.family_name)  # equal sort keys
            procedure = _pathway(factories.PatientFactory(), specialist)
            procedure.follow_ups.get(timepoint="2w").cancel(reason="moved away")
            marked = factories.ConsultFactory(specialist=specialist)
            services.mark_entered_in_error(record=marked, by=specialist, reason="wrong patient")
            for action in ("view", "update", "login"):
                AuditEvent.objects.create(
                    action=action, user=specialist, patient=patient, object_type="patient"
                )
        _articles(self.editor, specialist, n)


@pytest.fixture
def clinic(specialist, patient, editor):
    return Clinic(specialist, patient, editor)


def _patient_list(clinic):
    return reverse("cases:patient_list")


# (name, who, url): every page that lists or shows records.
PAGES = [
    ("specialist dashboard", "specialist", lambda c: reverse("dashboard")),
    ("patient list", "specialist", _patient_list),
    ("patient list search", "specialist", lambda c: _patient_list(c) + "?q=" + c.patient.mrn),
    (
        "patient list filtered",
        "specialist",
        lambda c: _patient_list(c) + "?outcome=miss&technique=fe_transforaminal&follow_up=due",
    ),
    (
        "patient list, a later page",
        "specialist",
        lambda c: _patient_list(c) + f"?after={Patient.objects.order_by('family_name').first().pk}",
    ),
    ("patient timeline", "specialist", lambda c: c.patient.get_absolute_url()),
    (
        "consult",
        "specialist",
        lambda c: c.procedure.decision.consult.get_absolute_url(),
    ),
    ("decision", "specialist", lambda c: c.procedure.decision.get_absolute_url()),
    ("procedure", "specialist", lambda c: c.procedure.get_absolute_url()),
    (
        "follow-up form",
        "specialist",
        lambda c: c.procedure.follow_ups.get(timepoint="12m").get_absolute_url(),
    ),
    (
        "patient's reading (specialist)",
        "specialist",
        lambda c: reverse("education:patient_assignments", args=[c.patient.pk]),
    ),
    ("reading list (specialist)", "specialist", lambda c: reverse("education:assignment_list")),
    ("assignment (specialist)", "specialist", lambda c: c.assignment.get_absolute_url()),
    ("data quality", "specialist", lambda c: reverse("cases:data_quality")),
    ("patient dashboard", "patient", lambda c: reverse("dashboard")),
    ("patient's assigned article", "patient", lambda c: c.assignment.get_absolute_url()),
    ("check-in", "patient", lambda c: reverse("cases:checkin", args=[c.checkin.pk])),
    ("editor dashboard", "editor", lambda c: reverse("dashboard")),
    ("manage articles", "editor", lambda c: reverse("education:manage_article_list")),
    (
        "article versions",
        "editor",
        lambda c: reverse("education:article_versions", args=[c.article.pk]),
    ),
    ("library", "editor", lambda c: reverse("education:library")),
    ("audit trail", "superuser", lambda c: reverse("audit_trail")),
    (
        "audit trail, a later page",
        "superuser",
        lambda c: reverse("audit_trail") + f"?after={AuditEvent.objects.order_by('at').last().pk}",
    ),
    ("superuser dashboard", "superuser", lambda c: reverse("dashboard")),
]


def _count(client, address, clinic):
    """The queries of a GET of ``address`` rendered, then of one served from the page cache
    (clinic/page_cache.py), after one GET that warms the session, permission and work-queue
    caches (what a page caches is counted when it is filled, on the first)."""
    assert client.get(address).status_code == 200
    _render_again(clinic)
    counted = []
    for _ in ("rendered", "from the page cache"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200, address
        counted.append([query["sql"] for query in captured.captured_queries])
    return counted


def _render_again(clinic):
    """The next GET renders its page again (clinic/page_cache.py); what else it caches stays."""
    page_cache.move(
        page_cache.CLINIC,
        page_cache.SHARED,
        page_cache.patient_generation(clinic.patient.pk),
    )


def test_no_page_query_count_grows_with_records(clinic, request):
    """Every page of PAGES, once over the small clinic and again after it grew six-fold: each
    issues EXPECTED's queries both times, rendered, and FROM_PAGE_CACHE's served from the page
    cache. One clinic serves every page (building it is most of the cost); each role has its
    own signed-in client, as the people do."""
    clients = {}
    for _, who, _ in PAGES:
        if who not in clients:
            user = clinic.patient.user if who == "patient" else request.getfixturevalue(who)
            clients[who] = Client()
            clients[who].force_login(user)
    addresses = {name: url(clinic) for name, _, url in PAGES}

    small = {name: _count(clients[who], addresses[name], clinic) for name, who, _ in PAGES}
    clinic.grow(6)
    large = {name: _count(clients[who], addresses[name], clinic) for name, who, _ in PAGES}

    assert {name: len(rendered) for name, (rendered, _) in small.items()} == EXPECTED
    assert {name: len(cached) for name, (_, cached) in small.items()} == {
        **EXPECTED,
        **FROM_PAGE_CACHE,
    }
    grown = [
        f"{name}, {how}: {len(small[name][i])} queries, then {len(large[name][i])}:\n  "
        + "\n  ".join(query for query in large[name][i] if query not in small[name][i])
        for name in small
        for i, how in enumerate(("rendered", "from the page cache"))
        if len(large[name][i]) != len(small[name][i])
    ]
    assert not grown, "\n".join(grown)


# The session and the user with their roles (one query), the permissions (one, where a page
# checks them), what each page shows, and the audit entry of a view of health records (one).
EXPECTED = {
    # The work queue (issue 14): questions, reviews, follow-ups and data to complete, each list
    # with its count (the follow-up and data-quality counts from the cache), and the
    # permission that shows the answer boxes.
    "specialist dashboard": 13,
    "patient list": 7,
    "patient list search": 7,
    "patient list filtered": 7,
    "patient list, a later page": 7,
    "patient timeline": 12,
    "consult": 6,
    "decision": 6,  # the decision is current: is its procedure recorded?
    "procedure": 7,
    "follow-up form": 5,
    "patient's reading (specialist)": 6,
    "reading list (specialist)": 6,
    # The assigned article names its author and clinical reviewer with their roles (issue 14);
    # it is read twice: may they, and whose (every GET), then all it shows (rendering).
    "assignment (specialist)": 7,
    "data quality": 22,
    "patient dashboard": 6,
    "patient's assigned article": 7,  # its author and reviewer, as on the public page
    "check-in": 6,
    "editor dashboard": 6,
    "manage articles": 5,
    "article versions": 5,
    "library": 5,
    "audit trail": 4,
    "audit trail, a later page": 4,
    "superuser dashboard": 15,  # the clinic's work queue (as the specialist's) and the articles
}


# The pages rendered through the page cache, served from it: their checks and audit entry (a
# patient's timeline, an assignment and a patient's own dashboard read nothing else: the entry
# says whose they are).
FROM_PAGE_CACHE = {
    "specialist dashboard": 3,
    "patient list": 4,
    "patient list search": 4,
    "patient list filtered": 4,
    "patient list, a later page": 4,
    "patient timeline": 4,
    "assignment (specialist)": 3,
    "patient dashboard": 2,
    "patient's assigned article": 3,
    "editor dashboard": 2,
    "superuser dashboard": 3,
}


def test_reading_lists_leave_the_articles_text_out(specialist, patient):
    """The timeline and the dashboards name an assigned version by its title: its text, the
    largest column in the portal, stays in the database."""
    from cases.models.patient import reading_of

    _reading(patient, specialist, question="open")
    (assignment,) = reading_of(patient)
    assert {"body_markdown", "body_html", "toc"} <= assignment.version.get_deferred_fields()
    assert assignment.version.title
