"""Production: DEBUG off, HTTPS only, staff two-factor on (all from ``base``), and no start
without a secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
        "or set DJANGO_DEBUG=true for local development."
    )
