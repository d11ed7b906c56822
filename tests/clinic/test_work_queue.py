"""The specialist's work queue on the dashboard (issue 14): most urgent first, the specialist's
own patients unless they ask for the whole clinic's, questions answered in place, and the
non-responders to call, also on the outcome page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.checkins import send_checkin_reminders
from cases.dashboard import QUEUE_SHOWN, _all_reminders_sent, non_responders
from cases.models import CheckinReminder, FollowUp
from clinic import page_cache
from clinic.models import AuditEvent
from education.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def steady_session(monkeypatch):
    """Query counts without the idle-logout clock's occasional session write."""
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)


def operated(specialist, *, days_ago=100, primary=True, **patient):
    """A patient of ``specialist`` (their primary specialist unless ``primary`` is False)
    operated ``days_ago`` days ago, with the five follow-ups scheduled. At 100 days the 2-week
    and 6-week windows have closed (overdue) and the 3-month one is open (due)."""
    patient = factories.PatientFactory(
        primary_specialist=specialist if primary else None, **patient
    )
    consult = factories.ConsultFactory(patient=patient, specialist=specialist, odi_score=40)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = factories.ProcedureFactory.build(
        decision=decision,
        surgeon=specialist,
        procedure_date=TODAY() - datetime.timedelta(days=days_ago),
    )
    return services.record_procedure(procedure=procedure, by=specialist)


def asked(patient, *, days_ago=0, by=None, text="Can I drive after the operation?"):
    """An assignment to ``patient`` whose question has waited ``days_ago`` days."""
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    assignment = factories.AssignmentFactory(
        patient=patient,
        assigned_by=by or factories.UserFactory(is_staff=True),
        assigned_at=moment - datetime.timedelta(days=1),
    )
    assignment.question, assignment.asked_at = text, moment
    assignment.first_opened_at = assignment.asked_at
    assignment.save()
    return assignment


def dashboard(client, query=""):
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return response


def text_of(response):
    return response.content.decode()


# --- order -----------------------------------------------------------------------------------


def test_the_queue_comes_first_then_the_recent_patients(client_for, specialist):
    operated(specialist)
    page = text_of(dashboard(client_for(specialist)))
    order = [
        page.index('id="queue-heading"'),
        page.index('id="questions-heading"'),
        page.index('id="non-responders-heading"'),
        page.index('id="followups-heading"'),
        page.index('id="reviews-heading"'),
        page.index('id="data-quality-heading"'),
        page.index('id="patients-heading"'),
    ]
    assert order == sorted(order)


def test_questions_are_listed_longest_waiting_first_with_their_age(client_for, specialist):
    patient = factories.PatientFactory(primary_specialist=specialist)
    recent = asked(patient, days_ago=0)
    oldest = asked(patient, days_ago=3)
    middle = asked(patient, days_ago=1)
    response = dashboard(client_for(specialist))
    assert response.context["open_questions"] == [oldest, middle, recent]
    page = text_of(response)
    assert "asked 3 days ago" in page and "asked 1 day ago" in page and "asked today" in page
    assert page.index(f'id="question-{oldest.pk}"') < page.index(f'id="question-{recent.pk}"')


def test_non_responders_are_listed_longest_overdue_first_with_the_patients_contact(
    client_for, specialist
):
    later = operated(specialist, days_ago=60, phone="+1 555 0101")
    earlier = operated(specialist, days_ago=100, phone="+1 555 0202")
    response = dashboard(client_for(specialist))
    rows = response.context["non_responders"]
    assert [(f.procedure_id, f.timepoint) for f in rows] == [
        (earlier.pk, "2w"),  # closed 79 days ago
        (earlier.pk, "6w"),  # 44 days ago
        (later.pk, "2w"),  # 39 days ago
        (later.pk, "6w"),  # 4 days ago
    ]
    page = text_of(response)
    assert "overdue by 79 days" in page
    assert 'href="tel:+1 555 0202"' in page
    assert f'href="mailto:{earlier.patient.email}"' in page
    assert "overdue by 4 days" in page
    # The open window is due, not yet a non-responder.
    assert [f.procedure_id for f in response.context["follow_ups_due"]] == [earlier.pk]
    assert response.context["follow_up_counts"] == {"non_responders": 4, "due": 1}


