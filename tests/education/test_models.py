import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from education import readability, services
from education.models import Article, ArticleVersion, Assignment
from tests import factories

pytestmark = pytest.mark.django_db

Status = ArticleVersion.Status
LONG_WORDS = (
    "Intervertebral degeneration necessitates comprehensive multidisciplinary evaluation, "
    "particularly considering neurological manifestations and radiological characteristics. "
)


def _fresh(version):
    return ArticleVersion.objects.get(pk=version.pk)


def _user(request, role):
    return request.getfixturevalue(role)


# --- the workflow, transition by transition --------------------------------------------------


def test_a_new_article_starts_as_draft_version_one(draft, editor):
    assert draft.number == 1
    assert draft.status == Status.DRAFT
    assert draft.author == editor
    assert draft.article.published_version is None


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_editors_submit_a_draft_for_review_and_it_records_who_and_when(request, draft, role):
    user = _user(request, role)
    draft.submit_for_review(by=user)
    draft = _fresh(draft)
    assert draft.status == Status.IN_REVIEW
    assert draft.submitted_by == user
    assert draft.submitted_at is not None


@pytest.mark.parametrize("role", ["specialist", "patient_user"])
def test_only_editors_may_submit_for_review(request, draft, role):
    with pytest.raises(ValidationError, match="Only content editors may submit"):
        draft.submit_for_review(by=_user(request, role))
    assert _fresh(draft).status == Status.DRAFT
    assert _fresh(draft).submitted_at is None


def test_a_specialist_approves_a_version_in_review(in_review, specialist):
    in_review.approve(by=specialist, note="Clinically accurate.")
    version = _fresh(in_review)
    assert version.status == Status.APPROVED
    assert version.reviewed_by == specialist
    assert version.reviewed_at >= version.submitted_at
    assert version.review_note == "Clinically accurate."


@pytest.mark.parametrize("role", ["editor", "patient_user"])
def test_only_a_specialist_may_approve(request, in_review, role):
    with pytest.raises(ValidationError, match="Only a specialist"):
        in_review.approve(by=_user(request, role))
    assert _fresh(in_review).status == Status.IN_REVIEW
    assert _fresh(in_review).reviewed_by is None


def test_a_specialist_requests_changes_with_a_note(in_review, specialist, editor):
    in_review.request_changes(by=specialist, note="Say when to call the clinic.")
    version = _fresh(in_review)
    assert version.status == Status.CHANGES_REQUESTED
    assert version.review_note == "Say when to call the clinic."
    # The editor edits in place and submits again.
    services.save_draft(
        article=version.article,
        by=editor,
        title=version.title,
        summary=version.summary,
        body_markdown=version.body_markdown + "\nCall us if your leg goes numb.\n",
    )
    assert _fresh(version).status == Status.CHANGES_REQUESTED
    _fresh(version).submit_for_review(by=editor)
    assert _fresh(version).status == Status.IN_REVIEW


def test_requesting_changes_needs_a_note(in_review, specialist):
    with pytest.raises(ValidationError, match="note is required"):
        in_review.request_changes(by=specialist, note="  ")
    assert _fresh(in_review).status == Status.IN_REVIEW


def test_editors_cannot_request_changes(in_review, editor):
    with pytest.raises(ValidationError, match="Only a specialist"):
        in_review.request_changes(by=editor, note="No.")
    assert _fresh(in_review).status == Status.IN_REVIEW


def test_the_author_cannot_review_their_own_version(superuser):
    article = services.create_article(
        by=superuser, slug="own", title="Own", summary="Own.", body_markdown="Short text."
    )
    version = article.latest_version
    version.submit_for_review(by=superuser)
    with pytest.raises(ValidationError, match="author of a version cannot review it"):
        version.approve(by=superuser)
    assert _fresh(version).status == Status.IN_REVIEW


def test_a_draft_cannot_be_approved_before_it_is_submitted(draft, specialist):
    with pytest.raises(ValidationError, match="is draft; it cannot be approved"):
        draft.approve(by=specialist)
    assert _fresh(draft).status == Status.DRAFT


def test_an_editor_publishes_an_approved_version(approved, editor):
    approved.publish(by=editor)
    version = _fresh(approved)
    article = Article.objects.get(pk=version.article_id)
    assert version.status == Status.PUBLISHED
    assert version.published_by == editor
    assert article.published_version == version
    assert article.next_review_due == timezone.localdate() + datetime.timedelta(days=365)


