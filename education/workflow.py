"""The editorial workflow of an article version, declared in one place.

``ACTIONS`` says, for each step (submit for review, approve, request changes, publish, withdraw,
discard, restore, edit), who may take it (the permissions) and from which states. Everything
reads this declaration: the model's transitions refuse a step it does not allow, the view refuses
a POST for a step the user lacks the permission for (403), and the version page shows the buttons
of ``ArticleVersion.available_actions(user)`` (in the manner of Wagtail's ``Task.get_actions``).
See docs/architecture.md.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Published articles are due for a clinical re-review after this many days.
REVIEW_INTERVAL_DAYS = getattr(settings, "EDUCATION_REVIEW_INTERVAL_DAYS", 365)

EDIT = "education.change_articleversion"
REVIEW = "education.review_article"
PUBLISH = "education.publish_article"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In clinical review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")
    DISCARDED = "discarded", _("Discarded")

    @classmethod
    def working(cls):
        return [cls.DRAFT, cls.IN_REVIEW, cls.CHANGES_REQUESTED, cls.APPROVED]

    @classmethod
    def editable(cls):
        return [cls.DRAFT, cls.CHANGES_REQUESTED]

    @classmethod
    def finished(cls):
        """States a version's text can be restored from as a new draft."""
        return [cls.PUBLISHED, cls.SUPERSEDED, cls.RETIRED, cls.DISCARDED]


STATUS_REFUSAL = _("Version {number} is {status}; it cannot be {verb}.")


@dataclass(frozen=True)
class Action:
    """One workflow step: who may take it, from which states, and what the page calls it."""

    name: str
    label: str
    permissions: tuple[str, ...]
    from_statuses: tuple[str, ...]
    refused_without_permission: str
    verb: str = ""
    status_refusal: str = STATUS_REFUSAL
    done: str = ""
    not_by_author: bool = False  # nobody reviews their own text
    perform: Callable | None = None  # (version, by, data) -> result; None: a page (GET) step

    def permitted(self, user):
        return user.has_perms(self.permissions)

    def refusal(self, version, user):
        """Why ``user`` may not take this step on ``version`` now, or None if they may."""
        if not self.permitted(user):
            return self.refused_without_permission
        if version.status not in self.from_statuses:
            return self.status_refusal.format(
                number=version.number,
                status=version.get_status_display().lower(),
                verb=self.verb,
            )
        if self.not_by_author and user.pk == version.author_id:
            return _("The author of a version cannot review it.")
        return None

    def url(self, version):
        if self.perform is None:
            return reverse("education:article_edit", args=[version.article_id])
        return reverse("education:version_action", args=[version.pk, self.name])


def _restore(version, by, data):
    from education import services  # the services import the models, which import this module

    return services.restore_version(version=version, by=by)


S = VersionStatus
ACTIONS = {
    action.name: action
    for action in [
        Action(
            "edit",
            _("Edit"),
            ("education.change_article", EDIT),
            tuple(S.editable()),
            _("Only content editors may edit."),
            verb=_("edited"),
        ),
        Action(
            "submit",
            _("Submit for clinical review"),
            (EDIT,),
            tuple(S.editable()),
            _("Only content editors may submit for review."),
            verb=_("submitted for review"),
            done=_("Submitted for clinical review."),
            perform=lambda version, by, data: version.submit_for_review(by=by),
        ),
        Action(
            "discard",
            _("Discard this draft"),
            (EDIT,),
            tuple(S.editable()),
            _("Only content editors may discard."),
            verb=_("discarded (only a draft can be)"),
            done=_("Discarded: the draft is kept on record, out of the workflow."),
            perform=lambda version, by, data: version.discard(by=by),
        ),
        Action(
            "approve",
            _("Approve"),
            (REVIEW,),
            (S.IN_REVIEW,),
            _("Only a specialist may give the clinical review."),
            verb=_("approved"),
            done=_("Approved. An editor can now publish it."),
            not_by_author=True,
            perform=lambda version, by, data: version.approve(by=by, note=data.get("note", "")),
        ),
        Action(
            "request-changes",
            _("Request changes"),
            (REVIEW,),
            (S.IN_REVIEW,),
            _("Only a specialist may give the clinical review."),
            verb=_("sent back"),
            done=_("Sent back to the editor with your note."),
            not_by_author=True,
            perform=lambda version, by, data: version.request_changes(
                by=by, note=data.get("note", "")
            ),
        ),
        Action(
            "publish",
            _("Publish"),
            (PUBLISH,),
            (S.APPROVED,),
            _("Only content editors may publish."),
            verb=_("published (it needs clinical approval)"),
            done=_("Published: patients now see this version."),
            perform=lambda version, by, data: version.publish(by=by, reason=data.get("reason", "")),
        ),
        Action(
            "withdraw",
            _("Withdraw to edit"),
            (EDIT,),
            (S.IN_REVIEW, S.APPROVED),
            _("Only content editors may withdraw."),
            verb=_("withdrawn"),
            done=_("Withdrawn: the version is a draft again."),
            perform=lambda version, by, data: version.withdraw(by=by),
        ),
        Action(
            "restore",
            _("Restore as a new draft"),
            (EDIT,),
            tuple(S.finished()),
            _("Only content editors may restore a version."),
            status_refusal=_("Version {number} is the current draft already."),
            done=_("Restored as the working draft."),
            perform=_restore,
        ),
    ]
}


