"""Background work of the clinic app (django-tasks: the database backend by default).

Every email the portal sends is one :func:`send_email` task, queued once the transaction that
asked for it commits (:func:`queue_email`). The task builds the message when it runs, through a
function marked :func:`email_builder`: a link holding a secret (a password-setting link, a
check-in link) is made at send time and never sits in the queue, and an email that is no longer
wanted by then (a check-in answered meanwhile) is not sent.
"""

import datetime
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger("clinic.email")

# What a mail server that is down, slow or refusing for now raises: worth another try later.
# (smtplib.SMTPException is an OSError; both are named for the reader.)
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)


def email_builder(function):
    """Mark ``function`` as one :func:`send_email` may call: it takes JSON-able keyword
    arguments and returns an ``EmailMessage`` (or ``EmailMultiAlternatives``), or None when
    there is nothing to send any more."""
    function.is_email_builder = True
    return function


def queue_email(builder: str, **kwargs) -> None:
    """Send the email ``builder`` (the dotted path of an :func:`email_builder`) makes from
    ``kwargs``, in the background, once the current transaction commits."""
    transaction.on_commit(lambda: send_email.enqueue(builder, kwargs))


def retry_delay(attempt: int) -> datetime.timedelta:
    """The wait before attempt ``attempt + 1``: the backoff doubles after each failure."""
    return datetime.timedelta(seconds=settings.EMAIL_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))


@task()
def send_email(builder: str, kwargs: dict, attempt: int = 1) -> str:
    """Build and send one email; on an SMTP error queue the next attempt after a backoff, up to
    ``EMAIL_MAX_ATTEMPTS`` attempts, then log the failure and fail the task (the database
    backend keeps it, with its traceback, in the admin's task results)."""
    build = import_string(builder)
    if not getattr(build, "is_email_builder", False):
        raise ValueError(f"{builder} is not an email builder.")
    message = build(**kwargs)
    if message is None:
        return "nothing to send"
    try:
        message.send()
    except RETRYABLE_ERRORS as error:
        _retry_later(send_email, (builder, kwargs), attempt, error, name=builder)
        return "retrying"
    return "sent"


def _retry_later(failed_task, args, attempt, error, *, name):
    """Queue ``failed_task(*args)`` again after the backoff, or give up (log, re-raise) when
    it has had its ``EMAIL_MAX_ATTEMPTS``."""
    if attempt >= settings.EMAIL_MAX_ATTEMPTS:
        logger.error("Email %s not sent after %d attempts: %s", name, attempt, error)
        raise error
    retry = failed_task
    # The immediate backend (tests) cannot defer: it retries at once.
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + retry_delay(attempt))
    retry.enqueue(*args, attempt + 1)
    logger.warning("Email %s failed (attempt %d), retrying: %s", name, attempt, error)


class _PasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's, minus its catch-all: a mail server's error reaches the task, which
        retries."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            subject, render_to_string(email_template_name, context), from_email, [to_email]
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        message.send()


@task()
def send_password_reset(email: str, attempt: int = 1) -> None:
    """Email a link to choose a new password to each active account with ``email`` that has a
    password (nothing when there is none).

    It runs outside the request that asked for it (``services.request_password_reset``), so that
    the request takes as long for an unknown address as for a known one. The link points to
    ``SITE_URL``, never to the host the request named.
    """
    form = _PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    try:
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    except RETRYABLE_ERRORS as error:
        # Retried like every other email; the link is made again then, never queued.
        _retry_later(send_password_reset, (email,), attempt, error, name="password reset")
