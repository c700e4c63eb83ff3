"""Import leaders and their paired talents from an .xlsx file into a term, as the browser import does.

    python manage.py import_pairings pairings.xlsx --term 3 [--user qingshan_staff] [--dry-run]

Every bad row is printed on a line of its own and the command exits with status 1, writing nothing.
"""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.imports import pairings_review, parse_pairings
from liaison.models import Term
from liaison.services import pairings_import
from talents.management.importing import ImportCommand
from talents.models import ImportBatch


class Command(ImportCommand):
    help = (
        "Import pairings (.xlsx) into a term; users with the leader role not registered as leaders yet are registered."
    )
    kind = ImportBatch.Kind.PAIRINGS

    def add_target_argument(self, parser):
        parser.add_argument("--term", required=True, type=int, help="id of the term")

    def target(self, options):
        term = Term.objects.select_related("organization").filter(pk=options["term"]).first()
        if term is None:
            raise CommandError(_("No term with the id %(value)s.") % {"value": options["term"]})
        return term

    def organization(self, target):
        return target.organization

    def parse(self, stream):
        return parse_pairings(stream, today=timezone.localdate())

    def review(self, *, result, target, user):
        return pairings_review(result=result, term=target, user=user)

    def run(self, *, result, target, user, batch):
        return pairings_import(result=result, term=target, user=user, batch=batch)

    def dry_run_message(self, review) -> str:
        message = _(
            "Dry run: %(pairings)d pairings would be added and %(leaders)d leaders registered; nothing was written."
        )
        return message % {"pairings": len(review.rows), "leaders": len(review.new_leaders)}

    def done_message(self, batch) -> str:
        return _("Pairings imported: %(created)d pairings added.") % {"created": batch.created_count}
