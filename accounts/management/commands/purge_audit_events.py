"""Delete audit events past their retention period; the database refuses anything younger than 180 days.

python manage.py purge_audit_events [--days 365]
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import AuditEvent


class Command(BaseCommand):
    help = "Delete audit events older than --days (at least 180, the legal minimum kept)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=AuditEvent.RETENTION_DAYS)

    def handle(self, *args, days, **options):
        if days < AuditEvent.RETENTION_DAYS:
            raise CommandError(f"Audit events are kept at least {AuditEvent.RETENTION_DAYS} days.")
        # A day's margin over the trigger's own limit, so the two clocks never disagree at the edge.
        cutoff = timezone.now() - timedelta(days=days + 1)
        deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} audit events older than {cutoff:%Y-%m-%d} deleted.")
