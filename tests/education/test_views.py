import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clinic.models import AuditEvent
from education.models import Article, ArticleVersion, Assignment
from tests import factories

pytestmark = pytest.mark.django_db

Status = ArticleVersion.Status


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def assignment(patient, specialist):
    return factories.AssignmentFactory(patient=patient, assigned_by=specialist)


# --- library and article page (public) -----------------------------------------------------------


def test_anyone_can_browse_the_library_of_public_articles(client_for, live_article):
    hidden = factories.published_article(article__audience="patients", title="Hidden title")
    response = client_for(None).get(reverse("education:library"))
    assert response.status_code == 200
    assert live_article.published_version.title.encode() in response.content
    assert hidden.published_version.title.encode() not in response.content


def test_logged_in_patients_also_see_patients_only_articles(client_for, patient_user):
    hidden = factories.published_article(article__audience="patients", title="For patients")
    response = client_for(patient_user).get(reverse("education:library"))
    assert b"For patients" in response.content
    assert hidden.published_version.title == "For patients"


def test_the_library_searches_and_filters_by_topic(client_for):
    factories.published_article(title="Sciatica basics", article__topic="herniated_disc")
    factories.published_article(title="Sciatica surgery", article__topic="surgery")
    factories.published_article(title="Sleeping well", article__topic="surgery")
    response = client_for(None).get(
        reverse("education:library"), {"q": "sciatica", "topic": "surgery"}
    )
    assert b"Sciatica surgery" in response.content
    assert b"Sciatica basics" not in response.content
    assert b"Sleeping well" not in response.content


def test_drafts_are_not_in_the_library(client_for, draft):
    response = client_for(None).get(reverse("education:library"))
    assert draft.title.encode() not in response.content


@pytest.mark.parametrize("size", [1, 6])
def test_the_library_query_count_does_not_grow_with_articles(
    client_for, size, django_assert_num_queries
):
    for _ in range(size):
        factories.published_article()
    client = client_for(None)
    with django_assert_num_queries(2):  # count for the paginator, then the page
        client.get(reverse("education:library"))


def test_anyone_reads_a_public_article(client_for, live_article):
    response = client_for(None).get(live_article.get_absolute_url())
    assert response.status_code == 200
    assert live_article.published_version.body_html.encode() in response.content
    assert b"data-print" in response.content


def test_a_patients_only_article_needs_a_login(client_for, patient_user):
    article = factories.published_article(article__audience="patients")
    assert _is_login_redirect(client_for(None).get(article.get_absolute_url()))
    assert client_for(patient_user).get(article.get_absolute_url()).status_code == 200


def test_unpublished_and_retired_articles_answer_404(client_for, draft, live_article, editor):
    url = reverse("education:article_detail", args=[draft.article.slug])
    assert client_for(None).get(url).status_code == 404
    live_article.retire(by=editor)
    assert client_for(None).get(live_article.get_absolute_url()).status_code == 404


def test_a_long_article_has_a_table_of_contents(client_for):
    body = "\n\n".join(f"## Part {n}\n\nSome words here." for n in range(1, 5))
    article = factories.published_article(body_markdown=body)
    response = client_for(None).get(article.get_absolute_url())
    assert b"On this page" in response.content
    assert b'href="#section-part-3"' in response.content
    short = factories.published_article(body_markdown="## One\n\nShort.")
    assert b"On this page" not in client_for(None).get(short.get_absolute_url()).content


def test_the_article_page_offers_its_translation(client_for):
    original = factories.published_article(article__slug="walking")
    spanish = factories.published_article(
        article__slug="caminar", article__language="es", article__translation_of=original
    )
    response = client_for(None).get(original.get_absolute_url())
    assert spanish.get_absolute_url().encode() in response.content
    assert "Leer en español".encode() in response.content
    spanish_page = client_for(None).get(spanish.get_absolute_url())
    assert spanish_page.status_code == 200
    assert b'<html lang="es">' in spanish_page.content
    assert original.get_absolute_url().encode() in spanish_page.content