def test_the_due_follow_up_closing_first_comes_first(client_for, specialist):
    operated(specialist, days_ago=110)  # 3 months closes in 10 days
    operated(specialist, days_ago=80)  # 3 months closes in 40 days
    rows = dashboard(client_for(specialist)).context["follow_ups_due"]
    assert [f.days_left for f in rows] == [10, 40]


def test_each_list_is_bounded_and_its_heading_counts_them_all(client_for, specialist):
    patient = factories.PatientFactory(primary_specialist=specialist)
    for day in range(QUEUE_SHOWN + 2):
        asked(patient, days_ago=day)
    response = dashboard(client_for(specialist))
    assert len(response.context["open_questions"]) == QUEUE_SHOWN
    assert response.context["open_questions_count"] == QUEUE_SHOWN + 2
    page = text_of(response)
    assert f"See all {QUEUE_SHOWN + 2} in the reading list" in page
    assert reverse("education:assignment_list") in page


def test_articles_waiting_for_review_are_counted_with_their_age(client_for, specialist, editor):
    version = factories.ArticleVersionFactory(author=editor)
    version.submit_for_review(by=editor)
    response = dashboard(client_for(specialist))
    assert response.context["versions_to_review"] == [version]
    assert response.context["versions_to_review_count"] == 1
    assert version.get_absolute_url() in text_of(response)


def test_operated_patients_records_to_complete_are_data_quality_alerts(client_for, specialist):
    procedure = operated(specialist)
    procedure.decision.consult.odi_score = None
    procedure.decision.consult.save()
    response = dashboard(client_for(specialist))
    problems = [problem for _, problem, _ in response.context["data_quality"]["alerts"]]
    assert problems == ["No baseline ODI on the consult"]
    assert response.context["data_quality"]["counts"]["alerts"] == 1
    assert procedure.decision.consult.get_absolute_url() in text_of(response)
    assert reverse("cases:data_quality") in text_of(response)


# --- scope -----------------------------------------------------------------------------------


def test_a_specialist_sees_their_own_patients_queue_and_the_whole_clinics_on_request(
    client_for, specialist, other_specialist
):
    mine = operated(specialist)
    theirs = operated(other_specialist)
    my_question = asked(mine.patient)
    their_question = asked(theirs.patient)
    client = client_for(specialist)

    own = dashboard(client)
    assert {f.patient_id for f in own.context["non_responders"]} == {mine.patient_id}
    assert {f.patient_id for f in own.context["follow_ups_due"]} == {mine.patient_id}
    assert list(own.context["open_questions"]) == [my_question]
    assert theirs.patient.full_name not in text_of(own)
    assert 'href="?queue=all"' in text_of(own)

    clinic = dashboard(client, "?queue=all")
    assert {f.patient_id for f in clinic.context["non_responders"]} == {
        mine.patient_id,
        theirs.patient_id,
    }
    assert set(clinic.context["open_questions"]) == {my_question, their_question}
    assert clinic.context["follow_up_counts"]["non_responders"] == 4
    assert 'href="?queue=mine"' in text_of(clinic)


def test_patients_nobody_looks_after_are_on_every_specialists_queue(client_for, specialist):
    nobodys = operated(specialist, primary=False)
    rows = dashboard(client_for(specialist)).context["non_responders"]
    assert {f.patient_id for f in rows} == {nobodys.patient_id}


def test_a_superuser_sees_the_whole_clinics_queue_by_default(client_for, superuser, specialist):
    procedure = operated(specialist)
    response = dashboard(client_for(superuser))
    assert {f.patient_id for f in response.context["non_responders"]} == {procedure.patient_id}
    assert not dashboard(client_for(superuser), "?queue=mine").context["non_responders"]


def test_patients_never_see_the_work_queue(client_for, patient_user, specialist):
    operated(specialist)
    asked(patient_user.patient)
    response = dashboard(client_for(patient_user))
    page = text_of(response)
    assert "Work queue" not in page and "non_responders" not in response.context
    assert "open_questions" not in response.context


def test_editors_see_their_articles_and_no_patient_in_the_queue(client_for, editor, specialist):
    procedure = operated(specialist)
    asked(procedure.patient)
    patient = factories.distinctly_named(procedure.patient)
    response = dashboard(client_for(editor), "?queue=all")
    page = text_of(response)
    assert "Work queue" not in page
    assert patient.family_name not in page
    assert "non_responders" not in response.context and "open_questions" not in response.context
    assert 'id="articles-heading"' in page


