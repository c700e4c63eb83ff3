"""The body every import command shares: the same parser, review and service as the browser import.

Every bad row is printed on a line of its own and the command exits with status 1, writing nothing.
"""

from abc import ABC, abstractmethod
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organization, User
from accounts.services import audit_record
from talents.excel import UnsafeWorkbook
from talents.imports import bad_rows_error, organization_may_import
from talents.models import ImportBatch
from talents.services import import_batch_create


class ImportCommand(BaseCommand, ABC):
    """Check an .xlsx file, print its bad rows, and import it all or nothing (or only report: --dry-run).

    A subclass names its ``kind`` and says how to find its target (``add_target_argument``,
    ``target``), parse, review and import a file, and what to print.
    """

    kind: str

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        self.add_target_argument(parser)
        parser.add_argument(
            "--user",
            help="username of the staff member recorded as the importer, whose scope applies "
            "(default: the first active superuser)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row and report, write nothing")

    def handle(self, *args, file, user, dry_run, **options):
        user = user_option(user)
        target = self.target(options)
        organization = self.organization(target)
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
            try:
                result = self.parse(stream)
            except UnsafeWorkbook as error:
                raise CommandError(str(error)) from None
            review = self.review(result=result, target=target, user=user)
            for error in review.errors:
                self.stderr.write(error.message)
            if review.errors:
                raise CommandError(" ".join(bad_rows_error(review.errors).messages))
            if dry_run:
                self.stdout.write(self.dry_run_message(review))
                return
            batch = self._import(stream, path.name, result=result, target=target, organization=organization, user=user)
        self.stdout.write(self.style.SUCCESS(self.done_message(batch)))

    def _import(self, stream, name, *, result, target, organization, user) -> ImportBatch:
        stream.seek(0)
        kind = ImportBatch.Kind(self.kind).label
        try:
            with transaction.atomic():
                batch = import_batch_create(
                    organization=organization, kind=self.kind, file=File(stream, name=name), user=user,
                    result=result, rejected=False,
                )  # fmt: skip
                batch = self.run(result=result, target=target, user=user, batch=batch)
        except ValidationError as error:
            audit_record(action=AuditEvent.Action.IMPORT, actor=user, target=kind, detail="manage.py", success=False)
            raise CommandError(" ".join(error.messages)) from None
        audit_record(
            action=AuditEvent.Action.IMPORT, actor=user, target=batch.audit_target(), rows=batch.row_count,
            detail="manage.py",
        )  # fmt: skip
        return batch

    def add_target_argument(self, parser):
        parser.add_argument("--organization", required=True, help="id or exact name of the organization")

    def target(self, options):
        return organization_option(options["organization"])

    def organization(self, target) -> Organization:
        """The organization the batch is recorded under; the importer must be staff over it."""
        return target

    @abstractmethod
    def parse(self, stream):
        """Read the workbook into a parse result."""

    @abstractmethod
    def review(self, *, result, target, user):
        """Check the parsed rows against the database; return the review with every bad row."""

    @abstractmethod
    def run(self, *, result, target, user, batch) -> ImportBatch:
        """Import the reviewed rows, all or nothing, and return the finished batch."""

    @abstractmethod
    def dry_run_message(self, review) -> str:
        """What --dry-run prints when every row is good."""

    @abstractmethod
    def done_message(self, batch) -> str:
        """What the command prints after importing."""


def organization_option(value: str) -> Organization:
    found = Organization.objects.filter(pk=int(value)) if value.isdigit() else Organization.objects.filter(name=value)
    organizations = list(found[:2])
    if not organizations:
        raise CommandError(_("No organization “%(value)s”.") % {"value": value})
    if len(organizations) > 1:
        raise CommandError(_("Several organizations are named “%(value)s”; give the id instead.") % {"value": value})
    return organizations[0]


def user_option(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user “%(value)s”.") % {"value": username})
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError(_("Give --user: there is no active superuser to record as the importer."))
    return user
