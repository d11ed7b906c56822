"""The root URLconf: the core's pages, each app's, and the shared admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from clinic.forms import AdminLoginForm
from clinic.language import set_language

admin.site.site_header = lazy(
    lambda: _("%(clinic)s portal — administration") % {"clinic": settings.CLINIC_NAME}, str
)()
admin.site.site_title = _("Clinic portal admin")
admin.site.index_title = _("Administration")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("clinic.urls")),
    # The header's language switcher: Django's set_language, and the account when signed in.
    path("i18n/setlang/", set_language, name="set_language"),
    path("education/", include("education.urls")),
    path("cases/", include("cases.urls")),
    path("fhir/r4/", include("interop.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
