"""The core's own pages: the dashboard, the account pages and the audit trail. Their names are
not namespaced (``dashboard``, ``login``), as ``LOGIN_URL`` and django.contrib.auth expect."""

from django.contrib.auth import urls as auth_urls
from django.contrib.auth.views import LoginView
from django.urls import include, path

from clinic import views
from clinic.forms import LoginForm

# django.contrib.auth's account pages, two of them the portal's own: the login (its form bounds
# the username) and password reset (the same answer for every address, and a rate limit).
OWN_ACCOUNT_PAGES = {"login", "password_reset"}
account_pages = [p for p in auth_urls.urlpatterns if p.name not in OWN_ACCOUNT_PAGES]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/", include(account_pages)),
    path("audit/", views.audit_trail, name="audit_trail"),
]
