"""The licensed wording of the check-in questionnaires, and the emails a check-in gets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.choices import InstrumentCode
from clinic.models import choices_check


class InstrumentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_language(self, code, language):
        """The active wording of ``code`` in ``language``, else None: a questionnaire is never
        shown in another language than the rest of the check-in (issue 16), so a language with
        no loaded wording leaves the instrument out."""
        return self.active().filter(code=code, language=language).first()


class Instrument(models.Model):
    """A questionnaire's licensed wording, loaded by ``manage.py load_instrument`` (never shipped).

    ``sections`` is ``[{"code": "odi_01", "title": "…", "options": ["…" × 6]}, …]``; the format is
    in cases/instrument_format.md. One version per code and language is active.
    """

    Code = InstrumentCode

    code = models.CharField(_("code"), max_length=10, choices=InstrumentCode)
    version = models.CharField(_("version"), max_length=40)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True, max_length=4000)
    sections = models.JSONField(_("sections"))
    is_active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version", "language"], name="instrument_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code", "language"],
                condition=Q(is_active=True),
                name="instrument_one_active_per_language",
            ),
            choices_check("code", InstrumentCode, "instrument_code_valid"),
        ]

    def __str__(self):
        return f"{self.get_code_display()} {self.version} ({self.language})"


class CheckinEmailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER_1 = "reminder_1", _("First reminder")
    REMINDER_2 = "reminder_2", _("Second reminder")
    REMINDER_3 = "reminder_3", _("Third reminder")


class CheckinReminder(models.Model):
    """One email about a follow-up's check-in: the invitation when its window opens, then the
    reminders (``settings.CHECKIN_REMINDER_DAYS``). Written when the email is queued; the unique
    (follow_up, kind) refuses a second of the same kind, so two scheduler runs queue one."""

    Kind = CheckinEmailKind

    follow_up = models.ForeignKey(
        "FollowUp",
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("follow-up"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CheckinEmailKind, default=CheckinEmailKind.INVITATION
    )
    sent_at = models.DateTimeField(
        _("sent at"), default=timezone.now, help_text=_("When the email was queued.")
    )
    email = models.EmailField(_("email"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "kind"], name="checkinreminder_one_per_kind"
            ),
            choices_check("kind", CheckinEmailKind, "checkinreminder_kind_valid"),
        ]

    def __str__(self):
        return f"Check-in {self.get_kind_display().lower()} for follow-up {self.follow_up_id}"
