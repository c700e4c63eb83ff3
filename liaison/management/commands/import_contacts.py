"""Import the contact ledger of past years from an .xlsx file, as the browser import does.

    python manage.py import_contacts ledger.xlsx --organization 青山镇 [--user qingshan_staff] [--dry-run]

Every bad row is printed on a line of its own and the command exits with status 1, writing nothing.
The contacts keep their leader and date and are recorded as imported, never as logged by --user.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.imports import contacts_review, read_contacts
from liaison.services import contacts_import
from talents.management.importing import ImportCommand
from talents.models import ImportBatch


class Command(ImportCommand):
    help = "Import a contact ledger of past years (.xlsx); each row must fall within a pairing of the organization."
    kind = ImportBatch.Kind.CONTACTS

    def parse(self, stream):
        return read_contacts(stream, today=timezone.localdate())

    def review(self, *, result, target, user):
        return contacts_review(result=result, organization=target, user=user, today=timezone.localdate())

    def run(self, *, result, target, user, batch):
        return contacts_import(result=result, organization=target, user=user, batch=batch, today=timezone.localdate())

    def dry_run_message(self, review) -> str:
        return _("Dry run: %(count)d contacts would be added; nothing was written.") % {"count": len(review.rows)}

    def done_message(self, batch) -> str:
        return _("Contact ledger imported: %(created)d contacts added.") % {"created": batch.created_count}
