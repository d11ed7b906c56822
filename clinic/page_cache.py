"""The signed-in pages' HTML, kept in the shared cache until what they show changes (issue 13).

The pages behind the login cost their queries and their template far more than the request
around them. A view here still does everything a GET does — the permission checks, the audit
event of a patient's record opened, the "first opened" mark of a patient's reading — and then
renders through :func:`render`: the body comes from the cache when an entry made for the same
page still holds, else the context is built and the template rendered as usual (and the result
kept). Only the body (and the headers the view itself sets, as a download's name) is kept: the
middleware adds its headers (CSP, frame options, no-store) to every response as before.

An entry is made for one reader and one page: its key holds the user and their roles, the
language, the full path with its query string, the local date (pages say "due in 3 days"), a
digest of the session's CSRF secret (the forms on the page carry a token made from it), and the
clinic's details every page shows (``CLINIC_NAME`` …). It is served only while the *generations*
of the data it shows hold:

- a page of one patient's records (their timeline, their own dashboard, their reading) holds
  that patient's generation and the shared one (articles, people and roles, figures);
- a page across patients (the patient list, the clinicians' dashboard, the outcome pages) holds
  the clinic's, which every write moves;
- a page that shows the clinic's outcome figures (a patient's reading: its live figures) also
  holds the figures' one, which a refresh of the figures moves (and nothing else): the refresh
  that follows every clinical change then leaves the other patients' pages in the cache.

:func:`connect` moves them on each save or delete of the project's own models (and on each
change of a role), now and again once the transaction commits; the writes no page shows — the
audit trail, a login's timestamp — move nothing. A request with a message waiting renders as
usual (the message is shown once, never stored), and only a 200 is kept. Entries expire after
``TIMEOUT``: a change made around Django (SQL by hand) shows within that time. A cache that is
down or fails is a miss: the page is rendered as usual.

These are pages of health information in a shared cache: the cache must be private to the
portal (README, Security), as it already holds the sessions.
"""

import functools
import hashlib
import logging
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.shortcuts import render as render_page
from django.utils import timezone, translation

from clinic.models import AuditEvent, Patient, User

logger = logging.getLogger(__name__)

TIMEOUT = 10 * 60  # seconds
PAGE_KEY = "clinic:page:{digest}"
GENERATION_KEY = "clinic:page-generation:{name}"
CLINIC = "clinic"  # every page across patients
SHARED = "shared"  # what one patient's pages show besides their records: articles, people
FIGURES = "figures"  # the clinic's outcome figures (the models an app names: register_figures)
SITE_SETTINGS = ("CLINIC_NAME", "CLINIC_LOGO", "CLINIC_PHONE", "CLINIC_ADDRESS")
# The apps whose models the pages show; the writes of the others (sessions, axes, tasks) and
# the ones below move nothing.
APPS = ("clinic", "education", "cases", "interop")
UNSHOWN_MODELS = (AuditEvent,)
UNSHOWN_USER_FIELDS = {"last_login"}
_figure_models = set()


def register_figures(*models):
    """The models that hold the outcome figures pages show (cases' snapshots): their writes move
    the figures' generation and the clinic's, not the shared one."""
    _figure_models.update(models)


def patient_generation(patient_pk):
    return f"patient:{patient_pk}"


def render(request, template_name, context, *, patient=None, figures=False):
    """``django.shortcuts.render`` through the cache: ``context()`` builds the context (only on a
    miss); ``patient`` (a primary key) is whose records alone the page shows, if it is one
    patient's page; ``figures``, whether it shows the clinic's outcome figures."""
    return respond(
        request,
        lambda: render_page(request, template_name, context()),
        patient=patient,
        figures=figures,
    )


def respond(request, make_response, *, patient=None, figures=False):
    """The response ``make_response()`` gives, its body from the cache if an entry holds.
    ``make_response()`` may answer None (nothing to send): that is passed on, never kept."""
    if not _cacheable(request):
        return make_response()
    names = _names(patient, figures)
    generation_keys = _generation_keys(names)
    page_key = _page_key(request)
    try:
        found = cache.get_many([*generation_keys, page_key])
        generations = [found.get(key) or _start_generation(key) for key in generation_keys]
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
        return make_response()
    stored = found.get(page_key)
    if stored is not None and stored["generations"] == generations:
        return _kept_response(stored)
    response = make_response()
    if response is None or response.status_code != 200 or not _cacheable(request):
        return response
    if response.streaming:  # a download, kept whole: the outcome CSV is a few kilobytes
        response = _whole(response)
    entry = {
        "generations": generations,
        "patient": patient,
        "figures": figures,
        "content": response.content,
        "headers": list(response.items()),
    }
    try:
        # Rendering may have made the session's CSRF secret (a first form): keep it with that.
        cache.set(_page_key(request), entry, TIMEOUT)
    except Exception:
        logger.warning("Could not store a page", exc_info=True)
    return response