# --- editor pages: the trio -----------------------------------------------------------------------


def test_an_editor_creates_an_article_through_the_form(client_for, editor):
    response = client_for(editor).post(
        reverse("education:article_create"),
        {
            "article-slug": "sleep",
            "article-language": "en",
            "article-topic": "recovery",
            "article-audience": "patients",
            "version-title": "Sleeping after surgery",
            "version-summary": "Positions that help.",
            "version-body_markdown": "## Lying down\n\nLie on your side.",
        },
    )
    article = Article.objects.get(slug="sleep")
    version = article.latest_version
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert (version.status, version.author, article.audience) == (Status.DRAFT, editor, "patients")
    page = client_for(editor).get(version.get_absolute_url())
    assert b"Reading grade" in page.content
    assert b"Submit for clinical review" in page.content


def test_editing_a_published_article_leaves_the_patient_page_unchanged(
    client_for, live_article, editor
):
    live = live_article.published_version
    before = client_for(None).get(live_article.get_absolute_url()).content
    response = client_for(editor).post(
        reverse("education:article_edit", args=[live_article.pk]),
        {
            "article-slug": live_article.slug,
            "article-language": "en",
            "article-topic": live_article.topic,
            "article-audience": live_article.audience,
            "version-title": "A rewritten title",
            "version-summary": live.summary,
            "version-body_markdown": "Brand new words for the draft.",
        },
    )
    assert response.status_code == 302
    draft = live_article.versions.get(number=2)
    assert draft.status == Status.DRAFT
    after = client_for(None).get(live_article.get_absolute_url()).content
    assert after == before
    assert b"Brand new words" not in after
    preview = client_for(editor).get(reverse("education:version_preview", args=[draft.pk]))
    assert b"Brand new words for the draft." in preview.content
    assert b"Preview of version 2" in preview.content


def test_the_preview_shows_the_same_article_markup_as_the_patient_page(
    client_for, live_article, editor
):
    version = live_article.published_version
    public = client_for(None).get(live_article.get_absolute_url()).content.decode()
    preview = client_for(editor).get(reverse("education:version_preview", args=[version.pk]))
    start, end = '<article class="article"', "</article>"
    fragment = public[public.index(start) : public.index(end)]
    assert fragment in preview.content.decode()


def test_the_diff_page_shows_what_changed(client_for, live_article, editor):
    from education import services

    services.save_draft(
        article=live_article,
        by=editor,
        title=live_article.published_version.title,
        summary="A changed summary.",
        body_markdown=live_article.published_version.body_markdown,
    )
    draft = live_article.versions.get(number=2)
    response = client_for(editor).get(reverse("education:version_diff", args=[draft.pk]))
    assert response.status_code == 200
    assert b"<ins>changed" in response.content
    assert (
        client_for(None).get(reverse("education:version_diff", args=[draft.pk])).status_code == 302
    )


def test_the_first_version_has_nothing_to_compare(client_for, draft, editor):
    response = client_for(editor).get(reverse("education:version_diff", args=[draft.pk]))
    assert response.status_code == 302
    assert "nothing to compare" in _messages(response)[0]


@pytest.mark.parametrize("size", [1, 5])
def test_the_editors_article_list_query_count_is_constant(
    client_for, editor, size, django_assert_num_queries
):
    for _ in range(size):
        factories.published_article()
    client = client_for(editor)
    client.get(reverse("education:manage_article_list"))
    with django_assert_num_queries(5):  # session, user, permissions, articles, versions
        client.get(reverse("education:manage_article_list"))


# --- workflow through the web -------------------------------------------------------------------


def _act(client, version, action, **data):
    return client.post(reverse("education:version_action", args=[version.pk, action]), data)