def test_opening_the_queue_is_audited(client_for, specialist):
    dashboard(client_for(specialist))
    assert AuditEvent.objects.filter(user=specialist, detail="dashboard").exists()


# --- non-responders --------------------------------------------------------------------------


def test_a_non_responder_is_a_closed_window_or_an_open_one_unanswered_after_every_reminder(
    specialist, settings
):
    settings.CHECKIN_REMINDER_DAYS = (7, 14)
    patient_user = factories.UserFactory()
    procedure = operated(specialist, days_ago=100, user=patient_user)
    follow_ups = {f.timepoint: f for f in procedure.follow_ups.all()}
    # Open (3 months) and not reminded: not yet.
    assert set(non_responders()) == {follow_ups["2w"], follow_ups["6w"]}
    send_checkin_reminders()  # the patient is invited to the open check-in
    assert CheckinReminder.objects.filter(follow_up=follow_ups["3m"]).count() == 1
    assert set(non_responders()) == {follow_ups["2w"], follow_ups["6w"]}
    # The first reminder went (a week later): still waiting for the second.
    reminder = CheckinReminder(follow_up=follow_ups["3m"], kind="reminder_1", email="p@x.org")
    reminder.save()
    assert set(non_responders()) == {follow_ups["2w"], follow_ups["6w"]}
    # The last reminder went without an answer: someone should call.
    CheckinReminder(follow_up=follow_ups["3m"], kind="reminder_2", email="p@x.org").save()
    assert set(non_responders()) == {follow_ups["2w"], follow_ups["6w"], follow_ups["3m"]}
    assert non_responders().get(pk=follow_ups["3m"].pk).last_emailed_at is not None
    # Answered, cancelled or entered in error: off the list.
    answered = follow_ups["3m"]
    answered.nrs_back, answered.nrs_leg, answered.assessed_on = 2, 1, TODAY()
    services.complete_follow_up(
        follow_up=answered, expected_version=answered.version, by=specialist
    )
    assert set(non_responders()) == {follow_ups["2w"], follow_ups["6w"]}
    follow_ups["6w"].cancel(reason="Seen at the 3-month visit instead.")
    assert set(non_responders(specialist)) == {follow_ups["2w"]}
    assert not non_responders(factories.UserFactory())  # not another specialist's patient
    services.mark_entered_in_error(record=follow_ups["2w"], by=specialist, reason="Duplicate.")
    # Scheduled ones (12 and 24 months) never are.
    assert not non_responders().exists()


def test_the_outcome_page_lists_the_non_responders_with_their_contact(
    client_for, specialist, editor
):
    procedure = operated(specialist, phone="+1 555 0303")
    page = text_of(client_for(specialist).get(reverse("cases:outcomes")))
    assert 'id="non-responders-table"' in page
    assert procedure.patient.full_name in page and 'href="tel:+1 555 0303"' in page
    assert "overdue by 79 days" in page.lower()
    # Editors see aggregate figures only: no patient.
    page = text_of(client_for(editor).get(reverse("cases:outcomes")))
    assert "non-responders-table" not in page and procedure.patient.full_name not in page


# --- answering from the dashboard ---------------------------------------------------------------


def answer(client, assignment, text, next_url="/"):
    return client.post(
        reverse("education:assignment_answer", args=[assignment.pk]),
        {"answer": text, "next": next_url},
    )


def test_the_dashboard_has_an_answer_box_for_each_question(client_for, specialist):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    page = text_of(dashboard(client_for(specialist)))
    assert reverse("education:assignment_answer", args=[question.pk]) in page
    assert f'id="answer-{question.pk}-answer"' in page
    assert 'name="next" value="/"' in page


def test_a_specialist_answers_from_the_dashboard_and_comes_back_to_it(client_for, specialist):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    client = client_for(specialist)
    response = answer(client, question, "Not for two weeks.", next_url="/?queue=all")
    assert response.status_code == 302 and response["Location"] == "/?queue=all"
    question.refresh_from_db()
    assert question.answer == "Not for two weeks." and question.answered_by == specialist
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        f"Answer sent to {question.patient.full_name}. The patient sees it on their reading page."
    ]
    assert question not in dashboard(client).context["open_questions"]


