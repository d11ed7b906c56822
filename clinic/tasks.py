"""Background work of the clinic app (django-tasks: the database backend by default)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django_tasks import task


@task()
def send_password_reset(email: str) -> None:
    """Email a link to choose a new password to each active account with ``email`` that has a
    password (nothing when there is none).

    It runs outside the request that asked for it (``services.request_password_reset``), so that
    the request takes as long for an unknown address as for a known one. The link points to
    ``SITE_URL``, never to the host the request named.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