def test_the_whole_workflow_through_the_web(client_for, draft, editor, specialist):
    assert _act(client_for(editor), draft, "submit").status_code == 302
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.IN_REVIEW
    response = _act(client_for(specialist), draft, "request-changes", note="Add when to call.")
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.CHANGES_REQUESTED
    assert "Sent back" in _messages(response)[0]
    _act(client_for(editor), draft, "submit")
    _act(client_for(specialist), draft, "approve", note="Good.")
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.APPROVED
    response = _act(client_for(editor), draft, "publish")
    assert "Published" in _messages(response)[0]
    assert Article.objects.get(pk=draft.article_id).published_version_id == draft.pk
    assert client_for(None).get(draft.article.get_absolute_url()).status_code == 200


def test_an_editor_discards_a_draft_restores_it_and_starts_again(client_for, draft, editor):
    client = client_for(editor)
    assert b"Discard this draft" in client.get(draft.get_absolute_url()).content
    response = _act(client, draft, "discard")
    assert "Discarded" in _messages(response)[0]
    discarded = ArticleVersion.objects.get(pk=draft.pk)
    assert discarded.status == Status.DISCARDED
    assert discarded.article.working_version() is None
    page = client.get(draft.get_absolute_url()).content
    assert b"Discard this draft" not in page and b"Restore as a new draft" in page
    response = _act(client, discarded, "restore")
    restored = discarded.article.working_version()
    assert (restored.number, restored.status, restored.based_on) == (2, Status.DRAFT, discarded)
    assert restored.body_markdown == discarded.body_markdown


def test_only_a_draft_can_be_discarded(client_for, in_review, live_article, editor):
    for version in (in_review, live_article.published_version):
        before = ArticleVersion.objects.get(pk=version.pk).status
        response = _act(client_for(editor), version, "discard")
        assert "cannot be discarded" in _messages(response)[0]
        assert ArticleVersion.objects.get(pk=version.pk).status == before


@pytest.mark.parametrize(
    "fixture, action, role",
    [
        ("draft", "submit", "specialist"),
        ("in_review", "approve", "editor"),
        ("in_review", "request-changes", "editor"),
        ("approved", "publish", "specialist"),
        ("in_review", "withdraw", "specialist"),
        ("draft", "discard", "specialist"),
        ("draft", "submit", "patient_user"),
    ],
)
def test_the_wrong_role_gets_403_and_nothing_changes(request, client_for, fixture, action, role):
    version = request.getfixturevalue(fixture)
    before = ArticleVersion.objects.get(pk=version.pk).status
    response = _act(client_for(request.getfixturevalue(role)), version, action, note="x")
    assert response.status_code == 403
    assert ArticleVersion.objects.get(pk=version.pk).status == before


def test_anonymous_workflow_posts_go_to_login(client_for, draft):
    assert _is_login_redirect(_act(client_for(None), draft, "submit"))
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.DRAFT


def test_an_action_not_allowed_now_is_refused_with_a_clear_message(client_for, draft, editor):
    response = _act(client_for(editor), draft, "publish")
    assert response.status_code == 302
    assert "cannot be published (it needs clinical approval)" in _messages(response)[0]
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.DRAFT
    assert Article.objects.get(pk=draft.article_id).published_version is None


def test_an_unknown_action_is_404(client_for, draft, editor):
    assert _act(client_for(editor), draft, "explode").status_code == 404


def test_publishing_above_grade_8_through_the_web_asks_for_the_reason(
    client_for, editor, specialist
):
    from education import services

    article = services.create_article(
        by=editor,
        slug="hard",
        title="Hard",
        summary="S",
        body_markdown="Intervertebral degeneration necessitates multidisciplinary evaluation. " * 4,
    )
    version = article.latest_version
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    page = client_for(editor).get(version.get_absolute_url())
    assert b"above the recommended reading grade" in page.content
    response = _act(client_for(editor), version, "publish")
    assert "above grade 8" in _messages(response)[0]
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.APPROVED
    _act(client_for(editor), version, "publish", reason="Names the surgeon must use.")
    version = ArticleVersion.objects.get(pk=version.pk)
    assert version.status == Status.PUBLISHED
    assert version.readability_reason == "Names the surgeon must use."


