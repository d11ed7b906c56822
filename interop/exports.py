"""FHIR Bulk Data export: the kick-off's checks, the background task's work, expiry."""

import datetime
import json
import logging
import tempfile

from django.core.files import File
from django.utils import timezone

from interop.api import FhirError, audit_export
from interop.models import RESOURCE_TYPES, ExportJob
from interop.resources import sources_of
from interop.search import Search, source_rows

logger = logging.getLogger(__name__)

NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
KICKOFF_PARAMETERS = {"_outputFormat", "_since", "_type"}


def parse_types(value, client):
    """The resource types of ``_type`` (comma-separated); 400 for an unknown one, 403 for one
    outside the client's scopes."""
    types = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in types if name not in RESOURCE_TYPES]
    if not types or unknown:
        raise FhirError(
            400,
            "invalid",
            f"_type: unknown resource type {', '.join(unknown) or '(none)'}; "
            f"supported: {', '.join(RESOURCE_TYPES)}.",
        )
    outside = [name for name in types if not client.can_read(name)]
    if outside:
        raise FhirError(403, "forbidden", f"Out of this client's scopes: {', '.join(outside)}.")
    return [name for name in RESOURCE_TYPES if name in types]


def parse_since(value):
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise FhirError(
            400, "invalid", "_since: give an instant with its time zone, e.g. 2026-01-31T00:00:00Z."
        )
    return moment


def start(request, client, *, level):
    """Check a kick-off request and queue its export: the ExportJob, or FhirError."""
    from interop.tasks import run_export

    if "respond-async" not in request.headers.get("Prefer", ""):
        raise FhirError(400, "invalid", "A bulk export needs the header Prefer: respond-async.")
    unknown = sorted(set(request.GET) - KICKOFF_PARAMETERS)
    if unknown:
        raise FhirError(
            400, "not-supported", f"Unsupported $export parameter: {', '.join(unknown)}."
        )
    output_format = request.GET.get("_outputFormat")
    if output_format is not None and output_format not in NDJSON_FORMATS:
        raise FhirError(400, "invalid", "_outputFormat: only application/fhir+ndjson is made.")
    types = client.readable_types()
    if "_type" in request.GET:
        types = parse_types(request.GET["_type"], client)
    if level == "patient" and not client.can_read("Patient"):
        raise FhirError(403, "forbidden", "Patient/$export needs system/Patient.read.")
    purge_expired()
    job = ExportJob.objects.create(
        client=client,
        request_url=request.build_absolute_uri(),
        level=level,
        types=",".join(types),
        since=parse_since(request.GET.get("_since")),
    )
    run_export.enqueue(str(job.pk))
    return job


def run(job):
    """Write one NDJSON file per resource type (none for a type without resources) and audit
    the export of every patient in it."""
    job.status = ExportJob.Status.RUNNING
    job.transaction_time = timezone.now()
    job.save(update_fields=["status", "transaction_time"])
    search = Search(resource_types=job.type_list(), count=0, since=job.since)
    patients = set()
    for resource_type in job.type_list():
        count = 0
        with tempfile.TemporaryFile() as buffer:
            for source in sources_of(resource_type):
                for row in source_rows(search, source):
                    line = json.dumps(source.build(row), separators=(",", ":"), ensure_ascii=False)
                    buffer.write(line.encode() + b"\n")
                    patients.add(getattr(row, source.patient_field))
                    count += 1
            if count:
                buffer.seek(0)
                output = job.files.create(resource_type=resource_type, count=count)
                output.file.save(f"{job.pk}/{resource_type}.ndjson", File(buffer), save=True)
    audit_export(job.client, patients, detail=f"FHIR bulk export {job.pk}")
    job.status = ExportJob.Status.COMPLETED
    job.completed_at = timezone.now()
    job.save(update_fields=["status", "completed_at"])


def purge(job):
    """Delete an export's files (the job stays on record, expired)."""
    job.delete_files()


def purge_expired():
    """Delete the files of every expired export; returns how many exports had files."""
    expired = ExportJob.objects.filter(expires_at__lte=timezone.now(), files__isnull=False)
    jobs = list(expired.distinct())
    for job in jobs:
        purge(job)
    return len(jobs)
