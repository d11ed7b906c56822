"""Writes of the clinic app that have side effects beyond one model."""

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext_noop

from clinic.tasks import send_password_reset

# Reset links asked for one address, and requests from one IP address, within the window.
PASSWORD_RESET_PER_ADDRESS = 3
PASSWORD_RESET_PER_IP = 10
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_LIMITED = gettext_noop(
    "Too many password reset links were asked for this email address, or from your network, in "
    "the last hour. Please wait an hour and try again, or contact the clinic."
)


def _count(key):
    """One more request under ``key`` within the window; the number so far."""
    cache.add(key, 0, PASSWORD_RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, PASSWORD_RESET_WINDOW_SECONDS)
        return 1
    # None: the cache could not be reached (a miss, config/settings/base.py). The limits do not
    # hold while it is out; the queue that sends the email is on the same Redis, and its failure
    # answers 503 (clinic/unavailable.py).
    return count or 0


def request_password_reset(*, email: str, ip: str | None) -> bool:
    """Queue the email with a reset link for ``email``; False, and nothing queued, when the
    address or the IP has asked too often within the window.

    Nothing here depends on whether an account has that address: the counters are kept by the
    address as typed (hashed, so no address is kept in the cache), and the account is looked up
    by the background task. The cache must be shared by the app servers (``REDIS_URL``) for the
    limits to hold across them.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_address = _count(f"password-reset:address:{address}")
    per_ip = _count(f"password-reset:ip:{ip}") if ip else 0
    if per_address > PASSWORD_RESET_PER_ADDRESS or per_ip > PASSWORD_RESET_PER_IP:
        return False
    send_password_reset.enqueue(email)
    return True
