from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Prefetch, When
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import page_cache as signed_in_pages
from clinic.audit import record_view
from clinic.models import Patient
from education import page_cache, services, workflow
from education.diff import version_diff
from education.filters import LibraryFilter, ManageArticleFilter
from education.forms import (
    AnswerForm,
    ArticleForm,
    AssignForm,
    CompareForm,
    PublishForm,
    QuestionForm,
    ReviewNoteForm,
    VersionActionForm,
    VersionForm,
)
from education.models import Article, ArticleVersion, Assignment


def _error(request, error):
    messages.error(request, " ".join(error.messages))


# --- the library (public) ----------------------------------------------------------------------


@require_safe
@login_not_required
def library(request):
    articles = Article.objects.for_reader(request.user).order_by("published_version__title")
    filterset = LibraryFilter(request.GET or None, queryset=articles)
    if filterset.is_valid():  # a filter with errors shows them over the whole library
        articles = filterset.qs
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "education/article_list.html", {"form": filterset.form, "page": page})


@require_safe
@login_not_required
@page_cache.cache_public_page
def article_detail(request, slug, language=None):
    articles = Article.objects.published().filter(slug=slug)
    if language is None:
        # Without a language in the address: the default language's article, else the only one.
        articles = articles.order_by(Case(When(language=settings.LANGUAGE_CODE, then=0), default=1))
    elif language in dict(settings.LANGUAGES):
        articles = articles.filter(language=language)
    else:
        articles = articles.none()
    article = articles.first()
    if article is None:
        # Readers follow old links to articles: they get the portal's own page, with DEBUG on
        # too (not Django's technical 404, which is for developers' mistyped addresses).
        return render(request, "404.html", {"missing_article": True}, status=404)
    if article.audience == "patients" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    version = article.published_version
    return render(
        request,
        "education/article_detail.html",
        {
            "article": article,
            "version": version,
            "variants": article.language_variants(),
            "credits": version.credits(),
        },
    )


# --- writing and reviewing (editors and specialists) --------------------------------------------


