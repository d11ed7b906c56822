"""What every FHIR request goes through: the client's token, its rate limit, its audit entry,
and errors as OperationOutcomes.

The API is outside the portal's login: no session, no CSRF (it only reads, by GET), the
client's bearer token instead. Every request of a known client is written to the audit trail as
an export by that client, one entry per patient whose records it returned.
"""

import functools
import json
import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from clinic.audit import client_ip, record_event
from clinic.models import AuditEvent
from interop.models import ApiClient

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """An error answered with an OperationOutcome."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def operation_outcome(code, message, severity="error"):
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": message}],
    }


def fhir_response(payload, status=200, content_type=FHIR_JSON, headers=None):
    response = HttpResponse(
        json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
        status=status,
        content_type=content_type,
        headers=headers,
    )
    # Health information: no browser or proxy keeps a copy.
    patch_cache_control(response, no_store=True, private=True)
    return response


def error_response(error):
    return fhir_response(
        operation_outcome(error.code, error.message), status=error.status, headers=error.headers
    )


def read_only(view):
    """Django's ``require_safe`` answered in FHIR: any method but GET and HEAD gets 405 with an
    OperationOutcome and ``Allow`` (this API only reads), before the token is looked at."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return error_response(
                FhirError(
                    405,
                    "not-supported",
                    f"{request.method[:20]} is not supported: this API only reads (GET).",
                    {"Allow": "GET, HEAD"},
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate(request):
    """The request's API client, or FhirError 401 (no token, a bad one, expired, revoked).

    A token that opens nothing is audited as a failed login (of the client it names, if any).
    """
    token = bearer_token(request)
    client = ApiClient.objects.for_token(token)
    challenge = {"WWW-Authenticate": 'Bearer realm="fhir"'}
    if client is not None and client.is_usable:
        return client
    if client is None:
        error = FhirError(401, "login", "A valid bearer token is required.", challenge)
    elif client.is_revoked:
        error = FhirError(401, "login", "This token has been revoked.", challenge)
    else:
        error = FhirError(401, "expired", "This token has expired.", challenge)
    if token:
        record_event(
            AuditEvent.Action.LOGIN_FAILED,
            username=f"api-client:{client.name if client else '(unknown token)'}"[:150],
            detail=f"FHIR 401 {request.path}",
        )
    raise error


def check_rate(client):
    """A fixed window per client in the shared cache: FHIR_RATE_LIMIT requests per
    FHIR_RATE_LIMIT_WINDOW seconds, then 429 until the window ends."""
    window = settings.FHIR_RATE_LIMIT_WINDOW
    now = int(time.time())
    key = f"fhir:rate:{client.pk}:{now // window}"
    cache.add(key, 0, window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        count = 1
    if count > settings.FHIR_RATE_LIMIT:
        retry = window - now % window
        raise FhirError(
            429,
            "throttled",
            f"Too many requests: at most {settings.FHIR_RATE_LIMIT} per {window} seconds.",
            {"Retry-After": str(retry)},
        )


def require_scope(client, resource_type):
    if not client.can_read(resource_type):
        raise FhirError(
            403, "forbidden", f"This client's scopes do not include system/{resource_type}.read."
        )


def audit_export(client, patient_ids, *, detail, ip=None):
    """One audit entry per patient returned (one without a patient when none was), in one
    insert: an export of those patients' records by ``client``."""
    base = {
        "action": AuditEvent.Action.EXPORT,
        "username": f"api-client:{client.name}"[:150],
        "object_type": client._meta.label_lower,
        "object_id": str(client.pk),
        "ip_address": ip,
        "detail": detail[:255],
    }
    ids = sorted(set(patient_ids)) or [None]
    AuditEvent.objects.bulk_create(
        [AuditEvent(patient_id=pid, **base) for pid in ids], batch_size=500
    )


def fhir_endpoint(view):
    """A FHIR API view: ``view(request, client, **kwargs)`` returns (response, patient ids).

    Answered in the portal's base language whatever the client's Accept-Language: other systems
    read the responses (their texts and headers), which stay the same for every caller."""

    @login_not_required
    @csrf_exempt
    @read_only
    @functools.wraps(view)
    @translation.override(settings.LANGUAGE_CODE)
    def wrapper(request, **kwargs):
        try:
            client = authenticate(request)
        except FhirError as error:
            return error_response(error)
        patients = []
        try:
            check_rate(client)
            response, patients = view(request, client, **kwargs)
        except FhirError as error:
            response = error_response(error)
        except Exception:  # a bug: still FHIR, still audited, and logged with its traceback
            logger.exception("FHIR request failed: %s", request.get_full_path())
            patients = []
            response = error_response(
                FhirError(500, "exception", "The server could not answer this request.")
            )
        audit_export(
            client,
            patients,
            detail=f"FHIR {response.status_code} {request.get_full_path()}",
            ip=client_ip(request),
        )
        return response

    return wrapper