def test_an_empty_answer_from_the_dashboard_is_refused_with_a_message(client_for, specialist):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    client = client_for(specialist)
    response = answer(client, question, "   ")
    assert response.status_code == 302 and response["Location"] == "/"
    page = text_of(client.get("/"))
    assert f"Your answer to {question.patient.full_name} was not sent." in page
    question.refresh_from_db()
    assert question.answered_at is None and question.answer == ""
    assert Assignment.objects.with_open_question().count() == 1


def test_another_specialist_may_answer_as_every_clinician_may(
    client_for, specialist, other_specialist
):
    """The app lets any specialist see and answer any patient's reading question (the clinical
    team shares the patients): from the whole clinic's queue too."""
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    client = client_for(other_specialist)
    assert question in dashboard(client, "?queue=all").context["open_questions"]
    answer(client, question, "Not for two weeks.", next_url="/?queue=all")
    question.refresh_from_db()
    assert question.answered_by == other_specialist


@pytest.mark.parametrize("who", ["patient_user", "editor"])
def test_patients_and_editors_cannot_answer(client_for, specialist, who, request):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    response = answer(client_for(request.getfixturevalue(who)), question, "Yes.")
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.answered_at is None


def test_an_answer_never_sends_the_specialist_to_another_site(client_for, specialist):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    response = answer(client_for(specialist), question, "Yes.", next_url="https://evil.example/")
    assert response["Location"] == question.get_absolute_url()


def test_the_answer_box_and_the_question_come_before_the_article(client_for, specialist):
    question = asked(factories.PatientFactory(primary_specialist=specialist))
    page = text_of(client_for(specialist).get(question.get_absolute_url()))
    body = page.index('<article class="article"')
    assert page.index('class="mb-1 question-text"') < body
    assert page.index(reverse("education:assignment_answer", args=[question.pk])) < body


def test_the_patient_still_reads_the_article_before_the_response(client_for, patient_user):
    assignment = factories.AssignmentFactory(patient=patient_user.patient)
    page = text_of(client_for(patient_user).get(assignment.get_absolute_url()))
    assert page.index('<article class="article"') < page.index('id="response-heading"')


# --- query counts ----------------------------------------------------------------------------


def grow(specialist, other_specialist, editor, n):
    for i in range(n):
        procedure = operated(specialist, days_ago=60 + 3 * i, phone=f"+1 555 01{i:02d}")
        asked(procedure.patient, days_ago=i)
        operated(other_specialist, days_ago=100)
        version = factories.ArticleVersionFactory()
        version.submit_for_review(by=editor)
    send_checkin_reminders()


@pytest.mark.parametrize("query", ["", "?queue=all"])
def test_the_dashboard_takes_the_same_queries_however_long_the_queue(
    client_for,
    specialist,
    other_specialist,
    editor,
    django_assert_num_queries,
    steady_session,
    query,
):
    grow(specialist, other_specialist, editor, 2)
    client = client_for(specialist)
    client.get("/" + query)  # warm the session and permission caches, and count the queue
    page_cache.move(page_cache.CLINIC)  # the page rendered again, not from the page cache
    with django_assert_num_queries(13) as small:
        response = client.get("/" + query)
    count = len(small.captured_queries)  # before the query log grows past its length
    assert response.context["non_responders"]
    grow(specialist, other_specialist, editor, QUEUE_SHOWN + 2)
    client.get("/" + query)  # the counts change: counted again, once
    page_cache.move(page_cache.CLINIC)
    with django_assert_num_queries(count):
        response = client.get("/" + query)
    assert len(response.context["non_responders"]) == QUEUE_SHOWN


def _plan(queryset):
    """The database's plan for ``queryset``; on PostgreSQL with sequential scans and sorts
    priced out, so that the plan shows whether an index can serve it at all (the test tables
    are tiny)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_the_clinics_queue_is_read_in_the_order_of_its_indexes():
    """The first rows of the partial indexes, not a sort of every pending follow-up or open
    question (cases migration 0011, education's open-question index)."""
    follow_ups = _plan(non_responders()[:QUEUE_SHOWN])
    assert "followup_pending_order_idx" in follow_ups
    due = FollowUp.objects.due().filter(~_all_reminders_sent()).order_by("window_closes", "id")
    assert "followup_pending_order_idx" in _plan(due[:QUEUE_SHOWN])
    questions = Assignment.objects.with_open_question().order_by("asked_at", "id")
    assert "assignment_open_question_idx" in _plan(questions[:QUEUE_SHOWN])
    assert "TEMP B-TREE" not in follow_ups and "Sort" not in follow_ups