@require_safe
@permission_required("education.view_articleversion", raise_exception=True)
def manage_article_list(request):
    versions = ArticleVersion.objects.defer("body_markdown", "body_html").order_by("-number")
    articles = Article.objects.select_related("published_version").prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="versions_newest_first")
    )
    filterset = ManageArticleFilter(request.GET or None, queryset=articles)
    if filterset.is_valid():
        articles = filterset.qs
    today = timezone.localdate()
    return render(
        request,
        "education/article_manage_list.html",
        {
            "articles": articles,
            "today": today,
            # Flagged above the table: published articles past their next clinical review.
            "overdue_reviews": [a for a in articles if a.is_review_overdue(today)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(
    ["education.add_article", "education.add_articleversion"], raise_exception=True
)
def article_create(request):
    article_form = ArticleForm(request.POST or None, prefix="article")
    version_form = VersionForm(request.POST or None, prefix="version")
    if article_form.is_valid() and version_form.is_valid():
        article = services.create_article(
            by=request.user, **article_form.cleaned_data, **version_form.cleaned_data
        )
        messages.success(request, _("Draft saved. Submit it for clinical review when it is ready."))
        return redirect(article.latest_version)
    return render(
        request,
        "education/articleversion_form.html",
        {"article_form": article_form, "version_form": version_form},
    )


@require_safe
@permission_required("education.view_articleversion", raise_exception=True)
def article_versions(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("published_version", "translation_of__published_version"),
        pk=pk,
    )
    versions = article.versions.defer("body_markdown", "body_html").select_related(
        "author", "reviewed_by", "published_by", "translated_from"
    )
    # A translation's versions are flagged when the original has published a newer version
    # than the one each was translated from ("source updated since this translation").
    source = article.translation_of
    source_live = source.published_version_id if source is not None else None
    for version in versions:
        version.is_source_updated = version.source_updated(source_live)
    return render(
        request,
        "education/articleversion_list.html",
        {"article": article, "versions": versions, "source": source},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(
    ["education.change_article", "education.change_articleversion"], raise_exception=True
)
def article_edit(request, pk):
    """Edit the working draft, or start one from the live text (which stays live meanwhile)."""
    article = get_object_or_404(Article, pk=pk)
    try:
        draft = article.draft_to_edit()
    except ValidationError as error:
        _error(request, error)
        return redirect(article.working_version())
    source = draft or article.published_version or article.latest_version
    article_form = ArticleForm(request.POST or None, instance=article, prefix="article")
    version_form = VersionForm(request.POST or None, instance=source, prefix="version")
    if article_form.is_valid() and version_form.is_valid():
        try:
            with transaction.atomic():
                article_form.save()
                version = services.save_draft(
                    article=article, by=request.user, **version_form.cleaned_data
                )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request, _("Draft version %(number)s saved.") % {"number": version.number}
            )
            return redirect(version)
    return render(
        request,
        "education/articleversion_form.html",
        {"article": article, "article_form": article_form, "version_form": version_form},
    )


def _version(pk):
    return get_object_or_404(
        ArticleVersion.objects.select_related(
            "article", "author", "submitted_by", "reviewed_by", "published_by"
        ),
        pk=pk,
    )


@require_safe
@permission_required("education.view_articleversion", raise_exception=True)
def version_detail(request, pk):
    """The version as patients will see it and what it changes in the published one: the
    reviewer approves from the page that shows them, so no version is approved unseen."""
    version = _version(pk)
    article = version.article
    published = None
    if article.published_version_id not in (None, version.pk):
        published = article.published_version
    return render(
        request,
        "education/articleversion_detail.html",
        {
            "version": version,
            "article": article,
            "actions": version.available_actions(request.user),
            "note_form": ReviewNoteForm(),
            "publish_form": PublishForm(),
            "published": published,
            "diff": version_diff(published, version) if published else None,
        },
    )


@require_safe
@permission_required("education.view_articleversion", raise_exception=True)
def version_preview(request, pk):
    """Exactly the patient's page, for any version, with a banner saying it is a preview."""
    version = _version(pk)
    return render(
        request,
        "education/article_detail.html",
        {
            "article": version.article,
            "version": version,
            "preview": True,
            "credits": version.credits(),
        },
    )


@require_safe
@permission_required("education.view_articleversion", raise_exception=True)
def version_diff_view(request, pk):
    version = _version(pk)
    others = version.article.versions.exclude(pk=version.pk)
    compare = CompareForm(request.GET, versions=others)
    if not compare.is_valid():
        return HttpResponseBadRequest(_("Choose another version of this article to compare with."))
    old = compare.cleaned_data["against"] or version.previous()
    if old is None:
        messages.info(request, _("This is the first version: there is nothing to compare it with."))
        return redirect(version)
    return render(
        request,
        "education/articleversion_diff.html",
        {
            "version": version,
            "old": old,
            "article": version.article,
            "others": others.order_by("-number"),
            "diff": version_diff(old, version),
        },
    )


@require_POST
def version_action(request, pk, action):
    """One workflow step on a version (``education/workflow.py`` declares them): a step the
    user's role never takes is refused (403); the model refuses one the version's state does not
    allow, with its reason."""
    action = workflow.ACTIONS.get(action)
    if action is None or action.perform is None:
        raise Http404
    if not action.permitted(request.user):
        raise PermissionDenied
    version = _version(pk)
    form = VersionActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_message())
        return redirect(version)
    try:
        result = action.perform(version, request.user, form.cleaned_data)
    except ValidationError as error:
        _error(request, error)
        return redirect(version)
    messages.success(request, action.done)
    return redirect(result if isinstance(result, ArticleVersion) else version)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("education.publish_article", raise_exception=True)
def article_retire(request, pk):
    article = get_object_or_404(Article.objects.select_related("published_version"), pk=pk)
    if request.method == "POST":
        try:
            article.retire(by=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Retired: the article has left the library."))
        return redirect("education:article_versions", pk=article.pk)
    return render(request, "education/article_confirm_retire.html", {"article": article})


# --- assigned reading -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("education.assign_article", raise_exception=True)
def assign_article(request, patient_pk):
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_pk)
    form = AssignForm(request.POST or None, patient=patient)
    if form.is_valid():
        chosen = form.cleaned_data["article"]
        try:
            assignment = services.assign_article(
                article=chosen,
                patient=patient,
                assigned_by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _error(request, error)
        else:
            given = assignment.article
            if given != chosen:  # its published translation in the patient's language
                done = _("Assigned the %(language)s version to %(name)s. They get an email.") % {
                    "language": services.language_name(given.language),
                    "name": patient.full_name,
                }
            else:
                done = _("Assigned to %(name)s. They get an email.") % {"name": patient.full_name}
            note = services.fallback_note(article=given, patient=patient)
            messages.success(request, f"{done} {note}".strip())
            return redirect("education:patient_assignments", patient_pk=patient.pk)
    record_view(request, patient, detail="assign reading form")
    untranslated = services.untranslated(
        form.fields["article"].queryset, patient.preferred_language
    )
    return render(
        request,
        "education/assignment_form.html",
        {
            "form": form,
            "patient": patient,
            "untranslated": untranslated,
            "patient_language": services.language_name(patient.preferred_language),
        },
    )


@require_safe
@permission_required("education.view_assignment", raise_exception=True)
def patient_assignments(request, patient_pk):
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_pk)
    assignments = (
        Assignment.objects.visible_to(request.user)
        .for_patient(patient)
        .select_related("assigned_by")
        .without_text()
    )
    record_view(request, patient, detail="viewed assigned reading")
    return render(
        request,
        "education/assignment_list.html",
        {"patient": patient, "rows": assignments},
    )


@require_safe
@permission_required("education.view_assignment", raise_exception=True)
def assignment_list(request):
    """The reading a specialist follows: what they assigned, and their own patients' reading."""
    assignments = (
        Assignment.objects.visible_to(request.user)
        .for_specialist(request.user)
        .select_related("patient", "version", "assigned_by")
        .without_text()
    )
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    record_view(request, detail=f"reading list page {page.number}")
    return render(
        request, "education/assignment_list.html", {"page": page, "rows": page.object_list}
    )


@require_safe
def assignment_detail(request, pk):
    """The patient reads their assignment (the exact version given); a specialist reviews it."""
    kept = signed_in_pages.kept(request)
    if kept is not None:  # read by this reader before, unchanged since: opened, and theirs to read
        patient_id, response = kept
        _audit_reading(request, pk, patient_id)
        return response
    # What every request needs — may they read it, whose is it, was it opened — and no more: the
    # page from the cache needs nothing else, the page rendered reads the rest.
    found = (
        Assignment.objects.visible_to(request.user)
        .filter(pk=pk)
        .order_by()
        .values_list("patient_id", "patient__user_id", "first_opened_at")
    )
    if not found:
        raise Http404
    ((patient_id, patient_user_id, first_opened_at),) = found
    is_own = patient_user_id == request.user.pk
    # Only the first opening writes (a transaction, on SQLite the write lock): the test first.
    opened = (
        is_own
        and first_opened_at is None
        and services.open_assignment(
            assignment=Assignment.objects.select_related("patient").get(pk=pk), by=request.user
        )
    )
    if not opened:  # the first opening is audited as such, every other reading as a view
        _audit_reading(request, pk, patient_id)
    return signed_in_pages.render(
        request,
        "education/assignment_detail.html",
        lambda: _reading_context(pk, is_own=is_own),
        patient=patient_id,
        figures=True,  # the article's live figures
    )


def _audit_reading(request, pk, patient_id):
    """The event names the assignment and its patient by their keys (nothing more is read)."""
    record_view(
        request,
        Assignment(pk=pk, patient_id=patient_id),
        patient=Patient(pk=patient_id),
        detail="viewed reading",
    )


def _reading_context(pk, *, is_own):
    assignment = Assignment.objects.select_related(
        "patient", "article", "version", "assigned_by", "answered_by"
    ).get(pk=pk)
    return {
        "assignment": assignment,
        "article": assignment.article,
        "version": assignment.version,
        "credits": assignment.version.credits(),
        "is_own": is_own,
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
    }


def _own_assignment(request, pk):
    """Only the patient it was given to may act on it; anyone else gets 404."""
    return get_object_or_404(
        Assignment.objects.filter(patient__user=request.user).select_related("patient"), pk=pk
    )


@require_POST
def assignment_understood(request, pk):
    assignment = _own_assignment(request, pk)
    try:
        services.mark_understood(assignment=assignment, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Thank you. Your care team can see you understood it."))
    return redirect(assignment)


@require_POST
def assignment_question(request, pk):
    assignment = _own_assignment(request, pk)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please write your question (up to 2000 characters)."))
        services.ask_question(
            assignment=assignment,
            by=request.user,
            text=form.cleaned_data["question"],
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Your question was sent to your care team."))
    return redirect(assignment)


@require_POST
@permission_required("education.change_assignment", raise_exception=True)
def assignment_answer(request, pk):
    """Answer a patient's question, from its page or from the dashboard's work queue: ``next``
    (a page of this site only) is where the specialist goes back to, with the outcome."""
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("patient"), pk=pk
    )
    back = request.POST.get("next", "")
    from_elsewhere = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    name = assignment.patient.full_name
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please write the answer (up to 4000 characters)."))
        services.answer_question(
            assignment=assignment,
            by=request.user,
            text=form.cleaned_data["answer"],
        )
    except ValidationError as error:
        if from_elsewhere:  # say whose question, on a page that lists several
            refused = _("Your answer to %(name)s was not sent.") % {"name": name}
            messages.error(request, " ".join([refused, *error.messages]))
        else:
            _error(request, error)
    else:
        if from_elsewhere:
            sent = _("Answer sent to %(name)s. The patient sees it on their reading page.")
            messages.success(request, sent % {"name": name})
        else:
            messages.success(request, _("Answer sent. The patient sees it on their reading page."))
    return redirect(back if from_elsewhere else assignment)
