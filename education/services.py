"""Writes that span models or have side effects (audit entries, emails)."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from clinic.audit import record_event
from clinic.models import AuditEvent
from clinic.tasks import email_builder, queue_email
from education.models import Article, ArticleVersion, Assignment, Audience, Topic

IMPORT_USERNAME = "content-import"


# --- writing articles -------------------------------------------------------------------------


@transaction.atomic
def create_article(
    *,
    by,
    slug,
    title,
    summary,
    body_markdown,
    language=settings.LANGUAGE_CODE,
    topic=Topic.GENERAL,
    audience=Audience.PUBLIC,
    translation_of=None,
    references_markdown="",
) -> Article:
    """A new article with its first draft; without a slug, one is made from the title."""
    article = Article(
        slug=slug or Article.objects.unique_slug(title, language=language),
        language=language,
        topic=topic,
        audience=audience,
        translation_of=translation_of,
    )
    article.full_clean()
    article.save()
    version = ArticleVersion(
        article=article,
        title=title,
        summary=summary,
        body_markdown=body_markdown,
        references_markdown=references_markdown,
        author=by,
    )
    version.full_clean(exclude=["number"])
    version.save()
    return article


@transaction.atomic
def save_draft(
    *, article, by, title, summary, body_markdown, references_markdown="", based_on=None
) -> ArticleVersion:
    """Save the editor's text as the article's working draft.

    An open draft is edited in place; if there is none, a new version is made, so the published
    version stays live (and unchanged) while the new one goes through review.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    version = article.draft_to_edit()
    if version is None:
        version = ArticleVersion(article=article, author=by)
    version.title, version.summary, version.body_markdown = title, summary, body_markdown
    version.references_markdown = references_markdown
    if based_on is not None:
        version.based_on = based_on
    version.full_clean(exclude=["number"])
    version.save()
    return version


def restore_version(*, version, by) -> ArticleVersion:
    """Bring an old version's text back as the working draft (it then needs review again)."""
    version.check_action("restore", by)
    return save_draft(
        article=version.article,
        by=by,
        title=version.title,
        summary=version.summary,
        body_markdown=version.body_markdown,
        references_markdown=version.references_markdown,
        based_on=version,
    )


# --- importing Markdown files -------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
# A last section headed "## References" is the version's references, not part of its body.
REFERENCES = re.compile(r"^## References[ \t]*\n(?P<references>.*)\Z", re.DOTALL | re.MULTILINE)
REQUIRED_KEYS = ("slug", "title", "summary")


@dataclass
class ImportResult:
    article: Article
    version: ArticleVersion
    created: bool  # a new version was published (False: the text was already live)


def parse_article_file(text):
    """Split a Markdown file into its front matter (``key: value`` lines) and body; a last
    section headed ``## References`` is left out of the body (:func:`references_of`)."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ValidationError("The file must start with front matter between two '---' lines.")
    meta = {}
    for line in match["meta"].splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition(":")
            if not sep:
                raise ValidationError(f"Front matter line without a colon: {line!r}")
            meta[key.strip().lower()] = value.strip()
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ValidationError(f"Front matter is missing: {', '.join(missing)}.")
    return meta, REFERENCES.sub("", match["body"]).strip() + "\n"


def references_of(text):
    """The references of a Markdown file: its last section headed ``## References``."""
    found = REFERENCES.search(text.replace("\r\n", "\n"))
    return found["references"].strip() + "\n" if found else ""