@pytest.mark.parametrize("role", ["specialist", "patient_user"])
def test_only_editors_may_publish(request, approved, role):
    with pytest.raises(ValidationError, match="Only content editors may publish"):
        approved.publish(by=_user(request, role))
    assert _fresh(approved).status == Status.APPROVED
    assert Article.objects.get(pk=approved.article_id).published_version is None


@pytest.mark.parametrize("fixture", ["draft", "in_review"])
def test_nobody_publishes_an_unapproved_version(request, fixture, editor, superuser):
    version = request.getfixturevalue(fixture)
    for user in (editor, superuser):
        with pytest.raises(ValidationError, match="needs clinical approval"):
            version.publish(by=user)
    assert _fresh(version).status == version.status
    assert Article.objects.get(pk=version.article_id).published_version is None


def test_the_database_refuses_a_published_version_without_review(draft):
    draft.status = Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save(update_fields=["status"])


def test_the_database_refuses_an_unknown_status(draft):
    draft.status = "live"
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save(update_fields=["status"])


def test_withdrawing_a_version_in_review_makes_it_a_draft_again(in_review, editor, specialist):
    in_review.withdraw(by=editor)
    assert _fresh(in_review).status == Status.DRAFT
    with pytest.raises(ValidationError, match="Only content editors may withdraw"):
        _fresh(in_review).withdraw(by=specialist)


def test_retiring_takes_the_article_out_of_the_library(live_article, editor, specialist):
    with pytest.raises(ValidationError, match="Only content editors may retire"):
        live_article.retire(by=specialist)
    assert Article.objects.published().filter(pk=live_article.pk).exists()
    live_article.retire(by=editor)
    article = Article.objects.get(pk=live_article.pk)
    assert article.retired_by == editor
    assert article.published_version.status == Status.RETIRED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    with pytest.raises(ValidationError, match="Only a published article can be retired"):
        article.retire(by=editor)


def test_a_draft_cannot_be_retired(draft, editor):
    with pytest.raises(ValidationError, match="Only a published article"):
        draft.article.retire(by=editor)
    assert Article.objects.get(pk=draft.article_id).retired_at is None


# --- versions: pinning, restore, diff ------------------------------------------------------------


def test_editing_a_published_article_makes_a_new_draft_and_the_live_one_stays(live_article, editor):
    live = live_article.published_version
    draft = services.save_draft(
        article=live_article,
        by=editor,
        title="A new title",
        summary=live.summary,
        body_markdown="Completely new words.",
    )
    assert draft.number == 2
    assert draft.status == Status.DRAFT
    assert Article.objects.get(pk=live_article.pk).published_version == live
    assert _fresh(live).body_markdown != "Completely new words."
    assert _fresh(live).status == Status.PUBLISHED


def test_an_article_has_at_most_one_version_in_the_works(live_article, editor):
    services.save_draft(
        article=live_article, by=editor, title="One", summary="S", body_markdown="One."
    )
    second = services.save_draft(
        article=live_article, by=editor, title="Two", summary="S", body_markdown="Two."
    )
    assert second.number == 2
    assert live_article.versions.count() == 2


def test_a_version_in_review_is_not_edited(in_review, editor):
    with pytest.raises(ValidationError, match="Withdraw it before editing"):
        services.save_draft(
            article=in_review.article, by=editor, title="X", summary="S", body_markdown="X"
        )
    assert _fresh(in_review).title == "Back pain"


def test_publishing_a_new_version_supersedes_the_old_one(live_article, editor, specialist):
    old = live_article.published_version
    new = services.save_draft(
        article=live_article, by=editor, title="New", summary="S", body_markdown="Walk daily."
    )
    new.submit_for_review(by=editor)
    new.approve(by=specialist)
    new.publish(by=editor)
    assert _fresh(old).status == Status.SUPERSEDED
    assert Article.objects.get(pk=live_article.pk).published_version == _fresh(new)


def test_an_old_version_is_restored_as_a_new_draft(live_article, editor, specialist):
    old = live_article.published_version
    new = services.save_draft(
        article=live_article, by=editor, title="New", summary="S", body_markdown="Walk daily."
    )
    new.submit_for_review(by=editor)
    new.approve(by=specialist)
    new.publish(by=editor)
    restored = services.restore_version(version=_fresh(old), by=editor)
    assert restored.number == 3
    assert restored.status == Status.DRAFT
    assert (restored.title, restored.body_markdown) == (old.title, old.body_markdown)
    assert restored.based_on == old
    assert Article.objects.get(pk=live_article.pk).published_version == _fresh(new)


def test_restoring_the_current_draft_is_refused(draft, editor):
    with pytest.raises(ValidationError, match="current draft already"):
        services.restore_version(version=draft, by=editor)
    assert draft.article.versions.count() == 1


