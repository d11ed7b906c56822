"""The signed-in user (with their roles), their permissions and the second factor their session
was verified with, read from the session cache instead of the database on every request (issue
13).

Each entry is forgotten as soon as what it holds changes (clinic/signals.py): a user saved or
deleted, their sessions ended (a new password, a deactivation, a change of role or of rights), a
device saved or deleted; every user's permissions when a role's permissions, a role or a permission
change (a generation that every entry names). Every request then reads the new state, so these
changes take effect on the next request as before. The entries also expire after ``TIMEOUT``
seconds: a change made around Django (SQL by hand) or whose forgetting the cache missed (Redis
unreachable at that moment) takes effect within that time.

Neither secret is cached: the user's password hash stays out (only the session hash computed
from it, which the session itself holds too), and a device keeps only whose it is and whether it
is confirmed — its key is read from the database if it is ever needed.
"""

import copy
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils.crypto import salted_hmac

TIMEOUT = 60  # seconds

DEVICE_FIELDS = ("id", "user_id", "confirmed")


def _cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def user_key(user_id):
    # The session hash cached with the user is computed with the secret key: after a change of
    # key, the entries computed with the old one are not read.
    key_tag = salted_hmac("clinic.auth_cache.user_key", "").hexdigest()[:16]
    return f"signed-in-user:{key_tag}:{user_id}"


def permissions_key(user_id):
    return f"user-permissions:{user_id}"


RIGHTS_GENERATION_KEY = "rights-generation"


def device_key(persistent_id):
    return f"otp-device:{persistent_id}"


def cached(key, load, store=lambda value: value):
    """The value cached under ``key``, else ``load()`` (cached as ``store(value)`` unless None)."""
    value = _cache().get(key)
    if value is None:
        value = load()
        if value is not None:
            _cache().set(key, store(value), TIMEOUT)
    return value


def without_password(user):
    """A copy of ``user`` to cache: its password deferred (read again only if asked for), with
    the session hash that django.contrib.auth checks on each request computed from it now."""
    kept = copy.copy(user)
    kept.cached_session_auth_hash = user.get_session_auth_hash()
    del kept.password
    return kept


def device_without_key(device):
    """A copy of ``device`` to cache: whose it is and whether it is confirmed, the rest (its
    key) deferred."""
    values = [getattr(device, name) for name in DEVICE_FIELDS]
    return type(device).from_db(device._state.db, DEVICE_FIELDS, values)


def forget(key):
    """Drop ``key`` now, and again once the change is committed: a request that read the old row
    in between may have cached it again."""
    _cache().delete(key)
    transaction.on_commit(lambda: _cache().delete(key))


def forget_user(user_id):
    forget(user_key(user_id))
    forget(permissions_key(user_id))


def permissions(user_id, load):
    """The set of ``"app_label.codename"`` the user holds, else ``load()`` (then cached). An entry
    is read only under the rights generation it was computed in: one read of the cache for both."""
    key = permissions_key(user_id)
    found = _cache().get_many([RIGHTS_GENERATION_KEY, key])
    generation, entry = found.get(RIGHTS_GENERATION_KEY), found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        generation = uuid.uuid4().hex
        if not _cache().add(RIGHTS_GENERATION_KEY, generation, None):
            generation = _cache().get(RIGHTS_GENERATION_KEY)
    value = load()
    if generation is not None:
        _cache().set(key, (generation, value), TIMEOUT)
    return value


def forget_rights():
    """Every user's cached permissions: now, and again once the change is committed."""

    def move():
        _cache().set(RIGHTS_GENERATION_KEY, uuid.uuid4().hex, None)

    move()
    transaction.on_commit(move)


def forget_device(device):
    forget(device_key(device.persistent_id))
