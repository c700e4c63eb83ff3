"""Import a talent roster from an .xlsx file: the same parser and service as the browser import.

    python manage.py import_roster roster.xlsx --organization 青山镇 [--user qingshan_staff] [--dry-run]

Every bad row is printed on a line of its own and the command exits with status 1, writing nothing.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from talents.imports import parse_roster, roster_review
from talents.management.importing import ImportCommand
from talents.models import ImportBatch, TalentCategory
from talents.services import roster_import


class Command(ImportCommand):
    help = "Import a talent roster (.xlsx) into an organization; rows matched by ID card number are updated."
    kind = ImportBatch.Kind.ROSTER

    def parse(self, stream):
        categories = TalentCategory.objects.filter(is_active=True)
        return parse_roster(stream, categories=categories, today=timezone.localdate())

    def review(self, *, result, target, user):
        return roster_review(result=result, organization=target, user=user)

    def run(self, *, result, target, user, batch):
        return roster_import(result=result, organization=target, user=user, batch=batch)

    def dry_run_message(self, review) -> str:
        message = _(
            "Dry run: %(created)d talents would be added, %(updated)d updated and %(units)d work units "
            "created; nothing was written."
        )
        return message % {
            "created": len(review.to_create),
            "updated": len(review.to_update),
            "units": len(review.new_units),
        }

    def done_message(self, batch) -> str:
        message = _("Roster imported: %(created)d talents added, %(updated)d updated.")
        return message % {"created": batch.created_count, "updated": batch.updated_count}