def import_user():
    """The system account imports are recorded under: inactive, no password, no role."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"first_name": "Content", "last_name": "import", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def import_article(*, text, source="") -> ImportResult:
    """Create or update an article from a Markdown file and publish it.

    Idempotent: when the live version already has this title, summary and body, nothing is
    written. The import is the clinic's own sign-off for content it ships or brings in, so the
    version is published directly and the review note says so.
    """
    meta, body = parse_article_file(text)
    references = references_of(text)
    language = meta.get("language") or settings.LANGUAGE_CODE
    article = Article.objects.select_for_update().filter(slug=meta["slug"], language=language)
    article = article.first() or Article(slug=meta["slug"], language=language)
    for field in ("topic", "audience"):
        if meta.get(field):
            setattr(article, field, meta[field])
    if meta.get("translation_of"):
        article.translation_of = (
            Article.objects.filter(slug=meta["translation_of"]).exclude(language=language).first()
        )
        if article.translation_of is None:
            raise ValidationError(
                f"translation_of: no article {meta['translation_of']!r} in another language. "
                "Import the original first."
            )
    article.full_clean()
    article.save()

    live = article.published_version
    if (
        live is not None
        and article.retired_at is None
        and (live.title, live.summary, live.body_markdown, live.references_markdown)
        == (meta["title"], meta["summary"], body, references)
    ):
        return ImportResult(article=article, version=live, created=False)

    user = import_user()
    now = timezone.now()
    version = ArticleVersion(
        article=article,
        title=meta["title"],
        summary=meta["summary"],
        body_markdown=body,
        references_markdown=references,
        author=user,
        created_at=now,
        submitted_by=user,
        submitted_at=now,
        reviewed_by=user,
        reviewed_at=now,
        review_note=(
            f"Imported from {source or 'a Markdown file'} with import_articles: the clinic's "
            "own text, signed off by the clinic as initial content."
        ),
    )
    # The version becomes live at once, so the draft-stage constraints do not apply to it.
    version.full_clean(exclude=["number"], validate_constraints=False)
    version.render()
    if version.needs_readability_reason:
        version.readability_reason = (
            "The clinic's own text, imported as written; simplify it in a new version."
        )
    version.go_live(by=user)
    article = version.article
    return ImportResult(article=article, version=version, created=True)


def article_files(paths):
    """Expand files and directories into the Markdown files to import, in a stable order."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            # Originals before their translations ("a.md" before "a.es.md"): a translation
            # names the article it translates.
            files.extend(
                sorted(
                    path.glob("*.md"),
                    key=lambda f: (f.name.split(".")[0], f.name.count("."), f.name),
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise ValidationError(f"No such file or directory: {path}")
    return files


# --- assigned reading ---------------------------------------------------------------------------


def article_for_patient(article, patient):
    """The live article to give ``patient`` for ``article``: its published translation in the
    patient's preferred language if there is one (or the original, if the specialist chose a
    translation), else ``article`` itself."""
    language = patient.preferred_language
    if article.language == language:
        return article
    in_language = article.language_variants().filter(language=language).first()
    return in_language or article


def language_name(code):
    """The language's name in the active language (for staff pages and messages)."""
    return translation.get_language_info(code)["name_translated"]


def fallback_note(*, article, patient):
    """The note a specialist sees when ``patient`` gets ``article`` in another language than
    their own ("" when they get it in theirs)."""
    if article.language == patient.preferred_language:
        return ""
    return gettext("No %(wanted)s version is published; the %(given)s article was assigned.") % {
        "wanted": language_name(patient.preferred_language),
        "given": language_name(article.language),
    }


def untranslated(articles, language):
    """Of the live ``articles`` (all of them, originals and translations), the ones with no
    published version in ``language``: assigning one gives a ``language`` reader the article
    as it is (``fallback_note``)."""
    articles = list(articles)
    in_language = {a.translation_of_id or a.pk for a in articles if a.language == language}
    return [
        a
        for a in articles
        if a.language != language and (a.translation_of_id or a.pk) not in in_language
    ]


@transaction.atomic
def assign_article(*, article, patient, assigned_by, note="") -> Assignment:
    """Give ``patient`` the live version of ``article`` to read, and tell them by email.

    The patient gets the article in their preferred language when a translation of it is
    published (``article_for_patient``); otherwise the article as chosen, and the specialist
    is told (``fallback_note``). The email holds only a link to the portal: no article title,
    nothing about their health.
    """
    if not assigned_by.has_perm("education.assign_article"):
        raise ValidationError(gettext("Only a specialist may assign reading to a patient."))
    if not article.is_live:
        raise ValidationError(gettext("Only a published article can be assigned."))
    article = article_for_patient(article, patient)
    assignment = Assignment(
        patient=patient,
        article=article,
        version=article.published_version,
        assigned_by=assigned_by,
        note=note.strip(),
    )
    assignment.full_clean()
    assignment.save()
    record_event(
        AuditEvent.Action.CREATE,
        user=assigned_by,
        obj=assignment,
        patient=patient,
        detail="assigned reading",
    )
    address = patient.email or (patient.user.email if patient.user_id else "")
    if address:
        link = settings.SITE_URL + reverse("education:assignment_detail", args=[assignment.pk])
        queue_email(
            "education.services.assignment_email",
            address=address,
            link=link,
            language=patient.preferred_language,
        )
    return assignment


@email_builder
def assignment_email(address, link, language=None):
    """The new-reading email: the clinic's name and a link, no title or health information; in
    the patient's ``language``."""
    context = {"link": link, "clinic_name": settings.CLINIC_NAME}
    with translation.override(language or settings.LANGUAGE_CODE):
        return EmailMessage(
            subject=gettext("%(clinic)s: something new to read in your portal")
            % {"clinic": settings.CLINIC_NAME},
            body=render_to_string("education/email/assignment.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )


def _reading_event(assignment, *, by, detail):
    record_event(
        AuditEvent.Action.UPDATE,
        user=by,
        obj=assignment,
        patient=assignment.patient,
        detail=detail,
    )


@transaction.atomic
def open_assignment(*, assignment, by) -> bool:
    """The patient opens their reading: the first time is recorded (and audited)."""
    opened = assignment.mark_opened(by=by)
    if opened:
        _reading_event(assignment, by=by, detail="opened reading")
    return opened


@transaction.atomic
def mark_understood(*, assignment, by):
    assignment.mark_understood(by=by)
    _reading_event(assignment, by=by, detail="marked reading understood")


@transaction.atomic
def ask_question(*, assignment, by, text):
    assignment.ask_question(by=by, text=text)
    _reading_event(assignment, by=by, detail="asked a question about reading")


@transaction.atomic
def answer_question(*, assignment, by, text):
    assignment.answer_question(by=by, text=text)
    _reading_event(assignment, by=by, detail="answered a reading question")
