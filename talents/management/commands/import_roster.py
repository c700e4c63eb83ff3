"""Import a talent roster from an .xlsx file: the same parser and service as the browser import.

    python manage.py import_roster roster.xlsx --organization 青山镇 [--user qingshan_staff] [--dry-run]

Every bad row is printed on a line of its own and the command exits with status 1, writing nothing.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from talents.excel import UnsafeWorkbook
from talents.imports import organization_may_import, parse_roster, roster_review
from talents.models import ImportBatch, TalentCategory
from talents.services import roster_import


class Command(BaseCommand):
    help = "Import a talent roster (.xlsx) into an organization; rows matched by ID card number are updated."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--organization", required=True, help="id or exact name of the organization")
        parser.add_argument(
            "--user",
            help="username of the staff member recorded as the importer, whose scope applies "
            "(default: the first active superuser)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row and report, write nothing")

    def handle(self, *args, file, organization, user, dry_run, **options):
        organization = _organization(organization)
        user = _user(user)
        if not organization_may_import(organization=organization, user=user):
            raise CommandError(
                _("%(user)s may not import into %(organization)s.") % {"user": user, "organization": organization}
            )
        path = Path(file)
        try:
            stream = path.open("rb")
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        with stream:
            categories = TalentCategory.objects.filter(is_active=True)
            try:
                result = parse_roster(stream, categories=categories, today=timezone.localdate())
            except UnsafeWorkbook as error:
                raise CommandError(str(error)) from None
            review = roster_review(result=result, organization=organization, user=user)
            for error in review.errors:
                self.stderr.write(error.message)
            if review.errors:
                raise CommandError(
                    _("%(count)d rows of the roster are wrong; nothing was imported.") % {"count": len(review.errors)}
                )
            counts = {
                "created": len(review.to_create),
                "updated": len(review.to_update),
                "units": len(review.new_units),
            }
            if dry_run:
                message = _(
                    "Dry run: %(created)d talents would be added, %(updated)d updated and %(units)d work units "
                    "created; nothing was written."
                )
                self.stdout.write(message % counts)
                return
            batch = self._import(stream, path.name, result=result, organization=organization, user=user)
        message = _("Roster imported: %(created)d talents added, %(updated)d updated.")
        self.stdout.write(
            self.style.SUCCESS(message % {"created": batch.created_count, "updated": batch.updated_count})
        )

    def _import(self, stream, name, *, result, organization, user) -> ImportBatch:
        stream.seek(0)
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    organization=organization,
                    file=File(stream, name=name),
                    original_name=name[:255],
                    uploaded_by=user,
                    row_count=len(result.rows),
                )
                return roster_import(result=result, organization=organization, user=user, batch=batch)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None


def _organization(value: str) -> Organization:
    found = Organization.objects.filter(pk=int(value)) if value.isdigit() else Organization.objects.filter(name=value)
    organizations = list(found[:2])
    if not organizations:
        raise CommandError(_("No organization “%(value)s”.") % {"value": value})
    if len(organizations) > 1:
        raise CommandError(_("Several organizations are named “%(value)s”; give the id instead.") % {"value": value})
    return organizations[0]


def _user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user “%(value)s”.") % {"value": username})
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError(_("Give --user: there is no active superuser to record as the importer."))
    return user
