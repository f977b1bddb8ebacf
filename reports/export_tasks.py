"""The Celery task of the Excel exports: thin, takes the job id, calls the service.

It lives beside `tasks.py` (the roll-up and snapshot tasks) and is registered from
`ReportsConfig.ready()`, which every worker runs when Django starts."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def export_job_run(job_id: int) -> str:
    """Build one export job's file; returns its final status."""
    return services.export_job_run(job_id=job_id).status
