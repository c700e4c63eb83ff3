"""Celery tasks: thin, each calls a sweep or a sender; idempotent, so a redelivery is harmless."""

from celery import shared_task
from django.utils import timezone

from liaison import delivery, sweeps


@shared_task
def run_daily_sweeps(day: str | None = None) -> dict:
    """Catch up and run today's sweeps (or the given ISO day's)."""
    if day:
        return sweeps.run_day(timezone.datetime.fromisoformat(day).date())
    return sweeps.run_all(timezone.localdate())


@shared_task(bind=True, autoretry_for=(delivery.SendError,), retry_backoff=30, retry_backoff_max=1800,
             retry_jitter=True, max_retries=delivery.MAX_ATTEMPTS)  # fmt: skip
def send_delivery(self, pk: int) -> str:
    """Send one delivery; a failure is retried with exponential backoff."""
    return delivery.send(pk)


@shared_task
def send_pending() -> int:
    """Queue deliveries left waiting (a lost message, a broker outage); runs every few minutes."""
    ids = delivery.pending_ids(timezone.now())
    delivery.queue(ids)
    return len(ids)


@shared_task
def build_report_file(pk: int) -> str:
    """Build one annual-report workbook; a redelivery finds it claimed and does nothing."""
    from liaison.models import ReportFile
    from liaison.reports import report_file_build

    return report_file_build(report_file=ReportFile.objects.select_related("organization").get(pk=pk)).status
