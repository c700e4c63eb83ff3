"""The annual report (DOMAIN.md rules 14 and 15): its figures, its workbook, and its submission up the tree.

Every figure of the report comes from ``report_facts``, one UNION query of grouped counts, and
``report_summary`` turns the facts into rows. The workbook's 汇总 sheet, the report page, the frozen
``AnnualReport.summary`` and the staff dashboard all read these functions, so a number is the same
wherever it is shown.
"""

import datetime
import tempfile
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.models import Organization, User
from liaison.aggregates import count_of
from liaison.models import (
    AnnualReport,
    Appeal,
    AppealCategory,
    AppealTally,
    ContactLog,
    ContactMethod,
    ContactMonthTally,
    Leader,
    Pairing,
    PairingTally,
    ReportFile,
    VisitTask,
    year_bounds,
)
from talents.excel import write_workbook
from talents.models import TalentTally

# Below this many pairings and contacts a workbook is built inside the request; above, by a worker.
SMALL_REPORT_ROWS = 20_000
PROGRESS_EVERY = 1000
RESOLVED_STATUSES = (Appeal.Status.RESOLVED, Appeal.Status.FOLLOWED_UP, Appeal.Status.CLOSED)
SATISFACTION_KEYS = {
    Appeal.Satisfaction.SATISFIED: "satisfied",
    Appeal.Satisfaction.BASIC: "basic",
    Appeal.Satisfaction.UNSATISFIED: "unsatisfied",
}
COUNTS = (
    "leaders", "talents", "pairings", "met", "contacts", "appeals", "resolved", "overdue_appeals",
    "satisfied", "basic", "unsatisfied", "visits_done", "visits_due", "visits_overdue",
)  # fmt: skip


# --- what belongs to a year --------------------------------------------------------------------


def year_pairings(root: Organization, year: int):
    """Pairings in force at some time of ``year`` for talents of ``root``'s subtree, ended ones included."""
    first, last = year_bounds(year)
    return Pairing.objects.of_terms_in_force(year).filter(
        Q(end__isnull=True) | Q(end__gte=first), talent__organization__path__startswith=root.path, start__lte=last
    )


def year_contacts(root: Organization, year: int):
    """Confirmed contacts of ``year`` with talents of ``root``'s subtree (pending ones do not count)."""
    return ContactLog.objects.filter(
        talent__organization__path__startswith=root.path, date__year=year, confirmed_at__isnull=False
    )


def year_appeals(root: Organization, year: int):
    """Appeals received in ``year`` in ``root``'s subtree."""
    return Appeal.objects.filter(organization__path__startswith=root.path, received_on__year=year)


def year_visit_tasks(root: Organization, year: int):
    """Visit tasks due in ``year`` for talents of ``root``'s subtree."""
    return VisitTask.objects.filter(talent__organization__path__startswith=root.path, due_date__year=year)


def report_size(root: Organization, year: int) -> int:
    """Pairings plus contacts of the report: what decides between building now and building by a worker."""
    return year_pairings(root, year).count() + year_contacts(root, year).count()


# --- the figures ---------------------------------------------------------------------------------


Named = namedtuple("Named", "pk path name")
# What a part of the facts is grouped by, besides the organization: two numbers and two texts.
Key = namedtuple("Key", "i1 i2 t1 t2")


@dataclass
class Facts:
    """Grouped counts of a subtree's year: ``counts[(kind, child_path, key)] = n``, ``key`` a ``Key``.

    The keys by kind: pairings (in force in the year; i1: how many of them met the minimum); contacts
    (method id, month); appeals (category id, 0, status, satisfaction); visits (done
    0/1, overdue 0/1); none for leaders, talents and overdue_appeals.
    """

    root: Organization
    year: int
    organizations: list  # Named: root first, then its children in tree order
    methods: list  # Named: the contact methods in their sort order
    categories: dict = field(default_factory=dict)  # appeal category id: name
    counts: dict = field(default_factory=dict)

    def items(self, kind: str):
        for (k, child, key), n in self.counts.items():
            if k == kind:
                yield child, key, n


ZERO, EMPTY = Value(0), Value("")


def _child(path_field: str, width: int):
    """The child organization (its path) that the organization at ``path_field`` belongs to, or the root."""
    return Substr(path_field, 1, width)


