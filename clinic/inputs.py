"""What the portal refuses from any request before a view sees it.

Posted form fields are the forms' business: every text field has a maximum length, and Django's
form fields refuse a NUL character with a message on the field. Other input never passes through
a form: the address itself (``/education/articles/<slug>/<language>/``), query parameters a view
or the admin reads (``?page=``, the admin's search box), cookies and headers that the session
store and django-axes look up or write. PostgreSQL refuses a NUL in any text it is given, so each
of those was a server error there (and stored as is on SQLite); and a search term of a megabyte
makes a query SQLite cannot build. Those are refused here, on both databases alike.
"""

from django.contrib.auth import get_user_model
from django.http import HttpResponseBadRequest

NUL = "\x00"
# Longer than any search or filter value the portal or the admin asks for (forms' own limits are
# lower); long enough for a ``next`` address or the admin's preserved filters.
MAX_QUERY_VALUE_LENGTH = 1000

NUL_MESSAGE = (
    "The request contained a NUL character (\\0) in its address, a search or filter value, a "
    "cookie or a header. It is never part of valid text: go back, remove it (it often comes from "
    "copying out of another program) and try again."
)
TOO_LONG_MESSAGE = (
    f"A search or filter value is longer than {MAX_QUERY_VALUE_LENGTH} characters. "
    "Nothing was searched. Go back and shorten it."
)


def _has_nul(query_dict):
    return any(NUL in key or any(NUL in v for v in values) for key, values in query_dict.lists())


def refusal(request):
    """Why ``request`` is refused before any view sees it, or ``None``."""
    headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
    if (
        NUL in request.path_info
        or _has_nul(request.GET)
        or any(NUL in key or NUL in value for key, value in request.COOKIES.items())
        or any(isinstance(value, str) and NUL in value for value in headers)
    ):
        return NUL_MESSAGE
    if any(
        len(value) > MAX_QUERY_VALUE_LENGTH for _, values in request.GET.lists() for value in values
    ):
        return TOO_LONG_MESSAGE
    return None


class RefuseUnsafeInputMiddleware:
    """Answers 400 with a plain message to a request carrying a NUL character in its address,
    query, cookies or headers, or an over-long query value.

    It runs before the session and the login are looked up, so a NUL in the session cookie is
    refused too; and it answers in plain text, so that nothing of the request is rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = refusal(request)
        if message is not None:
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def login_username(request, credentials):
    """The username django-axes counts failed logins against (``AXES_USERNAME_CALLABLE``).

    A login form posts whatever was typed; axes stores it in a 255-character column, so a longer
    one was a server error on PostgreSQL. No username is longer than the user model allows, so
    the cut changes nothing for a real account.
    """
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    if username is None:
        return None
    user_model = get_user_model()
    return str(username)[: user_model._meta.get_field(user_model.USERNAME_FIELD).max_length]