def kept(request):
    """``(patient, response)``: the page of one patient's records kept for ``request``, and that
    patient's primary key, if an entry still holds; else None. For a view that reads the
    database only to know whose page it is (and whether the reader may see it): an entry made
    for this reader and this path answers both while the generations it holds have not moved —
    a record deleted, given to another patient or to another account moves them, and the roles
    are in the key."""
    if not _cacheable(request):
        return None
    try:
        stored = cache.get(_page_key(request))
        if stored is None or stored.get("patient") is None or "figures" not in stored:
            return None  # not one patient's page (or kept by an earlier release)
        generation_keys = _generation_keys(_names(stored["patient"], stored["figures"]))
        found = cache.get_many(generation_keys)
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
        return None
    if [found.get(key) for key in generation_keys] != stored["generations"]:
        return None
    return stored["patient"], _kept_response(stored)


def _names(patient, figures):
    names = (SHARED, patient_generation(patient)) if patient is not None else (CLINIC,)
    return (*names, FIGURES) if figures else names


def _generation_keys(names):
    return [GENERATION_KEY.format(name=name) for name in names]


def _kept_response(stored):
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"]:
        response[name] = value
    return response


def _cacheable(request):
    """A signed-in GET with no message waiting (or added by the view) to be shown once."""
    return (
        request.method == "GET"
        and request.user.is_authenticated
        and not len(getattr(request, "_messages", ()))
    )


def _start_generation(key):
    generation = uuid.uuid4().hex
    if not cache.add(key, generation, None):
        generation = cache.get(key)
    return generation


def _page_key(request):
    user = request.user
    csrf_secret = request.META.get("CSRF_COOKIE") or ""
    parts = [
        str(user.pk),
        ",".join(sorted(user.role_names)),
        f"superuser={user.is_superuser},staff={user.is_staff}",
        translation.get_language() or "",
        request.get_full_path(),
        timezone.localdate().isoformat(),
        hashlib.sha256(csrf_secret.encode()).hexdigest(),
        *(str(getattr(settings, name, "")) for name in SITE_SETTINGS),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return PAGE_KEY.format(digest=digest)


def _whole(response):
    whole = HttpResponse(b"".join(response.streaming_content))
    for name, value in response.items():
        whole[name] = value
    return whole


# --- generations: moved by the writes the pages show ----------------------------------------------


def move(*names):
    """New generations for ``names``: now, and again once the transaction commits (a request
    that read the rows before the commit may have kept a page under the new one) — once a
    transaction, however many rows it writes."""
    _set_generations(names)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    pending = _pending_moves(connection)
    if pending is None:
        pending = set()
        callback = functools.partial(_set_generations, pending)
        callback.page_generations = pending
        transaction.on_commit(callback, robust=True)
    pending.update(names)


def _pending_moves(connection):
    """The names to move when the transaction (or savepoint) open on ``connection`` commits."""
    savepoints = set(connection.savepoint_ids)
    for callback_savepoints, callback, _robust in connection.run_on_commit:
        if callback_savepoints == savepoints and hasattr(callback, "page_generations"):
            return callback.page_generations
    return None


def _set_generations(names):
    try:
        cache.set_many({GENERATION_KEY.format(name=name): uuid.uuid4().hex for name in names}, None)
    except Exception:  # a cache that is down holds no pages to forget
        logger.warning("Could not move the pages' generations", exc_info=True)


def _patient_of(instance):
    """The primary key of the patient whose record ``instance`` is part of, if one's."""
    model = getattr(instance, "instance_type", type(instance))  # a historical row: its model's
    if issubclass(model, Patient):
        return instance.pk if model is type(instance) else instance.id
    return getattr(instance, "patient_id", None)


def _saved(sender, instance, update_fields=None, **kwargs):
    if isinstance(instance, User) and update_fields and set(update_fields) <= UNSHOWN_USER_FIELDS:
        return
    if type(instance) in _figure_models:
        move(CLINIC, FIGURES)
        return
    patient = _patient_of(instance)
    move(CLINIC, patient_generation(patient) if patient is not None else SHARED)


def _relation_changed(sender, action, **kwargs):
    """A role given or taken away (``user.groups``), or a role's permissions changed."""
    if action in ("post_add", "post_remove", "post_clear"):
        move(CLINIC, SHARED)


def connect():
    """Every save and delete of the pages' models (and the roles) moves their generations."""
    models = [Group]
    for label in APPS:
        models += apps.get_app_config(label).get_models(include_auto_created=True)
    for model in models:
        if issubclass(model, UNSHOWN_MODELS):
            continue
        uid = f"clinic.page_cache.{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}.deleted")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _relation_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )
