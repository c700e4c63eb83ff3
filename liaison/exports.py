"""Excel exports of the liaison work."""

import datetime

from django.utils.translation import gettext as _

from talents.excel import Sheet, iter_in_chunks


def appeal_ledger_sheet(appeals, *, today: datetime.date) -> Sheet:
    """Return the appeal ledger (人才诉求台账) as a sheet, in the ledger's column order.

    ``appeals`` needs ``select_related("talent__work_unit", "category", "handler")``.
    """
    columns = [
        (_("No."), 6), (_("Date received"), 12), (_("Talent's name"), 10), (_("Work unit"), 22),
        (_("Appeal category"), 14), (_("Appeal details"), 40), (_("Source"), 14), (_("Urgency"), 8),
        (_("Lead handling unit"), 18), (_("Handler"), 10), (_("Co-handling units"), 18), (_("Targeted measures"), 30),
        (_("Deadline"), 12), (_("Result"), 30), (_("Satisfaction"), 10), (_("Status"), 8), (_("Overdue?"), 8),
    ]  # fmt: skip

    def rows():
        for number, a in enumerate(iter_in_chunks(appeals), start=1):
            yield (
                number, a.received_on, a.talent.name, a.talent.work_unit.name, a.category.name, a.description,
                a.get_source_display(), a.get_urgency_display(), a.lead_unit, str(a.handler or ""), a.co_units,
                a.measures, a.deadline, a.result, a.get_satisfaction_display(), a.get_status_display(),
                _("Yes") if a.is_overdue(today) else _("No"),
            )  # fmt: skip

    return Sheet(title=_("Talent appeal ledger"), columns=columns, rows=rows())
