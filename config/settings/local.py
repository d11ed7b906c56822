"""A developer's machine (``make run``, selected by ``DJANGO_DEBUG=true``): DEBUG on, plain HTTP,
a development key, the demo without two-factor unless ``DJANGO_REQUIRE_2FA`` asks for it."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, STORAGES, env

DEBUG = True
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production"

REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=False)

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
