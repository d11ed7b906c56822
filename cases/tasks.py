"""Background work of the cases app (django-tasks: the database backend by default)."""

import datetime

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

# A page that finds the figures stale asks for a refresh at most this often (per cache).
REFRESH_REQUEST_SECONDS = 30


@task()
def refresh_outcome_figures(requested_at: str) -> str:
    """Recompute the outcome figures, unless a snapshot begun since the request exists."""
    from cases import outcomes
    from cases.models import FigureSnapshot

    requested = datetime.datetime.fromisoformat(requested_at)
    latest = FigureSnapshot.objects.order_by("-pk").values_list("started_at", "as_of").first()
    if latest and latest[0] >= requested and latest[1] == timezone.localdate():
        return "already current"
    outcomes.refresh()
    return "refreshed"


def request_refresh():
    """Enqueue a refresh of the outcome figures (pages may call this on every view)."""
    refresh_outcome_figures.enqueue(timezone.now().isoformat())


def request_refresh_from_page(stale=None):
    """As :func:`request_refresh`, once per ``REFRESH_REQUEST_SECONDS`` for a stale snapshot.

    ``stale`` identifies the snapshot found stale (None: there is none yet).
    """
    key = "cases:figures-refresh:" + ("none" if stale is None else f"{stale}")
    if cache.add(key, True, REFRESH_REQUEST_SECONDS):
        request_refresh()
