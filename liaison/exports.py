"""Excel exports of the liaison work.

The sheets read plain ``values_list`` rows through a server-side cursor, one query a sheet: many-to-many
names come joined by a subquery, choice labels are looked up in a dict made once per sheet.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import Organization
from liaison.aggregates import joined, joined_names
from talents.excel import Sheet, iter_in_chunks
from talents.models import Talent, mask_phone


def _labels(choices) -> dict:
    """``value -> label`` of a TextChoices, translated now; an unknown value shows as itself, as get_FOO_display."""
    return {value: str(label) for value, label in choices.choices}


def _user(name: str | None, username: str | None) -> str:
    """A user as ``str(user)`` shows them (name, else username); empty for no user."""
    return name or username or ""


def appeal_ledger_sheet(appeals, *, today: datetime.date) -> Sheet:
    """Return the appeal ledger (人才诉求台账) as a sheet, in the ledger's column order.

    ``appeals`` is an Appeal queryset in the ledger's order; its rows are read with ``values_list``.
    """
    from liaison.models import Appeal

    columns = [
        (_("No."), 6), (_("Date received"), 12), (_("Talent's name"), 10), (_("Work unit"), 22),
        (_("Appeal category"), 14), (_("Appeal details"), 40), (_("Source"), 14), (_("Urgency"), 8),
        (_("Lead handling unit"), 18), (_("Handler"), 10), (_("Co-handling units"), 18), (_("Targeted measures"), 30),
        (_("Deadline"), 12), (_("Result"), 30), (_("Satisfaction"), 10), (_("Status"), 8), (_("Overdue?"), 8),
    ]  # fmt: skip
    values = appeals.values_list(
        "received_on", "talent__name", "talent__work_unit__name", "category__name", "description", "source",
        "urgency", "lead_unit", "handler__name", "handler__username", "co_units", "measures", "deadline", "result",
        "satisfaction", "status",
    )  # fmt: skip

    def rows():
        sources, urgencies = _labels(Appeal.Source), _labels(Appeal.Urgency)
        satisfactions, statuses = _labels(Appeal.Satisfaction), _labels(Appeal.Status)
        yes, no, open_statuses = _("Yes"), _("No"), frozenset(Appeal.OPEN_STATUSES)
        for number, row in enumerate(iter_in_chunks(values), start=1):
            (received_on, talent, unit, category, description, source, urgency, lead_unit, handler_name,
             handler_username, co_units, measures, deadline, result, satisfaction, status) = row  # fmt: skip
            overdue = deadline is not None and deadline < today and status in open_statuses  # Appeal.is_overdue
            yield (
                number, received_on, talent, unit, category, description, sources.get(source, source),
                urgencies.get(urgency, urgency), lead_unit, _user(handler_name, handler_username), co_units, measures,
                deadline, result, satisfactions.get(satisfaction, satisfaction), statuses.get(status, status),
                yes if overdue else no,
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
        .annotate(names=joined("method__name", distinct=True, order_by="method__name"))
    )
    return Subquery(names.values("names"))


def pairing_table_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the attachment 联系优秀人才情况一览表: every pairing of the year, phone masked."""
    from liaison.models import Pairing
    from liaison.reports import year_pairings

    pairings = (
        year_pairings(root, year).with_year_stats(year)
        .annotate(categories=joined_names(Talent.categories.through, "talent", "talentcategory", outer="talent"),
                  methods_used=_year_methods(year))
        .order_by("leader__organization__path", "leader__user__name", "pk")
        .values_list("leader__user__name", "leader__user__username", "leader__post", "talent__name",
                     "talent__work_unit__name", "talent__post", "categories", "talent__phone", "term__name",
                     "contacts_this_year", "last_contact", "methods_used", "end", "end_reason", "met_minimum")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Leader"), 10), (_("Post"), 16), (_("Talent contacted"), 10), (_("Work unit"), 24),
        (_("Talent's post"), 16), (_("Talent category"), 18), (_("Contact phone"), 14), (_("Term"), 12),
        (_("Contacts this year"), 10), (_("Last contact"), 12), (_("Contact methods used"), 24), (_("Remarks"), 24),
    ]  # fmt: skip

    def rows():
        reasons, below, ended = _labels(Pairing.EndReason), _("Below the minimum"), _("Ended %(date)s: %(reason)s")
        for number, row in enumerate(iter_in_chunks(pairings), start=1):
            (leader_name, leader_username, post, talent, unit, talent_post, categories, phone, term, contacts, last,
             methods, end, end_reason, met_minimum) = row  # fmt: skip
            if end:
                remarks = ended % {"date": end, "reason": reasons.get(end_reason, end_reason)}
            else:
                remarks = "" if met_minimum else below
            yield (
                number, _user(leader_name, leader_username), post, talent, unit, talent_post, categories or "",
                mask_phone(phone), term, contacts, last, methods or "", remarks,
            )  # fmt: skip

    return Sheet(title=_("List of outstanding talents contacted"), columns=columns, rows=rows())


