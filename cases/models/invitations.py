"""The link in a check-in email, which opens that one check-in without a password once the
patient confirms their date of birth (``cases.checkins_views``).

Only the SHA-256 of the token is stored: whoever reads the database (or a backup) cannot rebuild
a working link. The raw token exists in the email alone; it is made when the email is built, at
send time, so it never sits in the task queue either.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Wrong dates of birth before the check-in's links lock (the patient then logs in as usual).
MAX_DATE_OF_BIRTH_ATTEMPTS = 3


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CheckinLinkQuerySet(models.QuerySet):
    def for_token(self, token):
        """The link of ``token`` (any string), else None."""
        if not token or len(token) > 100:
            return None
        return (
            self.select_related("follow_up__patient__user")
            .filter(token_hash=hash_token(token))
            .first()
        )


class CheckinLink(models.Model):
    """One emailed link to one follow-up's check-in. Valid until the window closes, used once to
    submit, locked (with every other link of the same check-in) after three wrong dates of
    birth."""

    follow_up = models.ForeignKey(
        "FollowUp", on_delete=models.PROTECT, related_name="checkin_links"
    )
    reminder = models.ForeignKey(
        "CheckinReminder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        help_text=_("The email that carried the link (a retried email carries a new one)."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_on = models.DateField(help_text=_("The last day the link works: the window's close."))
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = CheckinLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(failed_attempts__lte=MAX_DATE_OF_BIRTH_ATTEMPTS),
                name="checkinlink_attempts_bounded",
            ),
        ]

    def __str__(self):
        return f"Check-in link for follow-up {self.follow_up_id}"

    @classmethod
    def issue(cls, *, follow_up, reminder=None):
        """A new link for ``follow_up``: returns ``(link, token)``; the token is not stored."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            follow_up=follow_up,
            reminder=reminder,
            token_hash=hash_token(token),
            expires_on=follow_up.window_closes,
        )
        return link, token

    def is_expired(self, today=None):
        return (today or timezone.localdate()) > self.expires_on

    def wrong_dates(self):
        """Wrong dates of birth given through any link of this check-in."""
        total = CheckinLink.objects.filter(follow_up_id=self.follow_up_id).aggregate(
            n=Sum("failed_attempts")
        )["n"]
        return total or 0

    def is_locked(self):
        return self.locked_at is not None or self.wrong_dates() >= MAX_DATE_OF_BIRTH_ATTEMPTS
