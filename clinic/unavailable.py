"""What the portal answers when the database or the task queue cannot be reached: 503.

A PostgreSQL restart or fail-over, a network cut or a Redis outage (the RQ task queue) is
brief: the visitor gets a plain page asking to try again in a moment, with ``Retry-After``, not
a traceback nor the "Something went wrong" of a bug. The page needs neither the database nor
the cache (no context processors, no user). A cache outage never gets here: the cache turns it
into a miss (config/settings/base.py).

Only failures of the connection count. A query the database refused (an integrity error, a
cancelled statement, a deadlock) is still a server error (500), logged as one.
"""

import logging
import sqlite3

import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30

# SQLSTATE class 08 (connection exception), and a server shutting down or starting up.
_PG_UNAVAILABLE_PREFIXES = ("08", "57P01", "57P02", "57P03")
_SQLITE_UNAVAILABLE = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_CANTOPEN}


def is_unavailable(exc):
    """True when ``exc`` says the database or the task queue could not be reached."""
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return True
    if isinstance(exc, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE
    if hasattr(cause, "sqlstate"):  # psycopg: a connection that failed has no SQLSTATE at all
        return cause.sqlstate is None or cause.sqlstate.startswith(_PG_UNAVAILABLE_PREFIXES)
    return False


def service_unavailable_response():
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class WithoutTraceback(logging.Filter):
    """Logs an ignored cache error as one line, "Exception ignored: Redis ConnectionError: …":
    while Redis is out every request makes a few, and their tracebacks say nothing more."""

    def filter(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {record.exc_info[1]}"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
