"""Celery tasks: thin, each calls a sweep or a sender; idempotent, so a redelivery is harmless."""

from celery import shared_task
from django.utils import timezone

from liaison import delivery, reports, sweeps


@shared_task
def run_daily_sweeps(day: str | None = None) -> dict:
    """Catch up and run today's sweeps (or the given ISO day's)."""
    if day:
        return sweeps.run_day(timezone.datetime.fromisoformat(day).date())
    return sweeps.run_all(timezone.localdate())


# No result is kept: nobody reads it, and queueing then never touches the result store.
@shared_task(bind=True, autoretry_for=(delivery.SendError,), retry_backoff=30, retry_backoff_max=1800,
             retry_jitter=True, max_retries=delivery.MAX_ATTEMPTS, ignore_result=True)  # fmt: skip
def send_delivery(self, pk: int) -> str:
    """Send one delivery; a failure is retried with exponential backoff."""
    return delivery.send(pk)


@shared_task(ignore_result=True)
def send_pending() -> int:
    """Queue deliveries and report workbooks left waiting (a lost message, a broker outage); every few minutes."""
    now = timezone.now()
    ids = delivery.pending_ids(now)
    delivery.queue(ids)
    for pk in reports.waiting_file_ids(now - delivery.PICKUP_AFTER):
        delivery.enqueue(build_report_file, pk)
    return len(ids)


@shared_task
def build_report_file(pk: int) -> str:
    """Build one annual-report workbook; a redelivery finds it claimed and does nothing."""
    from liaison.models import ReportFile

    return reports.report_file_build(report_file=ReportFile.objects.select_related("organization").get(pk=pk)).status
