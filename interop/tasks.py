"""Background work of the FHIR API: bulk exports (django-tasks, like cases/tasks.py)."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_export(job_id: str) -> str:
    """Run one accepted bulk export; a failure is kept on the job for its status URL."""
    from interop import exports
    from interop.models import ExportJob

    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.ACCEPTED).first()
    if job is None:
        return "not found or already run"
    try:
        exports.run(job)
    except Exception as error:
        logger.exception("FHIR export %s failed", job_id)
        job.delete_files()
        job.status = ExportJob.Status.FAILED
        job.error = f"{type(error).__name__}"[:255]
        job.save(update_fields=["status", "error"])
        return "failed"
    return "completed"