def _grouped(queryset, kind: str, path_field: str, width: int, i1=ZERO, i2=ZERO, t1=EMPTY, t2=EMPTY, n=None):
    """One part of the facts: ``queryset`` counted per child organization of the root and key.

    The parts read kept counts or the open appeals, some thousands of rows for a whole city, so they are
    grouped by child in the database: a few dozen rows come back, not one per organization and key.
    """
    return (
        queryset.order_by()
        .annotate(r_kind=Value(kind), r_child=_child(path_field, width), r_i1=i1, r_i2=i2, r_t1=t1, r_t2=t2)
        .values_list("r_kind", "r_child", "r_i1", "r_i2", "r_t1", "r_t2")
        .annotate(r_n=n or Count("*"))  # COUNT(*): an index that covers the filter is read alone
    )


def _per_organization(root: Organization, kind: str, queryset, width: int):
    """One part of the facts: ``queryset``'s rows of each organization of the subtree, counted one by one.

    A count per organization reads one range of an index on the organization, where grouping a join
    hashes every row: the city's 100,000 talents took about 48 ms that way, 12 ms this way (scale 1).
    """
    counted = count_of(queryset.filter(organization=OuterRef("pk")))
    return (
        Organization.objects.filter(path__startswith=root.path).order_by()
        .annotate(r_kind=Value(kind), r_child=_child("path", width), r_i1=ZERO, r_i2=ZERO, r_t1=EMPTY, r_t2=EMPTY,
                  r_n=counted)
        .values_list("r_kind", "r_child", "r_i1", "r_i2", "r_t1", "r_t2", "r_n")
    )  # fmt: skip


# Kinds of facts added up per organization in the database and folded into the children here.
ADDED_UP = ("talents", "pairings")


def _added_up(queryset, kind: str, n, i2=ZERO):
    """One part of the facts: ``queryset``'s kept counts added up per organization (its id as ``i1``).

    The rows are read in the order of an index on the organization and added up as they come; grouping
    them by child organization joined every row to its organization first (a city's 19,839 kept pairing
    rows: 9 → 3.3 ms, scale 1). ``report_facts`` folds the hundred-odd sums into the children.
    """
    return (
        queryset.order_by()
        .annotate(r_kind=Value(kind), r_child=EMPTY, r_i1=F("organization_id"))
        .values_list("r_kind", "r_child", "r_i1")
        .annotate(r_i2=i2, r_t1=EMPTY, r_t2=EMPTY, r_n=n)
    )


def _named(queryset, kind: str, path=EMPTY, order=ZERO):
    """Names riding along with the counts: ``(kind, "", order, pk, path, name, 0)``."""
    return (
        queryset.order_by()
        .annotate(r_kind=Value(kind), r_child=EMPTY, r_i1=order, r_i2=F("pk"), r_t1=path, r_t2=F("name"), r_n=ZERO)
        .values_list("r_kind", "r_child", "r_i1", "r_i2", "r_t1", "r_t2", "r_n")
    )


