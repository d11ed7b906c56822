"""The one way to write the audit trail, and the one rule for a client's IP address.

Services never take the HTTP request (docs/architecture.md): :class:`RequestContextMiddleware`
puts the client's address in a context variable for as long as a request is served, and
:func:`record_event` reads it from there. In a management command or a background task there is
no request, and the entry has no address, as before.

Every change and every sign-in is written at once, in the transaction of what it records. A
page viewed or a file downloaded is written within ``AUDIT_VIEW_DELAY_SECONDS`` (one second by
default), together with the other reads of the same process (:class:`ViewEvents`): on
PostgreSQL that one INSERT and its commit cost a page served from the cache as much as the rest
of the request. What that
trades, and what it does not, is in the README (Audit trail).
"""

import atexit
import contextvars
import ipaddress
import logging
import os
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, models, transaction

from clinic.models import AuditEvent, Patient, User

logger = logging.getLogger(__name__)


def client_ip(request):
    """The client's IP address, for the audit trail and django-axes' lockout alike.

    Without a proxy it is the socket's address. Behind ``CLIENT_IP_PROXY_COUNT`` trusted
    proxies, each of which appends the address it received the request from to the
    ``CLIENT_IP_HEADER`` (nginx's ``proxy_add_x_forwarded_for`` does), it is the entry that many
    places from the right: anything further left was sent by the client and proves nothing. A
    header with too few entries, or an entry that is not an address, gives the socket's address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.CLIENT_IP_PROXY_COUNT
    if count <= 0:
        return remote
    entries = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count].strip()))
    except ValueError:
        return remote


# The client's address of the request being served; None outside one.
_client_ip = contextvars.ContextVar("audit_client_ip", default=None)


@contextmanager
def request_context(request):
    """Audit entries written inside carry ``request``'s client address (and only inside)."""
    token = _client_ip.set(client_ip(request))
    try:
        yield
    finally:
        _client_ip.reset(token)


class RequestContextMiddleware:
    """Sets the request context for everything below it: views, the admin, login signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)


def record_event(
    action,
    *,
    user=None,
    obj=None,
    patient=None,
    detail="",
    username="",
):
    """Append one AuditEvent: who did ``action`` to ``obj`` (about ``patient``), from where.

    ``detail`` is a short description of *what* happened; it must never hold health values. The
    address is the one of the request being served (:class:`RequestContextMiddleware`), if any.
    """
    event = _event(action, user=user, obj=obj, patient=patient, detail=detail, username=username)
    event.save(force_insert=True)
    return event


def _event(action, *, user, obj, patient, detail, username=""):
    """The AuditEvent, unsaved, stamped now."""
    if patient is None and isinstance(obj, Patient):
        patient = obj
    if patient is None and obj is not None:
        patient = getattr(obj, "patient", None)
    object_type = object_id = ""
    if isinstance(obj, models.Model):
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    # By keys: an event held back (ViewEvents) keeps no one's object, nor one deleted since.
    return AuditEvent(
        action=action,
        user_id=user.pk if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        object_type=object_type,
        object_id=object_id,
        patient_id=patient.pk if patient is not None else None,
        ip_address=_client_ip.get(),
        detail=detail[:255],
    )


def record_view(request, obj=None, *, detail, patient=None):
    """Audit the reading of a page that shows a patient's record, or a list of patients.

    Whatever the method: a form posted back and shown again with its errors shows the record as
    much as the form opened by a GET. Call it on the path that renders the page, so that a form
    saved (audited by what it writes, then redirected) leaves one event, not two.
    """
    return _record_read(AuditEvent.Action.VIEW, request, obj, detail=detail, patient=patient)


def record_export(request, *, detail):
    """Audit a download: a file of what the portal shows (a CSV), read as a page is."""
    return _record_read(AuditEvent.Action.EXPORT, request, detail=detail)


def _record_read(action, request, obj=None, *, detail, patient=None):
    """A read (a page or a file) is stamped now and written within ``AUDIT_VIEW_DELAY_SECONDS``
    (:class:`ViewEvents`), or at once when that is 0 or the last write of held events failed."""
    event = _event(action, user=request.user, obj=obj, patient=patient, detail=detail)
    if not view_events.hold(event):
        event.save(force_insert=True)
    return event


class ViewEvents:
    """The reads (views and downloads) of this process not yet in the trail.

    A thread of the process writes them, all in one INSERT, ``AUDIT_VIEW_DELAY_SECONDS`` after
    the first was held; the request that holds the ``MAX_HELD``-th writes them itself; the
    process writes what it holds when it exits (gunicorn's workers exit by ``sys.exit``, so a
    restart or a graceful stop loses none). Only a process killed outright loses what it holds:
    the reads of at most that last delay.

    A page is never shown without its event held or written: while a write fails (the database
    is unreachable), what was held stays held and is tried again after each delay, and every new
    read is written at once, so that a page that cannot be audited answers the database's 503
    as before.
    """

    MAX_HELD = 500

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a child holds nothing of its parent's
        atexit.register(self._write_at_exit)

    def _reset(self):
        self._lock = threading.Lock()  # guards _held and _thread
        self._writing = threading.Lock()  # one write at a time
        self._held = []
        self._failing = False
        self._due = threading.Event()
        self._thread = None

    def hold(self, event):
        """Take ``event`` to write later; False when the caller must write it now."""
        if settings.AUDIT_VIEW_DELAY_SECONDS <= 0 or self._failing:
            return False
        with self._lock:
            self._held.append(event)
            count = len(self._held)
            if self._thread is None or not self._thread.is_alive():
                self._start_writer()
        if count >= self.MAX_HELD:
            self.write()
        elif count == 1:
            self._due.set()
        return True

    def _start_writer(self):
        self._thread = threading.Thread(target=self._run, name="audit-views", daemon=True)
        self._thread.start()

    def held(self):
        with self._lock:
            return len(self._held)

    def write(self):
        """Write what is held, now, in one transaction; the number written. On a failure what
        was held is kept (to be tried again) and the error raised."""
        with self._writing:
            with self._lock:
                events, self._held = self._held, []
            if not events:
                return 0
            try:
                _insert(events)
            except Exception:
                with self._lock:
                    self._held[:0] = events
                self._failing = True
                self._due.set()  # the writer tries them again after the delay
                raise
            self._failing = False
            return len(events)

    def _run(self):
        while True:
            self._due.wait()
            self._due.clear()
            time.sleep(settings.AUDIT_VIEW_DELAY_SECONDS)
            try:
                self.write()
            except Exception:
                logger.exception("View events could not be written; they are kept and retried.")
            finally:
                connections.close_all()  # this thread's own: none is held between writes

    def _write_at_exit(self):
        try:
            self.write()
        except Exception:
            logger.exception("View events could not be written when the process exited.")


def _insert(events):
    # Someone an event names may have been deleted since it was held (a new account removed
    # within the delay): the event stays, without the link to what is gone.
    for field, model in (("user_id", User), ("patient_id", Patient)):
        named = {getattr(event, field) for event in events} - {None}
        if named:
            gone = named - set(model.objects.filter(pk__in=named).values_list("pk", flat=True))
            for event in events:
                if getattr(event, field) in gone:
                    setattr(event, field, None)
    for event in events:  # a failed attempt may have numbered them
        event.pk = None
        event._state.adding = True
    with transaction.atomic():
        AuditEvent.objects.bulk_create(events)


view_events = ViewEvents()
