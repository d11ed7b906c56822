"""The signed-in pages come from the shared cache until what they show changes, for their own
reader only, and every GET still does its checks and writes its audit entry
(clinic/page_cache.py, issue 13)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import outcomes, services
from clinic import page_cache, roles
from clinic.models import AuditEvent
from education import services as education_services
from tests import factories

pytestmark = pytest.mark.django_db

OUTCOMES = "/cases/outcomes/"


@pytest.fixture(autouse=True)
def steady_session(monkeypatch):
    """Query counts without the idle-logout clock's occasional session write (every 30 s)."""
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)


@pytest.fixture
def procedure(specialist, patient):
    """``patient`` (the portal's patient) through consult, MISS decision and procedure."""
    patient.primary_specialist = specialist
    patient.save()
    consult = factories.ConsultFactory(patient=patient, specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    return services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )


@pytest.fixture
def assignment(procedure, specialist, editor):
    article = factories.published_article(author=editor, reviewer=specialist, title="Sciatica")
    return education_services.assign_article(
        article=article, patient=procedure.patient, assigned_by=specialist
    )


def signed_in(user):
    """A client of its own (its own session and CSRF cookie), signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def rendered(response):
    """The page was rendered for this request (a page from the cache renders no template)."""
    return bool(response.templates)


def from_cache(client, url):
    """GET ``url`` until it comes from the cache (the first GET also makes the CSRF cookie)."""
    for _ in range(3):
        response, _queries = get(client, url)
        if not rendered(response):
            return response
    raise AssertionError(f"{url} is never served from the cache")


PAGES = {
    "timeline": ("specialist", lambda a: a.patient.get_absolute_url()),
    "patient list": ("specialist", lambda a: reverse("cases:patient_list")),
    "patient list search": ("specialist", lambda a: "/cases/patients/?q=" + a.patient.mrn),
    "outcome dashboard": ("specialist", lambda a: OUTCOMES),
    "specialist dashboard": ("specialist", lambda a: "/"),
    "patient dashboard": ("patient_user", lambda a: "/"),
    "assigned article": ("patient_user", lambda a: a.get_absolute_url()),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_second_get_is_the_same_page_from_the_cache_with_fewer_queries(page, assignment, request):
    who, url = PAGES[page]
    outcomes.refresh()  # else the first GET of the outcome page computes the figures
    client = signed_in(request.getfixturevalue(who))
    first, cold = get(client, url(assignment))
    assert rendered(first)
    second, warm = get(client, url(assignment))
    assert not rendered(second)
    assert warm < cold
    assert second.content == first.content
    # Only the body is kept: the middleware's headers are set on each response.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control"):
        assert second[header] == first[header]


def test_the_outcome_csv_comes_from_the_cache_and_each_download_is_audited(specialist, procedure):
    client = signed_in(specialist)
    first, cold = get(client, OUTCOMES + "?format=csv")
    second, warm = get(client, OUTCOMES + "?format=csv")
    assert warm < cold
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Type"] == first["Content-Type"]
    exports = AuditEvent.objects.filter(user=specialist, action="export")
    assert exports.count() == 2


def test_the_audit_event_is_written_on_a_timeline_from_the_cache(specialist, procedure):
    client = signed_in(specialist)
    url = procedure.patient.get_absolute_url()
    from_cache(client, url)
    views = AuditEvent.objects.filter(user=specialist, action="view", patient=procedure.patient)
    before = views.count()
    assert not rendered(get(client, url)[0])
    assert views.count() == before + 1


def test_a_reading_from_the_cache_reads_neither_the_reading_nor_the_patient(
    patient_user, assignment
):
    client = signed_in(patient_user)
    url = assignment.get_absolute_url()
    from_cache(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert not rendered(client.get(url))
    tables = " ".join(query["sql"].split(" WHERE ")[0] for query in queries.captured_queries)
    assert "education_assignment" not in tables and "clinic_patient" not in tables
    assert "INSERT INTO" in tables  # the audit entry


def test_a_reading_whose_record_leaves_the_account_is_refused_though_it_was_cached(
    patient_user, assignment
):
    client = signed_in(patient_user)
    url = assignment.get_absolute_url()
    from_cache(client, url)
    patient = assignment.patient
    patient.user = None  # the account no longer holds this record
    patient.save()
    assert client.get(url).status_code == 404


def test_a_role_taken_away_is_refused_at_once_though_the_page_was_cached(specialist, procedure):
    client = signed_in(specialist)
    url = procedure.patient.get_absolute_url()
    from_cache(client, url)
    specialist.groups.remove(Group.objects.get(name=roles.SPECIALISTS))
    client.force_login(specialist)  # the change of role ended the session
    assert client.get(url).status_code == 403
    assert client.get(reverse("cases:patient_list")).status_code == 403


def test_a_role_taken_from_a_colleague_leaves_the_surgeon_filter(
    specialist, other_specialist, procedure
):
    other_specialist.last_name = "Okonkwo-Rivera"
    other_specialist.save()
    client = signed_in(specialist)
    assert "Okonkwo-Rivera" in from_cache(client, OUTCOMES).content.decode()
    other_specialist.groups.remove(Group.objects.get(name=roles.SPECIALISTS))
    response = client.get(OUTCOMES)
    assert rendered(response)
    assert "Okonkwo-Rivera" not in response.content.decode()


# --- each kind of change shows on the next GET -------------------------------------------------


def test_a_new_consult_shows_on_the_timeline_and_the_list(specialist, procedure):
    client = signed_in(specialist)
    timeline, listing = procedure.patient.get_absolute_url(), reverse("cases:patient_list")
    consults = len(from_cache(client, timeline).content.decode().split("Consult"))
    from_cache(client, listing)
    services.record_consult(
        consult=factories.ConsultFactory.build(patient=procedure.patient, specialist=specialist),
        by=specialist,
    )
    response = client.get(timeline)
    assert rendered(response)
    assert [e["kind"] for e in response.context["timeline"]].count("consult") == 2
    assert len(response.content.decode().split("Consult")) > consults
    assert rendered(client.get(listing))


def test_a_decision_shows_on_the_timeline(specialist, procedure):
    client = signed_in(specialist)
    url = procedure.patient.get_absolute_url()
    from_cache(client, url)
    consult = factories.ConsultFactory(patient=procedure.patient, specialist=specialist)
    decision = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=consult), by=specialist
    )
    response = client.get(url)
    assert rendered(response)
    assert response.context["current_decision"] == decision


def test_a_follow_up_answered_shows_on_the_timeline_and_the_dashboards(
    specialist, patient_user, procedure
):
    specialist_client, patient_client = signed_in(specialist), signed_in(patient_user)
    url = procedure.patient.get_absolute_url()
    from_cache(specialist_client, url)
    from_cache(specialist_client, "/")
    from_cache(patient_client, "/")
    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.assessed_on = timezone.localdate()
    follow_up.nrs_back, follow_up.nrs_leg, follow_up.odi_score = 2, 3, 20
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    response = specialist_client.get(url)
    assert rendered(response)
    shown = {f.pk: f for f in response.context["follow_ups"]}
    assert shown[follow_up.pk].is_completed
    assert rendered(specialist_client.get("/"))
    assert rendered(patient_client.get("/"))


def test_a_reading_opened_by_the_patient_shows_on_the_specialists_timeline(
    specialist, patient_user, assignment
):
    specialist_client = signed_in(specialist)
    url = assignment.patient.get_absolute_url()
    from_cache(specialist_client, url)
    # The patient's GET of their reading marks it opened: the first one of many from the cache.
    patient_client = signed_in(patient_user)
    get(patient_client, assignment.get_absolute_url())
    assignment.refresh_from_db()
    assert assignment.first_opened_at is not None
    response = specialist_client.get(url)
    assert rendered(response)


def test_a_new_version_published_shows_on_the_patients_reading(
    specialist, editor, patient_user, assignment
):
    client = signed_in(patient_user)
    url = assignment.get_absolute_url()
    from_cache(client, url)
    version = education_services.save_draft(
        article=assignment.article,
        by=editor,
        title="Sciatica, revised",
        summary="What helps.",
        body_markdown="## Rest\n\nWalk a lot.\n",
    )
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    version.publish(by=editor)
    assert rendered(client.get(url))


def test_a_new_assignment_shows_on_the_patients_dashboard(
    specialist, editor, patient_user, assignment
):
    client = signed_in(patient_user)
    from_cache(client, "/")
    article = factories.published_article(author=editor, reviewer=specialist, title="Walking")
    education_services.assign_article(
        article=article, patient=assignment.patient, assigned_by=specialist
    )
    response = client.get("/")
    assert rendered(response)
    assert "Walking" in response.content.decode()


def test_a_patient_edited_shows_on_the_list_and_the_timeline(specialist, procedure):
    client = signed_in(specialist)
    patient = procedure.patient
    listing = "/cases/patients/?q=" + patient.mrn
    from_cache(client, listing)
    from_cache(client, patient.get_absolute_url())
    patient.family_name = "Zyskowski-Amador"
    patient.save()
    assert "Zyskowski-Amador" in client.get(listing).content.decode()
    assert "Zyskowski-Amador" in client.get(patient.get_absolute_url()).content.decode()


def test_a_new_figure_snapshot_shows_on_the_outcome_pages(specialist, procedure):
    client = signed_in(specialist)
    from_cache(client, OUTCOMES)
    cached = get(client, OUTCOMES + "?format=csv")[0].content
    assert get(client, OUTCOMES + "?format=csv")[0].content == cached
    outcomes.refresh()
    assert rendered(client.get(OUTCOMES))
    assert get(client, OUTCOMES + "?format=csv")[0].content != cached  # computed at


def test_a_figure_refresh_renders_the_reading_again_and_leaves_the_other_patient_pages(
    specialist, patient_user, assignment
):
    outcomes.refresh()
    timeline = assignment.patient.get_absolute_url()
    clinician, reader = signed_in(specialist), signed_in(patient_user)
    from_cache(reader, assignment.get_absolute_url())  # opened first: that moves her pages
    from_cache(clinician, timeline)
    from_cache(reader, "/")
    outcomes.refresh()  # as after every clinical change, anywhere in the clinic
    assert rendered(reader.get(assignment.get_absolute_url()))  # its article's live figures
    assert not rendered(reader.get("/"))
    assert not rendered(clinician.get(timeline))


def test_another_patients_record_leaves_a_patients_pages_in_the_cache(
    specialist, patient_user, procedure
):
    client = signed_in(patient_user)
    from_cache(client, "/")
    factories.ConsultFactory(specialist=specialist)  # someone else's
    assert not rendered(client.get("/"))


def test_the_audit_trail_a_login_and_a_session_move_nothing(specialist, procedure):
    client = signed_in(specialist)
    url = reverse("cases:patient_list")
    from_cache(client, url)
    AuditEvent.objects.create(action="view", user=specialist, detail="elsewhere")
    signed_in(specialist)  # a login elsewhere: its session, the last login's time
    assert not rendered(client.get(url))


# --- one reader's page is never another's -------------------------------------------------------


def test_two_specialists_get_their_own_dashboard(specialist, other_specialist, procedure):
    specialist.first_name, other_specialist.first_name = "Ngozi", "Yevgenia"
    specialist.save()
    other_specialist.save()
    first = from_cache(signed_in(specialist), "/").content.decode()
    response = signed_in(other_specialist).get("/")
    assert rendered(response)
    assert "Yevgenia" in response.content.decode() and "Ngozi" not in response.content.decode()
    assert "Ngozi" in first


def test_two_patients_get_their_own_dashboard(patient_user, other_patient_user, assignment):
    mine = from_cache(signed_in(patient_user), "/").content.decode()
    assert "Sciatica" in mine
    response = signed_in(other_patient_user).get("/")
    assert rendered(response)
    assert "Sciatica" not in response.content.decode()


def test_another_session_of_the_same_user_gets_a_page_with_its_own_csrf_token(specialist):
    first_session, second_session = signed_in(specialist), signed_in(specialist)
    cached = from_cache(first_session, "/")
    response = second_session.get("/")
    assert rendered(response)
    assert response.content != cached.content


def test_the_key_holds_the_language_and_the_day(specialist, rf, monkeypatch):
    request = rf.get("/cases/patients/?q=Garcia")
    request.user = specialist
    with translation.override("en"):
        english = page_cache._page_key(request)
    with translation.override("es"):
        spanish = page_cache._page_key(request)
    assert english != spanish
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    with translation.override("en"):
        assert page_cache._page_key(request) != english


def test_a_spanish_reader_gets_the_spanish_page(specialist, patient_user, assignment):
    client = signed_in(patient_user)
    english = from_cache(client, "/").content
    patient = assignment.patient
    patient.preferred_language = "es"
    patient.save()
    client.force_login(patient_user)
    response = client.get("/")
    assert rendered(response)
    assert response.content != english
    assert 'lang="es"' in response.content.decode()


def test_the_day_turning_renders_the_page_again(specialist, procedure, monkeypatch):
    client = signed_in(specialist)
    from_cache(client, "/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert rendered(client.get("/"))


def test_new_clinic_details_render_the_page_again(specialist, procedure, settings):
    client = signed_in(specialist)
    from_cache(client, "/")
    settings.CLINIC_PHONE = "+34 900 000 111"
    assert rendered(client.get("/"))


def test_a_page_is_kept_ten_minutes_at_most(specialist, procedure, monkeypatch):
    kept = []
    store = page_cache.cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("clinic:page:"):
            kept.append(timeout)
        return store(key, value, timeout, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", spy)
    get(signed_in(specialist), procedure.patient.get_absolute_url())
    assert kept == [10 * 60]


# --- what is never served from the cache, or kept -----------------------------------------------


def test_a_page_with_a_message_waiting_is_rendered_and_not_kept(specialist, procedure):
    client = signed_in(specialist)
    url = procedure.patient.get_absolute_url()
    cached = from_cache(client, url)
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Consult saved.")])
    response = client.get(url)
    assert rendered(response)
    assert "Consult saved." in response.content.decode()
    after = client.get(url)
    assert not rendered(after)
    assert after.content == cached.content


def test_a_failing_cache_is_a_miss(specialist, procedure, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache.cache, "get", broken)
    monkeypatch.setattr(page_cache.cache, "get_many", broken)
    monkeypatch.setattr(page_cache.cache, "set", broken)
    monkeypatch.setattr(page_cache.cache, "set_many", broken)
    client = signed_in(specialist)
    for _ in range(2):
        response = client.get(procedure.patient.get_absolute_url())
        assert response.status_code == 200
        assert rendered(response)
    factories.ConsultFactory(patient=procedure.patient)  # moving a generation: logged, no error
    assert "Page cache unavailable" in caplog.text


def test_only_a_200_is_kept(specialist, rf):
    request = rf.get("/cases/patients/")
    request.user = specialist
    answers = iter([HttpResponse("Busy", status=503), HttpResponse("Patients")])

    def respond():
        return next(answers)

    assert page_cache.respond(request, respond).status_code == 503
    assert page_cache.respond(request, respond).content == b"Patients"
    assert page_cache.respond(request, respond).content == b"Patients"  # not asked again


# --- generations move after commit, once a transaction -------------------------------------------


def test_the_generations_move_again_once_the_writes_commit(
    specialist, procedure, django_capture_on_commit_callbacks
):
    client = signed_in(specialist)
    from_cache(client, "/")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        factories.ConsultFactory(patient=procedure.patient, specialist=specialist)
        factories.ConsultFactory(patient=procedure.patient, specialist=specialist)
    moves = [c for c in callbacks if hasattr(c, "page_generations")]
    assert len(moves) == 1
    assert {"clinic", f"patient:{procedure.patient.pk}"} <= moves[0].page_generations
    from_cache(client, "/")
    moves[0]()  # the commit
    assert rendered(client.get("/"))
