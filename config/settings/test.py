"""The test suite (pytest): production's behaviour with DEBUG off, minus what needs a real
deployment — a fixed key, plain HTTP, no staff two-factor unless a test asks for it, background
tasks run at once, a fast password hasher, mail kept in memory and plain static storage."""

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, STORAGES, env

DEBUG = False
SECRET_KEY = SECRET_KEY or "insecure-key-for-tests-only"

REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)

TASKS = {
    "default": {
        "BACKEND": env.str(
            "DJANGO_TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# One process: an in-memory cache, emptied before each test (tests/conftest.py). Sessions are
# read from the database, as without Redis in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test database is thrown away: its commits (every migration's) need not wait for the disk.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()

# Each view is in the trail when its page is sent, as a test reads it (tests/clinic/
# test_audit_views.py holds views back as production does).
AUDIT_VIEW_DELAY_SECONDS = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