def test_word_diff_marks_removed_and_added_words_and_escapes_them():
    from education.diff import word_diff

    html = word_diff("Rest for a week.", "Rest for <b>two</b> days.")
    assert html.startswith("Rest for ")
    assert "<del>a</del><ins>&lt;b&gt;two&lt;/b&gt;</ins>" in html
    assert "<del>week.</del><ins>days.</ins>" in html


# --- rendering and readability, computed once on save ------------------------------------------


def test_markdown_is_rendered_and_stored_on_save(draft):
    assert '<h2 id="section-rest">Rest</h2>' in draft.body_html
    draft.body_markdown = "## Walk\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    draft.save(update_fields=["body_markdown"])
    stored = _fresh(draft)
    assert '<h2 id="section-walk">Walk</h2>' in stored.body_html
    assert "<table>" in stored.body_html
    assert stored.toc == [{"id": "section-walk", "name": "Walk", "level": 2}]


def test_reading_grade_and_minutes_are_computed_from_the_text(editor):
    simple = factories.ArticleVersionFactory(body_markdown="We can help. Walk a bit. Rest.")
    hard = factories.ArticleVersionFactory(body_markdown=LONG_WORDS * 3)
    long = factories.ArticleVersionFactory(body_markdown="Walk a lot now. " * 150)
    assert simple.reading_grade < 4
    assert hard.reading_grade > 12
    assert simple.reading_minutes == 1
    assert long.word_count == 600
    assert long.reading_minutes == 3


def test_a_live_figure_token_is_not_measured_as_text(editor):
    text = "We can help. Walk a bit. Rest."
    plain = factories.ArticleVersionFactory(body_markdown=text)
    with_figure = factories.ArticleVersionFactory(
        body_markdown=f"{text}\n\n[[figure:same_or_next_day_discharge]]\n\nWe can help. "
        "[[figure:incision_length]] Walk a bit."
    )
    assert with_figure.word_count == plain.word_count + 6
    assert with_figure.reading_grade < 4


def test_flesch_kincaid_matches_the_formula():
    measured = readability.measure("<p>The cat sat on the mat. The dog ran.</p>")
    assert (measured.words, measured.sentences, measured.syllables) == (9, 2, 9)
    assert measured.grade == round(max(0.39 * 9 / 2 + 11.8 * 9 / 9 - 15.59, 0), 1)


def test_syllables_come_from_the_articles_language():
    assert readability.count_syllables("hospital", "en") == 3
    assert readability.count_syllables("recuperación", "es") >= 4


def test_publishing_above_grade_8_needs_a_reason_that_is_kept(editor, specialist):
    article = services.create_article(
        by=editor, slug="hard", title="Hard", summary="S", body_markdown=LONG_WORDS * 3
    )
    version = article.latest_version
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    assert version.needs_readability_reason
    with pytest.raises(ValidationError, match="above grade 8"):
        version.publish(by=editor, reason="  ")
    assert _fresh(version).status == Status.APPROVED
    _fresh(version).publish(by=editor, reason="Technical terms the surgeon must name.")
    assert _fresh(version).status == Status.PUBLISHED
    assert _fresh(version).readability_reason == "Technical terms the surgeon must name."


def test_publishing_at_grade_8_or_below_needs_no_reason(approved, editor):
    assert not approved.needs_readability_reason
    approved.publish(by=editor)
    assert _fresh(approved).readability_reason == ""


# --- library queries ---------------------------------------------------------------------------


def test_patients_only_articles_are_not_public(specialist):
    public = factories.published_article()
    private = factories.published_article(article__audience="patients")
    assert list(Article.objects.public()) == [public]
    assert set(Article.objects.published()) == {public, private}


def test_search_finds_words_in_title_summary_and_body():
    a = factories.published_article(title="Sciatica explained")
    b = factories.published_article(summary="About sciatica.")
    c = factories.published_article(body_markdown="Sciatica is leg pain.")
    factories.published_article(title="Other")
    assert set(Article.objects.published().search("SCIATICA")) == {a, b, c}


def test_editors_see_which_reviews_are_overdue():
    due = factories.published_article()
    factories.published_article()
    Article.objects.filter(pk=due.pk).update(next_review_due=datetime.date(2020, 1, 1))
    assert list(Article.objects.review_overdue()) == [due]


def test_a_translation_offers_its_original_and_vice_versa():
    original = factories.published_article()
    spanish = factories.published_article(article__language="es", article__translation_of=original)
    assert list(original.language_variants()) == [spanish]
    assert list(spanish.language_variants()) == [original]