def report_facts(root: Organization, year: int, today: datetime.date, whole_tree: bool = False) -> Facts:
    """Count everything the report shows per child organization of ``root``, in one UNION query.

    The root's own row collects what is attached to ``root`` itself (its child path is its own path).
    The names of the organizations, contact methods and appeal categories ride along in the same
    query, so a page built on the facts (the dashboard) stays within its query budget. ``whole_tree``
    (``root`` is every organization, ``scoping.is_whole_tree``) leaves out the kept counts' filter.
    """
    width = len(root.path) + Organization.steplen
    # The kept counts of the subtree's organizations, as a semi-join: PostgreSQL reads a county's rows through
    # the organization's index instead of every row of the table (TalentTally, county: 9.2 → 3.2 ms). For
    # the whole tree the semi-join keeps every row: four hash joins of 12,000-20,000 rows for a city.
    kept = (
        {} if whole_tree else {"organization__in": Organization.objects.filter(path__startswith=root.path).values("pk")}
    )
    months = ContactMonthTally.objects.filter(**kept, year=year).exclude(contacts=0)
    flag = lambda condition: models.Case(models.When(condition, then=Value(1)), default=Value(0))  # noqa: E731
    parts = [
        _per_organization(root, "leaders", Leader.objects.filter(is_active=True), width),
        # Active talents from their kept counts (talents.TalentTally, category 0: all of them).
        _added_up(TalentTally.objects.filter(**kept, category=0).exclude(talents=0), "talents", n=Sum("talents")),
        # The year's pairings and, riding along as i2, those that met the minimum: from their kept counts.
        _added_up(PairingTally.objects.filter(**kept, year=year, in_force__gt=0), "pairings",
                  i2=Sum("in_force_met"), n=Sum("in_force")),
        # The year's contacts from their monthly counts (kept by triggers), not from every contact: one scan
        # for both the methods and the months (a few hundred rows for a city; two scans took 8 ms more).
        _grouped(months, "contacts", "organization__path", width, F("method_id"), F("month"), n=Sum("contacts")),
        # The year's appeals from their kept counts; whether one is overdue changes with the date, so the
        # overdue ones are counted from the open appeals (the partial index appeal_open_deadline).
        _grouped(AppealTally.objects.filter(**kept, year=year).exclude(appeals=0),
                 "appeals", "organization__path", width, F("category_id"), t1=F("status"), t2=F("satisfaction"),
                 n=Sum("appeals")),
        _grouped(year_appeals(root, year).overdue(today), "overdue_appeals", "organization__path", width),
        _grouped(year_visit_tasks(root, year), "visits", "talent__organization__path", width,
                 flag(Q(done_at__isnull=False)), flag(Q(done_at__isnull=True, due_date__lt=today))),
        _named(Organization.objects.filter(path__startswith=root.path), "org", F("path"), order=F("depth")),
        _named(ContactMethod.objects.all(), "method", order=F("sort_order")),
        _named(AppealCategory.objects.all(), "category"),
    ]  # fmt: skip
    organizations, methods, categories, counts = [], [], {}, defaultdict(int)
    paths, added_up = {}, []
    for kind, child, i1, i2, t1, t2, n in parts[0].union(*parts[1:], all=True):
        if kind == "org":
            paths[i2] = t1
            if i1 <= root.depth + 1:  # the root and its children
                organizations.append(Named(None, t1, t2))
        elif kind == "method":
            methods.append((i1, t2, Named(i2, "", t2)))
        elif kind == "category":
            categories[i2] = t2
        elif kind in ADDED_UP:
            added_up.append((kind, i1, i2, n))
        else:
            counts[(kind, child, Key(i1, i2, t1, t2))] += n
    sums = defaultdict(lambda: [0, 0])
    for kind, organization, i2, n in added_up:  # folded into the children
        if organization in paths:
            added = sums[(kind, paths[organization][:width])]
            added[0] += i2
            added[1] += n
    for (kind, child), (i2, n) in sums.items():
        counts[(kind, child, Key(i2, 0, "", ""))] = n  # pairings: i1 is how many met the minimum
    organizations.sort(key=lambda o: o.path)
    methods = [named for _order, _name, named in sorted(methods, key=lambda m: m[:2])]
    return Facts(
        root=root, year=year, organizations=organizations, methods=methods, categories=categories, counts=dict(counts)
    )


def _rate(met: int, total: int) -> float:
    return round(100 * met / total, 1) if total else 0.0


def report_summary(
    root: Organization, year: int, today: datetime.date, facts: Facts | None = None, whole_tree: bool = False
) -> list[dict]:
    """Return the 汇总 rows: the root's own row, one per child organization, and a total row (rule 14).

    Each row: name, path, leaders, talents, pairings, met, rate (%), methods ([name, n] per contact
    method), contacts, appeals, resolved, overdue_appeals, satisfied, basic, unsatisfied, visits_done,
    visits_due, visits_overdue. The rows are plain JSON, so they are frozen as submitted.
    """
    facts = facts or report_facts(root, year, today, whole_tree)
    rows = {o.path: {"name": o.name, "path": o.path, **dict.fromkeys(COUNTS, 0)} for o in facts.organizations}
    by_method = defaultdict(int)
    for kind, child, key, n in ((k, c, key, n) for (k, c, key), n in facts.counts.items()):
        row = rows.get(child)
        if row is None:  # an organization added between the two queries
            continue
        if kind in ("leaders", "talents", "overdue_appeals"):
            row[kind] += n
        elif kind == "pairings":
            row["pairings"] += n
            row["met"] += key.i1
        elif kind == "contacts":
            by_method[(child, key.i1)] += n
            row["contacts"] += n
        elif kind == "appeals":
            row["appeals"] += n
            row["resolved"] += n if key.t1 in RESOLVED_STATUSES else 0
            if key.t2 in SATISFACTION_KEYS:
                row[SATISFACTION_KEYS[key.t2]] += n
        elif kind == "visits":
            row["visits_due"] += n
            row["visits_done"] += n * key.i1
            row["visits_overdue"] += n * key.i2
    result = list(rows.values())
    for row in result:
        row["methods"] = [[m.name, by_method[(row["path"], m.pk)]] for m in facts.methods]
    total = {"name": _("Total"), "path": "", "is_total": True, **{k: sum(r[k] for r in result) for k in COUNTS}}
    total["methods"] = [[m.name, sum(by_method[(r["path"], m.pk)] for r in result)] for m in facts.methods]
    for row in [*result, total]:
        row["rate"] = _rate(row["met"], row["pairings"])
    return [*result, total]