def test_restore_through_the_web_makes_a_new_draft(client_for, live_article, editor, specialist):
    from education import services

    old = live_article.published_version
    new = services.save_draft(
        article=live_article, by=editor, title="New", summary="S", body_markdown="Walk daily."
    )
    new.submit_for_review(by=editor)
    new.approve(by=specialist)
    new.publish(by=editor)
    page = client_for(editor).get(old.get_absolute_url())
    assert b"Restore as a new draft" in page.content
    response = _act(client_for(editor), old, "restore")
    restored = live_article.versions.get(number=3)
    assert response["Location"] == restored.get_absolute_url()
    assert restored.body_markdown == old.body_markdown
    assert restored.status == Status.DRAFT
    assert Article.objects.get(pk=live_article.pk).published_version == new


def test_retiring_through_the_web(client_for, live_article, editor, specialist):
    url = reverse("education:article_retire", args=[live_article.pk])
    assert _is_login_redirect(client_for(None).post(url))
    assert client_for(specialist).post(url).status_code == 403
    assert Article.objects.get(pk=live_article.pk).retired_at is None
    assert client_for(editor).get(url).status_code == 200
    client_for(editor).post(url)
    assert Article.objects.get(pk=live_article.pk).retired_at is not None


# --- assigning ----------------------------------------------------------------------------------


def test_the_assign_page_offers_the_published_articles(
    client_for, patient, specialist, live_article
):
    # Who may open it is pinned by tests/test_access_matrix.py.
    response = client_for(specialist).get(reverse("education:assign_article", args=[patient.pk]))
    assert live_article.published_version.title.encode() in response.content


def test_a_specialist_assigns_an_article_with_a_note(
    client_for, patient, specialist, live_article, django_capture_on_commit_callbacks
):
    from django.core import mail

    url = reverse("education:assign_article", args=[patient.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(specialist).post(
            url, {"article": live_article.pk, "note": "Before surgery."}
        )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.version == live_article.published_version
    assert assignment.note == "Before surgery."
    assert assignment.assigned_by == specialist
    assert len(mail.outbox) == 1


def test_a_draft_cannot_be_chosen_for_assignment(client_for, patient, specialist, draft):
    url = reverse("education:assign_article", args=[patient.pk])
    response = client_for(specialist).post(url, {"article": draft.article_id})
    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_the_patients_reading_page_is_for_clinicians_and_is_audited(
    client_for, patient, patient_user, editor, specialist, assignment
):
    url = reverse("education:patient_assignments", args=[patient.pk])
    assert _is_login_redirect(client_for(None).get(url))
    assert client_for(editor).get(url).status_code == 403
    assert client_for(patient_user).get(url).status_code == 403
    response = client_for(specialist).get(url)
    assert response.status_code == 200
    assert assignment.version.title.encode() in response.content
    assert AuditEvent.objects.filter(action="view", patient=patient, user=specialist).exists()


@pytest.mark.parametrize("size", [1, 5])
def test_the_assigned_reading_list_query_count_is_constant(
    client_for, specialist, size, django_assert_num_queries
):
    for _ in range(size):
        factories.AssignmentFactory(assigned_by=specialist)
    client = client_for(specialist)
    assert client.get(reverse("education:assignment_list")).status_code == 200
    with django_assert_num_queries(6):  # session, user, permissions, count, page, audit
        client.get(reverse("education:assignment_list"))


def test_the_assigned_reading_list_shows_the_patients(client_for, specialist, assignment):
    # Who may open it is pinned by tests/test_access_matrix.py.
    response = client_for(specialist).get(reverse("education:assignment_list"))
    assert assignment.patient.full_name.encode() in response.content


# --- reading: privacy first ---------------------------------------------------------------------


def test_a_patient_opens_their_assignment_and_it_is_recorded(client_for, patient_user, assignment):
    response = client_for(patient_user).get(assignment.get_absolute_url())
    assert response.status_code == 200
    assert assignment.version.body_html.encode() in response.content
    assert b"I understood" in response.content
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.first_opened_at is not None
    assert AuditEvent.objects.filter(detail="opened reading", patient=assignment.patient).exists()


def test_each_later_reading_is_audited_as_a_view_of_that_assignment(
    client_for, patient_user, assignment
):
    client = client_for(patient_user)
    client.get(assignment.get_absolute_url())  # the first opening
    for _ in range(2):  # rendered, then from the page cache
        assert client.get(assignment.get_absolute_url()).status_code == 200
    views = AuditEvent.objects.filter(action="view", detail="viewed reading")
    assert (
        list(views.values_list("user", "object_type", "object_id", "patient"))
        == [(patient_user.pk, "education.assignment", str(assignment.pk), assignment.patient_id)]
        * 2
    )


def test_patient_cannot_open_another_patients_assignment(
    client_for, other_patient_user, assignment
):
    response = client_for(other_patient_user).get(assignment.get_absolute_url())
    assert response.status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).first_opened_at is None


def test_a_specialist_viewing_an_assignment_does_not_mark_it_opened(
    client_for, specialist, assignment
):
    response = client_for(specialist).get(assignment.get_absolute_url())
    assert response.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).first_opened_at is None
    assert AuditEvent.objects.filter(action="view", patient=assignment.patient).exists()