def test_a_translation_must_be_in_another_language():
    original = factories.published_article()
    copy = factories.ArticleFactory.build(translation_of=original, language="en", slug="x")
    with pytest.raises(ValidationError, match="another language"):
        copy.full_clean()


# --- assignments -------------------------------------------------------------------------------


def test_opening_records_only_the_first_time(patient_user, patient):
    assignment = factories.AssignmentFactory(patient=patient)
    assert assignment.state == Assignment.State.NEW
    assert assignment.mark_opened(by=patient_user) is True
    first = assignment.first_opened_at
    assert assignment.mark_opened(by=patient_user) is False
    assert Assignment.objects.get(pk=assignment.pk).first_opened_at == first
    assert assignment.state == Assignment.State.OPENED


def test_understood_question_and_answer(patient_user, patient, specialist):
    assignment = factories.AssignmentFactory(patient=patient)
    assignment.mark_understood(by=patient_user)
    assert assignment.state == Assignment.State.UNDERSTOOD
    with pytest.raises(ValidationError, match="already told us"):
        assignment.mark_understood(by=patient_user)
    assignment.ask_question(by=patient_user, text="Can I drive after it?")
    assert assignment.has_open_question
    with pytest.raises(ValidationError, match="not answered your last question"):
        assignment.ask_question(by=patient_user, text="And fly?")
    assignment.answer_question(by=specialist, text="After two weeks.")
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.state == Assignment.State.ANSWERED
    assert (stored.question, stored.answer) == ("Can I drive after it?", "After two weeks.")
    assert stored.answered_by == specialist


def test_only_the_patient_acts_on_their_reading(patient, other_patient_user, specialist, editor):
    assignment = factories.AssignmentFactory(patient=patient)
    for user in (other_patient_user, specialist):
        with pytest.raises(ValidationError, match="Only the patient"):
            assignment.mark_understood(by=user)
    with pytest.raises(ValidationError, match="Only a specialist"):
        assignment.answer_question(by=editor, text="x")
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.understood_at is None and stored.first_opened_at is None


def test_an_answer_needs_a_question(patient, specialist):
    assignment = factories.AssignmentFactory(patient=patient)
    with pytest.raises(ValidationError, match="no open question"):
        assignment.answer_question(by=specialist, text="Yes.")
    assert Assignment.objects.get(pk=assignment.pk).answer == ""


def test_the_database_refuses_understood_before_opened(patient):
    assignment = factories.AssignmentFactory(patient=patient)
    assignment.understood_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save(update_fields=["understood_at"])


def test_assignments_are_visible_to_their_patient_and_clinicians_only(
    patient_user, patient, other_patient_user, specialist, editor, superuser
):
    mine = factories.AssignmentFactory(patient=patient)
    theirs = factories.AssignmentFactory(patient=other_patient_user.patient)
    assert list(Assignment.objects.visible_to(patient_user)) == [mine]
    assert list(Assignment.objects.visible_to(other_patient_user)) == [theirs]
    assert set(Assignment.objects.visible_to(specialist)) == {mine, theirs}
    assert set(Assignment.objects.visible_to(superuser)) == {mine, theirs}
    assert not Assignment.objects.visible_to(editor).exists()
    assert set(Assignment.objects.for_patient(patient)) == {mine}


def test_an_assignment_pins_the_version_even_after_a_new_one_is_published(
    patient, specialist, editor
):
    article = factories.published_article(author=editor, reviewer=specialist)
    assignment = services.assign_article(article=article, patient=patient, assigned_by=specialist)
    first = article.published_version
    new = services.save_draft(
        article=article, by=editor, title="Updated", summary="S", body_markdown="New text."
    )
    new.submit_for_review(by=editor)
    new.approve(by=specialist)
    new.publish(by=editor)
    assert Assignment.objects.get(pk=assignment.pk).version == first


# --- the workflow's declared steps (education/workflow.py) --------------------------------------


def test_the_steps_offered_are_those_the_role_may_take_from_the_state(draft, editor, specialist):
    assert list(draft.available_actions(editor)) == ["edit", "submit", "discard"]
    assert list(draft.available_actions(specialist)) == []
    draft.submit_for_review(by=editor)
    assert list(draft.available_actions(editor)) == ["withdraw"]
    assert list(draft.available_actions(specialist)) == ["approve", "request_changes"]


def test_the_author_is_not_offered_the_review_of_their_own_version(draft, superuser):
    draft.author = superuser
    draft.save(update_fields=["author"])
    draft.submit_for_review(by=superuser)
    assert "approve" not in draft.available_actions(superuser)
    with pytest.raises(ValidationError, match="author of a version cannot review it"):
        draft.approve(by=superuser)