@dataclass(frozen=True)
class AvailableAction:
    name: str
    label: str
    url: str


class VersionWorkflow:
    """The transitions of ``ArticleVersion``: each checks ``ACTIONS``, then saves with
    ``update_fields``."""

    def available_actions(self, user):
        """The steps ``user`` may take on this version now, in the declared order, by name
        (with ``_`` for ``-``, so that a template can read ``actions.request_changes``)."""
        return {
            action.name.replace("-", "_"): AvailableAction(
                action.name, action.label, action.url(self)
            )
            for action in ACTIONS.values()
            if action.refusal(self, user) is None
        }

    def check_action(self, name, by):
        """Raise ``ValidationError`` unless ``by`` may take step ``name`` on this version now."""
        refusal = ACTIONS[name].refusal(self, by)
        if refusal is not None:
            raise ValidationError(refusal)

    def submit_for_review(self, *, by):
        self.check_action("submit", by)
        self.status = VersionStatus.IN_REVIEW
        self.submitted_by, self.submitted_at = by, timezone.now()
        # A resubmission after "changes requested" needs a fresh review; the earlier note
        # stays until the reviewer replaces it (and the history keeps every one).
        self.reviewed_by = self.reviewed_at = None
        self.save(
            update_fields=["status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
        )

    def withdraw(self, *, by):
        """Take a version out of review (or an approved one back) to edit it again."""
        self.check_action("withdraw", by)
        self.status = VersionStatus.DRAFT
        self.reviewed_by = self.reviewed_at = self.submitted_by = self.submitted_at = None
        self.review_note = ""
        self.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "submitted_by",
                "submitted_at",
                "review_note",
            ]
        )

    def discard(self, *, by):
        """Abandon a draft that will not be published. It stays on record, out of the workflow;
        the article can then be given a new draft."""
        self.check_action("discard", by)
        self.status = VersionStatus.DISCARDED
        self.save(update_fields=["status"])

    def _review(self, *, by, action, status, note):
        self.check_action(action, by)
        self.status = status
        self.reviewed_by, self.reviewed_at, self.review_note = by, timezone.now(), note
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])

    def approve(self, *, by, note=""):
        self._review(by=by, action="approve", status=VersionStatus.APPROVED, note=note.strip())

    def request_changes(self, *, by, note):
        if not (note or "").strip():
            raise ValidationError(_("Say what needs to change: the note is required."))
        self._review(
            by=by,
            action="request-changes",
            status=VersionStatus.CHANGES_REQUESTED,
            note=note.strip(),
        )

    def publish(self, *, by, reason=""):
        """Make this approved version the live one; the previous live version is superseded."""
        self.check_action("publish", by)
        reason = (reason or "").strip()
        if self.needs_readability_reason and not reason:
            raise ValidationError(self.readability_refusal)  # per language: readability.SCALES
        with transaction.atomic():
            self.readability_reason = reason if self.needs_readability_reason else ""
            self.save(update_fields=["readability_reason"])
            self.go_live(by=by)

    def go_live(self, *, by):
        """Make this version the article's live one; the previous live version is superseded.

        Callers check the workflow first (``publish``; the import is its own sign-off)."""
        Article = self._meta.get_field("article").related_model
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=self.article_id)
            previous = article.published_version
            if previous is not None and previous.status == VersionStatus.PUBLISHED:
                previous.status = VersionStatus.SUPERSEDED
                previous.save(update_fields=["status"])
            now = timezone.now()
            self.status = VersionStatus.PUBLISHED
            self.published_by, self.published_at = by, now
            if self.pk is None:
                self.save()
            else:
                self.save(update_fields=["status", "published_by", "published_at"])
            article.published_version = self
            article.retired_at = article.retired_by = None
            article.next_review_due = timezone.localdate(now) + datetime.timedelta(
                days=REVIEW_INTERVAL_DAYS
            )
            article.save(
                update_fields=["published_version", "retired_at", "retired_by", "next_review_due"]
            )
        self.article = article
