"""The portal's URLs and two hello-world views, the floor every page is measured against: each
returns a few bytes through the same middleware as the portal's pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_http_methods


@login_not_required
@require_http_methods(["GET", "HEAD"])
def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


@require_http_methods(["GET", "HEAD", "POST"])
def hello_user(request):
    """Behind the login (LoginRequiredMiddleware); POST too, for the floor of a form post."""
    return HttpResponse(f"Hello, {request.user.get_username()}.", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/hello-user/", hello_user),
    path("", include("config.urls")),
]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