def contacts_by_month(facts: Facts) -> list[int]:
    """Confirmed contacts of the year per month, January first."""
    months = [0] * 12
    for _child, key, n in facts.items("contacts"):
        months[key.i2 - 1] += n
    return months


def appeals_by(facts: Facts, part: str) -> list[tuple[str, int]]:
    """The year's appeals counted by ``status`` (labels, in workflow order) or ``category`` (most first)."""
    counts = defaultdict(int)
    for _child, key, n in facts.items("appeals"):
        counts[key.t1 if part == "status" else facts.categories.get(key.i1, "")] += n
    if part == "status":
        return [(label, counts[value]) for value, label in Appeal.Status.choices]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- the workbook ----------------------------------------------------------------------------------


def report_filename(organization: Organization, year: int) -> str:
    return _("%(year)d annual report on talent liaison work - %(org)s.xlsx") % {"year": year, "org": organization.name}


# Sheets other apps add after liaison's own, as ``f(root, year, today) -> Sheet``.
_extra_sheets: list[Callable] = []


def register_sheet(sheet: Callable) -> Callable:
    """Add a sheet ``f(root, year, today) -> Sheet`` to the end of the annual report; usable as a decorator.

    A registry rather than an import, as talents.timeline does for the talent page: the apps that add
    sheets (maps, from ``MapsConfig.ready``, adds 保障全景) import liaison's models, so liaison
    importing them would be a cycle. A registered sheet is built with the others, streamed the same way.
    """
    if sheet not in _extra_sheets:
        _extra_sheets.append(sheet)
    return sheet


def report_sheets(root: Organization, year: int, today: datetime.date, on_row: Callable | None = None) -> list:
    """The sheets of the workbook, in order; ``on_row`` is called after each data row written."""
    from liaison import exports

    sheets = [
        exports.report_summary_sheet(root, year, today),
        exports.pairing_table_sheet(root, year, today),
        exports.contact_log_sheet(root, year, today),
        exports.report_appeal_sheet(root, year, today),
        exports.below_minimum_sheet(root, year, today),
        exports.visit_task_sheet(root, year, today),
        *(sheet(root, year, today) for sheet in _extra_sheets),
    ]
    if on_row:
        for sheet in sheets:
            sheet.rows = _counted(sheet.rows, on_row)
    return sheets


def _counted(rows: Iterable, on_row: Callable):
    for row in rows:
        yield row
        on_row()


def report_file_create(*, organization: Organization, year: int, user: User | None) -> ReportFile:
    """Record a workbook to build; build it now when small, else queue it for a worker (after commit)."""
    report_file = ReportFile.objects.create(organization=organization, year=year, created_by=user)
    if report_size(organization, year) < SMALL_REPORT_ROWS:
        return report_file_build(report_file=report_file)
    from liaison.delivery import enqueue
    from liaison.tasks import build_report_file

    # With the broker down the file stays waiting and the pick-up (tasks.send_pending) queues it later.
    transaction.on_commit(lambda: enqueue(build_report_file, report_file.pk))
    return report_file


def waiting_file_ids(before: datetime.datetime) -> list[int]:
    """Workbooks still waiting for a worker since before ``before``: their queue message was lost."""
    waiting = ReportFile.objects.filter(status=ReportFile.Status.PENDING, created_at__lt=before)
    return list(waiting.values_list("pk", flat=True)[:100])