def contact_log_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return every confirmed contact of the year, oldest first."""
    from liaison.models import ContactLog
    from liaison.reports import year_contacts

    contacts = (
        year_contacts(root, year)
        .annotate(topic_names=joined_names(ContactLog.topics.through, "contactlog", "contacttopic", outer="pk"))
        .order_by("date", "pk")
        .values_list("date", "leader__user__name", "leader__user__username", "talent__name", "talent__work_unit__name",
                     "method__name", "topic_names", "summary", "opinions", "initiated_by", "place")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Date"), 12), (_("Leader"), 10), (_("Talent"), 10), (_("Work unit"), 24),
        (_("Method"), 14), (_("Topics"), 18), (_("Summary"), 40), (_("Opinions and suggestions"), 30),
        (_("Initiated by"), 8), (_("Place"), 14),
    ]  # fmt: skip

    def rows():
        initiators = _labels(ContactLog.Initiator)
        for number, row in enumerate(iter_in_chunks(contacts), start=1):
            date, leader_name, leader_username, talent, unit, method, topics, summary, opinions, by, place = row
            yield (
                number, date, _user(leader_name, leader_username), talent, unit, method, topics or "", summary,
                opinions, initiators.get(by, by), place,
            )  # fmt: skip

    return Sheet(title=_("Contact log"), columns=columns, rows=rows())


def report_appeal_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the appeal ledger of the appeals received in the year."""
    from liaison.reports import year_appeals

    return appeal_ledger_sheet(year_appeals(root, year).order_by("received_on", "pk"), today=today)


def below_minimum_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the pairings of the year still below the minimum number of contacts (DOMAIN.md rule 3)."""
    from liaison.reports import year_pairings

    pairings = (
        year_pairings(root, year).with_year_stats(year).filter(met_minimum=False)
        .order_by("talent__organization__path", "leader__user__name", "pk")
        .values_list("talent__organization__name", "leader__user__name", "leader__user__username", "leader__post",
                     "talent__name", "talent__work_unit__name", "contacts_this_year", "term__min_contacts_per_year",
                     "last_contact")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Reporting organization"), 14), (_("Leader"), 10), (_("Post"), 16), (_("Talent"), 10),
        (_("Work unit"), 24), (_("Contacts this year"), 10), (_("Minimum"), 8), (_("Last contact"), 12),
    ]  # fmt: skip

    def rows():
        for number, row in enumerate(iter_in_chunks(pairings), start=1):
            organization, leader_name, leader_username, *rest = row
            yield (number, organization, _user(leader_name, leader_username), *rest)

    return Sheet(title=_("Below the minimum"), columns=columns, rows=rows())


def visit_task_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the visit tasks due in the year and their state on ``today`` (DOMAIN.md rule 11)."""
    from liaison.models import VisitTask
    from liaison.reports import year_visit_tasks

    tasks = (
        year_visit_tasks(root, year).order_by("due_date", "pk")
        .values_list("kind", "holiday__name", "leader__user__name", "leader__user__username", "talent__name",
                     "talent__work_unit__name", "window_start", "due_date", "done_at")
    )  # fmt: skip
    columns = [
        (_("No."), 6), (_("Kind"), 16), (_("Holiday"), 10), (_("Leader"), 10), (_("Talent"), 10),
        (_("Work unit"), 24), (_("Window opens"), 12), (_("Due by"), 12), (_("Done on"), 12), (_("State"), 8),
    ]  # fmt: skip

    def rows():
        kinds, done, overdue, still_open = _labels(VisitTask.Kind), _("Done"), _("Overdue"), _("Open")
        for number, row in enumerate(iter_in_chunks(tasks), start=1):
            kind, holiday, leader_name, leader_username, talent, unit, window_start, due_date, done_at = row
            state = done if done_at else overdue if due_date < today else still_open
            yield (
                number, kinds.get(kind, kind), holiday or "", _user(leader_name, leader_username), talent, unit,
                window_start, due_date, done_at, state,
            )  # fmt: skip

    return Sheet(title=_("Visit tasks and their state"), columns=columns, rows=rows())
