"""Excel exports of the liaison work."""

import datetime

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import Organization
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


# --- the annual report workbook (年度联系服务人才工作情况, DOMAIN.md rule 14) ----------------------


def report_summary_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the 汇总 sheet: one row per child organization, the root's own row and a total row."""
    from liaison.reports import report_summary

    rows = report_summary(root, year, today)
    methods = [name for name, _n in rows[-1]["methods"]]
    columns = [
        (_("Reporting organization"), 18), (_("Leadership members"), 8), (_("Talents"), 8),
        (_("Number of pairings"), 8), (_("Pairings meeting the minimum"), 8), (_("Rate (%)"), 8),
        *[(name, 8) for name in methods], (_("Contacts"), 8),
        (_("Appeals received"), 10), (_("Appeals resolved"), 10), (_("Appeals overdue"), 10), (_("Satisfied"), 8),
        (_("Basically satisfied"), 10), (_("Unsatisfied"), 8), (_("Visits done"), 10), (_("Visit tasks"), 10),
    ]  # fmt: skip
    data = (
        (
            r["name"], r["leaders"], r["talents"], r["pairings"], r["met"], r["rate"], *[n for _m, n in r["methods"]],
            r["contacts"], r["appeals"], r["resolved"], r["overdue_appeals"], r["satisfied"], r["basic"],
            r["unsatisfied"], r["visits_done"], r["visits_due"],
        )
        for r in rows
    )  # fmt: skip
    return Sheet(title=_("Report summary"), columns=columns, rows=data)


def _year_methods(year: int):
    from liaison.models import ContactLog

    contacts = ContactLog.objects.filter(pairing=OuterRef("pk"), date__year=year, confirmed_at__isnull=False)
    names = (
        contacts.order_by()
        .values("pairing")
        .annotate(names=StringAgg("method__name", delimiter="、", distinct=True, order_by="method__name"))
    )
    return Subquery(names.values("names"))


def pairing_table_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the attachment 联系优秀人才情况一览表: every pairing of the year, phone masked."""
    from liaison.reports import year_pairings

    pairings = (
        year_pairings(root, year).with_year_stats(year).annotate(methods_used=_year_methods(year))
        .select_related("leader__user", "talent__work_unit", "term").prefetch_related("talent__categories")
        .order_by("leader__organization__path", "leader__user__name", "pk")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Leader"), 10), (_("Post"), 16), (_("Talent contacted"), 10), (_("Work unit"), 24),
        (_("Talent's post"), 16), (_("Talent category"), 18), (_("Contact phone"), 14), (_("Term"), 12),
        (_("Contacts this year"), 10), (_("Last contact"), 12), (_("Contact methods used"), 24), (_("Remarks"), 24),
    ]  # fmt: skip

    def remarks(p):
        if p.end:
            return _("Ended %(date)s: %(reason)s") % {"date": p.end, "reason": p.get_end_reason_display()}
        return "" if p.met_minimum else _("Below the minimum")

    def rows():
        for number, p in enumerate(iter_in_chunks(pairings), start=1):
            yield (
                number, str(p.leader.user), p.leader.post, p.talent.name, p.talent.work_unit.name, p.talent.post,
                "、".join(c.name for c in p.talent.categories.all()), p.talent.masked_phone, p.term.name,
                p.contacts_this_year, p.last_contact, p.methods_used or "", remarks(p),
            )  # fmt: skip

    return Sheet(title=_("List of outstanding talents contacted"), columns=columns, rows=rows())


def contact_log_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return every confirmed contact of the year, oldest first."""
    from liaison.reports import year_contacts

    contacts = (
        year_contacts(root, year).select_related("leader__user", "talent__work_unit", "method")
        .prefetch_related("topics").order_by("date", "pk")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Date"), 12), (_("Leader"), 10), (_("Talent"), 10), (_("Work unit"), 24),
        (_("Method"), 14), (_("Topics"), 18), (_("Summary"), 40), (_("Opinions and suggestions"), 30),
        (_("Initiated by"), 8), (_("Place"), 14),
    ]  # fmt: skip

    def rows():
        for number, c in enumerate(iter_in_chunks(contacts), start=1):
            yield (
                number, c.date, str(c.leader.user), c.talent.name, c.talent.work_unit.name, c.method.name,
                "、".join(t.name for t in c.topics.all()), c.summary, c.opinions, c.get_initiated_by_display(), c.place,
            )  # fmt: skip

    return Sheet(title=_("Contact log"), columns=columns, rows=rows())


def report_appeal_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the appeal ledger of the appeals received in the year."""
    from liaison.reports import year_appeals

    appeals = year_appeals(root, year).select_related("talent__work_unit", "category", "handler")
    return appeal_ledger_sheet(appeals.order_by("received_on", "pk"), today=today)


def below_minimum_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the pairings of the year still below the minimum number of contacts (DOMAIN.md rule 3)."""
    from liaison.reports import year_pairings

    pairings = (
        year_pairings(root, year).with_year_stats(year).filter(met_minimum=False)
        .select_related("leader__user", "talent__work_unit", "talent__organization", "term")
        .order_by("talent__organization__path", "leader__user__name", "pk")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Reporting organization"), 14), (_("Leader"), 10), (_("Post"), 16), (_("Talent"), 10),
        (_("Work unit"), 24), (_("Contacts this year"), 10), (_("Minimum"), 8), (_("Last contact"), 12),
    ]  # fmt: skip

    def rows():
        for number, p in enumerate(iter_in_chunks(pairings), start=1):
            yield (
                number, p.talent.organization.name, str(p.leader.user), p.leader.post, p.talent.name,
                p.talent.work_unit.name, p.contacts_this_year, p.term.min_contacts_per_year, p.last_contact,
            )  # fmt: skip

    return Sheet(title=_("Below the minimum"), columns=columns, rows=rows())


def visit_task_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the visit tasks due in the year and their state on ``today`` (DOMAIN.md rule 11)."""
    from liaison.reports import year_visit_tasks

    tasks = (
        year_visit_tasks(root, year).select_related("leader__user", "talent__work_unit", "holiday")
        .order_by("due_date", "pk")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Kind"), 16), (_("Holiday"), 10), (_("Leader"), 10), (_("Talent"), 10),
        (_("Work unit"), 24), (_("Window opens"), 12), (_("Due by"), 12), (_("Done on"), 12), (_("State"), 8),
    ]  # fmt: skip

    def state(task):
        if task.done_at:
            return _("Done")
        return _("Overdue") if task.due_date < today else _("Open")

    def rows():
        for number, t in enumerate(iter_in_chunks(tasks), start=1):
            yield (
                number, t.get_kind_display(), t.holiday.name if t.holiday else "", str(t.leader.user), t.talent.name,
                t.talent.work_unit.name, t.window_start, t.due_date, t.done_at, state(t),
            )  # fmt: skip

    return Sheet(title=_("Visit tasks and their state"), columns=columns, rows=rows())
