"""/fhir/r4/: the FHIR R4 read API and Bulk Data export (docs: README, "FHIR API")."""

from django.urls import path, re_path

from interop import views
from interop.models import RESOURCE_TYPES

app_name = "interop"

TYPES = "|".join(RESOURCE_TYPES)
ID = r"[A-Za-z0-9\-.]{1,64}"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", views.export_kickoff, name="export"),
    path("Patient/$export", views.export_kickoff, {"level": "patient"}, name="patient_export"),
    path("$export-status/<uuid:job_id>", views.export_status, name="export_status"),
    path("$export-file/<uuid:job_id>/<int:file_id>", views.export_file, name="export_file"),
    re_path(rf"^Patient/(?P<resource_id>{ID})/\$everything$", views.everything, name="everything"),
    re_path(rf"^(?P<resource_type>{TYPES})$", views.search_type, name="search"),
    re_path(rf"^(?P<resource_type>{TYPES})/(?P<resource_id>{ID})$", views.read, name="read"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
