from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clinic import views

admin.site.site_header = f"{settings.CLINIC_NAME} portal — administration"
admin.site.site_title = "Clinic portal admin"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    # Before django.contrib.auth's own: the same answer for every address, and a rate limit.
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("education/", include("education.urls")),
    path("cases/", include("cases.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