def test_the_assignment_shows_the_version_assigned_not_the_newest(
    client_for, patient_user, patient, specialist, editor
):
    from education import services

    article = factories.published_article(author=editor, reviewer=specialist, title="First words")
    assignment = services.assign_article(article=article, patient=patient, assigned_by=specialist)
    new = services.save_draft(
        article=article,
        by=editor,
        title="Second words",
        summary="S",
        body_markdown="We can help. Walk a bit.",
    )
    new.submit_for_review(by=editor)
    new.approve(by=specialist)
    new.publish(by=editor)
    response = client_for(patient_user).get(assignment.get_absolute_url())
    assert b"First words" in response.content
    assert b"The clinic has updated this article since." in response.content


def test_the_patient_presses_i_understood(client_for, patient_user, assignment):
    url = reverse("education:assignment_understood", args=[assignment.pk])
    response = client_for(patient_user).post(url)
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).understood_at is not None
    response = client_for(patient_user).post(url)
    assert "already told us" in _messages(response)[0]


@pytest.mark.parametrize("role", ["other_patient_user", "editor", "specialist"])
def test_only_the_patient_can_press_i_understood(request, client_for, role, assignment):
    url = reverse("education:assignment_understood", args=[assignment.pk])
    assert client_for(request.getfixturevalue(role)).post(url).status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).understood_at is None


def test_a_question_reaches_the_specialist_who_answers_it(
    client_for, patient_user, specialist, assignment
):
    ask = reverse("education:assignment_question", args=[assignment.pk])
    client_for(patient_user).post(ask, {"question": "When can I drive?"})
    dashboard = client_for(specialist).get(reverse("dashboard"))
    assert b"Patients' questions" in dashboard.content
    assert assignment.get_absolute_url().encode() in dashboard.content
    answer = reverse("education:assignment_answer", args=[assignment.pk])
    client_for(specialist).post(answer, {"answer": "After two weeks."})
    page = client_for(patient_user).get(assignment.get_absolute_url())
    assert b"After two weeks." in page.content
    assert b"When can I drive?" in page.content
    dashboard = client_for(specialist).get(reverse("dashboard"))
    assert b"No open questions." in dashboard.content


