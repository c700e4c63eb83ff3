"""Run the daily sweeps without a broker (cron, or the zero-setup default): the same code as beat."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison import sweeps


class Command(BaseCommand):
    help = "Run the daily sweeps for today (catching up on missed days) or for one --date."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD: sweep this one day instead of catching up to today.")
        parser.add_argument("--only", choices=sorted(sweeps.SWEEPS), action="append", help="Run only this sweep.")

    def handle(self, *args, date=None, only=None, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must look like 2026-12-15, not {date!r}") from None
            created = sweeps.run_day(day, names=only)
        else:
            created = sweeps.run_all(timezone.localdate()) if not only else sweeps.run_day(timezone.localdate(), only)
        for name, count in created.items():
            self.stdout.write(f"{name}: {count}")
