"""The benchmark's settings: production's (DEBUG off, staff two-factor on), with the two
hello-world views of bench/urls.py in front of the portal's URLs. Plain HTTP on 127.0.0.1 comes
from the environment bench/pages.py sets (``DJANGO_SECURE_SSL_REDIRECT=false``)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The static files keep their hashed names (the pages render the same links), without
# production's gzip and Brotli copies: the benchmark never fetches them, and compressing them
# took minutes of every run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
