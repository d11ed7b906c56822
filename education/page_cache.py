"""The public article pages, kept ready for anonymous readers (issue 13).

A public article is the same page for every anonymous visitor, and it is the page the clinic
links from everywhere. Its HTML is stored in the shared cache when it is first rendered and
served from there — no session, no database, no template — until something it shows changes:

- the publishing workflow (a version published, withdrawn, retired, an article edited): every
  save of an :class:`~education.models.Article` or :class:`~education.models.ArticleVersion`;
- the figures (a new figure snapshot, written in the background when clinical records change);
  the cases app calls :func:`invalidate` for that, since education does not know cases;
- the calendar day (an article's figures are counted over whole ended years);
- the clinic's details every page shows (``CLINIC_NAME``, ``CLINIC_LOGO``, ``CLINIC_PHONE``,
  ``CLINIC_ADDRESS``): they are part of the page's key, so a restart with a new phone number
  never serves the old one.

Each of these moves a *generation* stored in the cache; a stored page carries the generation and
day it was made for and is only served while both still hold. The cache must be shared by every
process (Redis, or the file cache on one machine — config/settings) so that a change made by the
background worker reaches every web process at once. A cache that fails is a miss: the page is
rendered as usual.

Only anonymous GETs are served from here: a request with a session cookie (signed-in, or a
message waiting for the visitor) or any query string goes the normal way, and only responses the
view marks with :func:`cache_public_page` — 200, no cookie set — are stored.
"""

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "education:public-pages:generation"
PAGE_KEY = "education:public-page:{site}:{path}"
SITE_SETTINGS = ("CLINIC_NAME", "CLINIC_LOGO", "CLINIC_PHONE", "CLINIC_ADDRESS")
TIMEOUT = 24 * 60 * 60  # an unchanged page is rendered again at least daily
MARK = "_education_public_page"


def invalidate():
    """Forget every stored public page (after the transaction that changed them commits)."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache that is down holds no pages to forget
        logger.warning("Could not move the public pages' generation", exc_info=True)


def cache_public_page(view):
    """Mark the responses of ``view`` that the middleware may keep for anonymous readers."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, MARK, True)
        return response

    return wrapper


def _site_fingerprint():
    """A short digest of the clinic's details that every public page shows."""
    details = "\n".join(str(getattr(settings, name, "")) for name in SITE_SETTINGS)
    return hashlib.blake2s(details.encode(), digest_size=6).hexdigest()


def _anonymous_get(request):
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(response):
    return (
        getattr(response, MARK, False)
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
    )


class PublicPageCacheMiddleware:
    """Serves stored public pages to anonymous GETs, and stores the pages views mark.

    Placed before the session middleware: a page served from here costs two cache reads (one
    round trip). The middleware outside it (security headers) still applies; the headers added
    inside it (CSP, frame options, permissions policy) were stored with the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_get(request):
            return self.get_response(request)
        page_key = PAGE_KEY.format(site=_site_fingerprint(), path=request.path)
        today = timezone.localdate().isoformat()
        try:
            found = cache.get_many([GENERATION_KEY, page_key])
        except Exception:
            logger.warning("Public page cache unavailable", exc_info=True)
            return self.get_response(request)
        generation = found.get(GENERATION_KEY)
        stored = found.get(page_key)
        if generation is None:
            generation = uuid.uuid4().hex
            try:
                if not cache.add(GENERATION_KEY, generation, None):
                    generation = cache.get(GENERATION_KEY)
            except Exception:
                return self.get_response(request)
        if stored and stored["generation"] == generation and stored["day"] == today:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"]:
                response[name] = value
            return response
        response = self.get_response(request)
        if generation is not None and _storable(response):
            entry = {
                "generation": generation,
                "day": today,
                "content": response.content,
                "headers": list(response.items()),
            }
            try:
                cache.set(page_key, entry, TIMEOUT)
            except Exception:
                logger.warning("Could not store a public page", exc_info=True)
        return response
