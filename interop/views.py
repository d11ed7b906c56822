"""The FHIR R4 read API (/fhir/r4/) and the Bulk Data export."""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, urlencode
from django.views.decorators.csrf import csrf_exempt

from interop import capability, exports
from interop.api import (
    FhirError,
    fhir_endpoint,
    fhir_response,
    operation_outcome,
    read_only,
    require_scope,
)
from interop.models import RESOURCE_TYPES, ExportJob
from interop.resources import source_for_id
from interop.search import TYPE_PARAMETERS, SearchError, page, parse_search


def base_url(request):
    return request.build_absolute_uri(reverse("interop:metadata")).removesuffix("metadata")


@login_not_required
@csrf_exempt
@read_only
def metadata(request):
    """The CapabilityStatement: public, so that a client can learn what it may ask."""
    return fhir_response(capability.capability_statement(base_url(request)))


def bundle(request, search, found, marker, path):
    base = base_url(request)
    link = request.build_absolute_uri(path)
    # The page served: its own ``_page`` marker (none on the first page).
    current = [("_page", request.GET["_page"])] if request.GET.get("_page") else []
    query = urlencode([*search.parameters, *current])
    links = [{"relation": "self", "url": f"{link}?{query}".rstrip("?")}]
    if marker:
        query = urlencode([*search.parameters, ("_page", marker)])
        links.append({"relation": "next", "url": f"{link}?{query}"})
    entries = []
    for source, row in found:
        resource = source.build(row)
        entries.append(
            {
                "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "link": links,
        "entry": entries,
    }


def patients_of(found):
    return [getattr(row, source.patient_field) for source, row in found]


def run_search(request, search, path):
    try:
        found, marker = page(search)
    except SearchError as error:
        raise FhirError(400, "invalid", str(error)) from None
    return fhir_response(bundle(request, search, found, marker, path)), patients_of(found)


def parsed(query, resource_types, allowed):
    try:
        return parse_search(query, resource_types, allowed=allowed)
    except SearchError as error:
        raise FhirError(400, "invalid", str(error)) from None


@fhir_endpoint
def search_type(request, client, resource_type):
    require_scope(client, resource_type)
    search = parsed(request.GET, [resource_type], TYPE_PARAMETERS[resource_type])
    return run_search(request, search, request.path)


@fhir_endpoint
def read(request, client, resource_type, resource_id):
    require_scope(client, resource_type)
    source, pk = source_for_id(resource_type, resource_id)
    row = source.rows().filter(pk=pk).first() if source else None
    if row is None:
        raise FhirError(404, "not-found", f"{resource_type}/{resource_id} is not known.")
    return fhir_response(source.build(row)), [getattr(row, source.patient_field)]


@fhir_endpoint
def everything(request, client, resource_id):
    """Patient/{id}/$everything: the patient and every record of theirs the client may read."""
    require_scope(client, "Patient")
    source, pk = source_for_id("Patient", resource_id)
    if source is None or not source.rows().filter(pk=pk).exists():
        raise FhirError(404, "not-found", f"Patient/{resource_id} is not known.")
    allowed = {"_since": "instant", "_type": "token"}
    query = request.GET.copy()
    types = client.readable_types()
    if "_type" in query:
        types = exports.parse_types(query["_type"], client)
    since = exports.parse_since(query.get("_since"))
    search = parsed(query, types, allowed)
    search.patient, search.since = pk, since
    return run_search(request, search, request.path)


def _status_url(request, job):
    return request.build_absolute_uri(reverse("interop:export_status", args=[job.pk]))


@fhir_endpoint
def export_kickoff(request, client, level="system"):
    """$export (system) and Patient/$export: 202 and the status URL; a task writes the files."""
    job = exports.start(request, client, level=level)
    return fhir_response(
        operation_outcome(
            "informational", "Export accepted; poll the Content-Location URL.", "information"
        ),
        status=202,
        headers={"Content-Location": _status_url(request, job)},
    ), []


def client_job(client, job_id):
    job = ExportJob.objects.filter(pk=job_id, client=client).first()
    if job is None:
        raise FhirError(404, "not-found", "No such export for this client.")
    if job.is_expired:
        exports.purge(job)
        raise FhirError(404, "not-found", "This export has expired and its files are deleted.")
    return job


@fhir_endpoint
def export_status(request, client, job_id):
    job = client_job(client, job_id)
    if job.status in (ExportJob.Status.ACCEPTED, ExportJob.Status.RUNNING):
        response = HttpResponse(status=202)  # no body while it runs (Bulk Data IG)
        response["X-Progress"] = job.get_status_display()
        response["Retry-After"] = "5"
        return response, []
    if job.status == ExportJob.Status.FAILED:
        raise FhirError(500, "exception", f"The export failed: {job.error}")
    manifest = {
        "transactionTime": job.transaction_time.isoformat(timespec="seconds"),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": output.resource_type,
                "url": request.build_absolute_uri(
                    reverse("interop:export_file", args=[job.pk, output.pk])
                ),
                "count": output.count,
            }
            for output in job.files.all()
        ],
        "error": [],
    }
    response = fhir_response(manifest, content_type="application/json")
    response["Expires"] = http_date(job.expires_at.timestamp())
    return response, []


@fhir_endpoint
def export_file(request, client, job_id, file_id):
    job = client_job(client, job_id)
    output = job.files.filter(pk=file_id).first()
    if output is None:
        raise FhirError(404, "not-found", "No such file in this export.")
    response = FileResponse(output.file.open("rb"), content_type="application/fhir+ndjson")
    response["Cache-Control"] = "no-store, private"
    return response, output.patient_ids


def unknown(request, path):
    """Anything else under /fhir/r4/: 404 with an OperationOutcome, or 405 to a method other
    than GET."""
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": "not-supported",
                    "diagnostics": f"Not supported here: {path[:100]}. Resource types: "
                    f"{', '.join(RESOURCE_TYPES)}; see metadata.",
                }
            ],
        },
        status=404,
    )


unknown = login_not_required(csrf_exempt(read_only(unknown)))
