"""The root URLconf: the core's pages, each app's, and the shared admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clinic.forms import AdminLoginForm

admin.site.site_header = f"{settings.CLINIC_NAME} portal — administration"
admin.site.site_title = "Clinic portal admin"
admin.site.index_title = "Administration"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("clinic.urls")),
    path("education/", include("education.urls")),
    path("cases/", include("cases.urls")),
    path("fhir/r4/", include("interop.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