def test_an_empty_question_is_refused(client_for, patient_user, assignment):
    ask = reverse("education:assignment_question", args=[assignment.pk])
    response = client_for(patient_user).post(ask, {"question": "   "})
    assert "Please write your question" in _messages(response)[0]
    assert Assignment.objects.get(pk=assignment.pk).asked_at is None


def test_only_clinicians_answer(client_for, patient_user, editor, assignment):
    assignment.ask_question(by=patient_user, text="Why?")
    answer = reverse("education:assignment_answer", args=[assignment.pk])
    assert _is_login_redirect(client_for(None).post(answer, {"answer": "x"}))
    assert client_for(patient_user).post(answer, {"answer": "x"}).status_code == 403
    assert client_for(editor).post(answer, {"answer": "x"}).status_code == 403
    assert Assignment.objects.get(pk=assignment.pk).answer == ""


# --- dashboard panels ---------------------------------------------------------------------------


def test_the_patients_dashboard_lists_their_reading(
    client_for, patient_user, assignment, other_patient_user
):
    other = factories.AssignmentFactory(patient=other_patient_user.patient)
    other.version.title = "Not yours"
    response = client_for(patient_user).get(reverse("dashboard"))
    assert assignment.get_absolute_url().encode() in response.content
    assert b"New" in response.content
    assert other.get_absolute_url().encode() not in response.content


def test_the_specialists_dashboard_lists_versions_to_review(client_for, specialist, in_review):
    response = client_for(specialist).get(reverse("dashboard"))
    assert b"Articles to review" in response.content
    assert in_review.get_absolute_url().encode() in response.content


def test_the_editors_dashboard_shows_articles_and_overdue_reviews(client_for, editor):
    overdue = factories.published_article(title="Old advice")
    Article.objects.filter(pk=overdue.pk).update(next_review_due="2020-01-01")
    response = client_for(editor).get(reverse("dashboard"))
    assert b"Review overdue" in response.content
    assert b"Old advice" in response.content


def test_the_landing_page_lists_public_articles(client_for, live_article):
    response = client_for(None).get("/")
    assert live_article.get_absolute_url().encode() in response.content


def test_an_article_only_in_spanish_is_found_by_its_slug_alone(client_for):
    article = factories.published_article(article__slug="caminar", article__language="es")
    url = reverse("education:article_detail", args=["caminar"])
    assert client_for(None).get(url).status_code == 200
    assert client_for(None).get(article.get_absolute_url()).status_code == 200
    wrong = reverse("education:article_detail", args=["caminar", "en"])
    assert client_for(None).get(wrong).status_code == 404


def test_the_editors_dashboard_shows_no_patient_or_reading_data(client_for, editor, assignment):
    response = client_for(editor).get(reverse("dashboard"))
    assert response.status_code == 200
    for private in (assignment.patient.full_name, assignment.patient.mrn, "Patients' questions"):
        assert private.encode() not in response.content
    assert reverse("education:assignment_list").encode() not in response.content


def test_the_reading_page_of_an_unknown_patient_is_404(client_for, specialist):
    url = reverse("education:patient_assignments", args=[999999])
    assert client_for(specialist).get(url).status_code == 404


def test_pages_serve_the_stored_html_without_rendering_markdown_again(
    client_for, live_article, patient_user, assignment, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr("education.models.render_markdown", refuse)
    assert client_for(None).get(live_article.get_absolute_url()).status_code == 200
    assert client_for(None).get(reverse("education:library")).status_code == 200
    assert client_for(patient_user).get(assignment.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_a_patients_reading_page_query_count_is_constant(
    client_for, specialist, patient, size, django_assert_num_queries
):
    for _ in range(size):
        factories.AssignmentFactory(patient=patient)
    client = client_for(specialist)
    url = reverse("education:patient_assignments", args=[patient.pk])
    assert client.get(url).status_code == 200
    # session, user, 2 perms, roles, patient, audit insert, assignments
    with django_assert_num_queries(6):
        client.get(url)