def report_file_build(*, report_file: ReportFile, today: datetime.date | None = None) -> ReportFile:
    """Build the workbook of a waiting ReportFile into MEDIA_ROOT/reports/, updating its progress.

    Claimed with a compare-and-set on the status, so a redelivered task does not build it twice.
    """
    if not ReportFile.objects.filter(pk=report_file.pk, status=ReportFile.Status.PENDING).update(
        status=ReportFile.Status.RUNNING
    ):
        report_file.refresh_from_db()
        return report_file
    today = today or timezone.localdate()
    root, year = report_file.organization, report_file.year
    expected = max(1, report_size(root, year) * 2)  # the 一览表 and 联系记录 dominate
    written = [0]

    def on_row():
        written[0] += 1
        if written[0] % PROGRESS_EVERY == 0:
            progress = min(99, 100 * written[0] // expected)
            ReportFile.objects.filter(pk=report_file.pk).update(progress=progress, rows=written[0])

    try:
        with tempfile.TemporaryFile() as tmp:
            write_workbook(tmp, report_sheets(root, year, today, on_row=on_row))
            tmp.seek(0)
            report_file.file.save(f"report-{root.pk}-{year}.xlsx", File(tmp), save=False)
    except Exception as error:
        ReportFile.objects.filter(pk=report_file.pk).update(status=ReportFile.Status.FAILED, error=str(error))
        raise
    ReportFile.objects.filter(pk=report_file.pk).update(
        file=report_file.file.name, status=ReportFile.Status.DONE, progress=100, rows=written[0],
        finished_at=timezone.now(),
    )  # fmt: skip
    report_file.refresh_from_db()
    return report_file


# --- submission up the tree (逐级报送) ------------------------------------------------------------


def parent_of(organization: Organization) -> Organization | None:
    """The organization directly above, by tree path; None at the top."""
    if organization.depth <= 1:
        return None
    return Organization.objects.filter(path=organization.path[: -Organization.steplen]).first()


def is_own_staff(user: User, organization: Organization) -> bool:
    """Whether the user holds the staff role in ``organization`` itself."""
    return any(o.pk == organization.pk for o in scoping.organizations_for_role(user, "staff"))


def may_submit(user: User, organization: Organization) -> bool:
    """An organization's own staff submit its report to the parent; the top of the tree has no one to report to."""
    return organization.depth > 1 and (is_own_staff(user, organization) or scoping.sees_everything(user))


def may_review(user: User, report: AnnualReport) -> bool:
    """Staff over the parent review a child's report, unless they are staff of that child or submitted it."""
    parent = parent_of(report.organization)
    if parent is None or report.submitted_by_id == user.pk:
        return False
    inside = any(o.path.startswith(report.organization.path) for o in scoping.organizations_for_role(user, "staff"))
    return scoping.is_staff_over(user, parent) and not inside


def _transition(report: AnnualReport, *, version: int, allowed: tuple, **changes) -> AnnualReport:
    """Move a report on with a compare-and-set on its version; a stale or refused move raises."""
    done = AnnualReport.objects.filter(pk=report.pk, version=version, status__in=allowed).update(
        version=version + 1, **changes
    )
    if done != 1:
        raise ValidationError(_("This report was changed by someone else, or cannot take this step now. Reload."))
    report.refresh_from_db()
    return report


@transaction.atomic
def report_submit(*, organization: Organization, year: int, user: User, today: datetime.date) -> AnnualReport:
    """Submit ``organization``'s report of ``year`` to its parent: figures frozen, workbook attached.

    An accepted report is locked; a returned one may be submitted again.
    """
    report, _created = AnnualReport.objects.get_or_create(organization=organization, year=year)
    if report.status not in (AnnualReport.Status.DRAFT, AnnualReport.Status.RETURNED):
        raise ValidationError(_("This report is already submitted or accepted."))
    workbook = report_file_create(organization=organization, year=year, user=user)
    return _transition(
        report, version=report.version, allowed=(AnnualReport.Status.DRAFT, AnnualReport.Status.RETURNED),
        status=AnnualReport.Status.SUBMITTED, summary={"rows": report_summary(organization, year, today)},
        workbook=workbook, submitted_by=user, submitted_at=timezone.now(), reviewed_by=None, reviewed_at=None,
    )  # fmt: skip


def report_accept(*, report: AnnualReport, user: User, version: int) -> AnnualReport:
    """Accept a submitted report; its figures are then locked."""
    return _transition(
        report, version=version, allowed=(AnnualReport.Status.SUBMITTED,), status=AnnualReport.Status.ACCEPTED,
        reviewed_by=user, reviewed_at=timezone.now(), return_reason="",
    )  # fmt: skip


def report_return(*, report: AnnualReport, user: User, version: int, reason: str) -> AnnualReport:
    """Return a submitted report for changes, with the reason the child's staff will read."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for returning the report."))
    return _transition(
        report, version=version, allowed=(AnnualReport.Status.SUBMITTED,), status=AnnualReport.Status.RETURNED,
        reviewed_by=user, reviewed_at=timezone.now(), return_reason=reason.strip(),
    )  # fmt: skip


def children_status(root: Organization, year: int) -> list[dict]:
    """Each child organization of ``root`` with its report of ``year`` (None when never submitted)."""
    children = list(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1))
    reports = {r.organization_id: r for r in AnnualReport.objects.filter(organization__in=children, year=year)}
    return [{"organization": child, "report": reports.get(child.pk)} for child in children]
