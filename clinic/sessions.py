"""The sessions' store (``SESSION_ENGINE``): Django's ``cached_db``, read through the cache and
written to the database, except for one answer.

Django's database store turns any database error met while saving a session into
``UpdateError``, which its middleware answers with 400 ("the session was deleted before the
request completed"). When the error is that the database cannot be reached, the request gets the
portal's 503 page with Retry-After instead, as every other request does then
(``clinic/unavailable.py``): a page that needed no query of its own — from the page cache, say —
still saves the session's activity stamp now and then.
"""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError

from clinic import unavailable


class SessionStore(cached_db.SessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create)
        except UpdateError as error:
            failure = error.__context__  # what the database store caught
            if failure is not None and unavailable.is_unavailable(failure):
                raise failure from failure.__cause__  # the driver's error says why
            raise
