from django.contrib.auth.decorators import login_not_required
from django.urls import include, path


@login_not_required
def explode(request):
    raise RuntimeError("SECRET_DETAIL select * from clinic_patient")


urlpatterns = [path("explode/", explode), path("", include("config.urls"))]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
