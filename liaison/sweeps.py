"""The daily sweeps of scheduled liaison work (DESIGN.md "Scheduled work"; DOMAIN.md rules 3, 10, 11, 15).

Each sweep takes the day it sweeps, computes from the data what is due on that day, and creates what
is missing under a unique key (``bulk_create(ignore_conflicts=True)``), so a second run creates
nothing and a run after downtime catches up. Sending is separate: every new notification gets
deliveries that retried tasks send (``liaison.delivery``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from borax.calendars.lunardate import LunarDate
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization
from liaison.models import (
    Appeal,
    Holiday,
    Leader,
    Notification,
    Pairing,
    ReminderPolicy,
    SweepRun,
    Term,
    VisitTask,
)
from talents.hooks import on_major_event_reported
from talents.models import MajorEvent, Talent

BATCH = 5000
MAX_CATCH_UP_DAYS = 31
ESCALATE_TO_STAFF_AFTER_DAYS = 7
RECENT_EVENT_DAYS = 30


# --- policy -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """The reminder policy in force for an organization (its own or the nearest one above)."""

    checkpoints: frozenset = frozenset({"07-01", "10-01", "12-01"})
    staff_summary_on: str = "12-15"
    no_contact_days: int | None = None
    achievement_visit_days: int = 15
    illness_visit_days: int = 7
    report_reminder_on: str = "12-20"


DEFAULT_POLICY = Policy()


def _as_policy(row: ReminderPolicy) -> Policy:
    return Policy(
        checkpoints=frozenset(c.strip() for c in row.checkpoints.split(",") if c.strip()),
        staff_summary_on=row.staff_summary_on,
        no_contact_days=row.no_contact_days,
        achievement_visit_days=row.achievement_visit_days,
        illness_visit_days=row.illness_visit_days,
        report_reminder_on=row.report_reminder_on,
    )


@dataclass
class PolicyMap:
    """Effective policy of every organization, resolved once per sweep by tree path prefixes."""

    by_path: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "PolicyMap":
        return cls({row.organization.path: _as_policy(row) for row in ReminderPolicy.objects.select_related(
            "organization")})  # fmt: skip

    def for_path(self, path: str) -> Policy:
        step = Organization.steplen
        for end in range(len(path), 0, -step):
            policy = self.by_path.get(path[:end])
            if policy:
                return policy
        return DEFAULT_POLICY

    def organizations_where(self, predicate) -> list[int]:
        """Ids of organizations whose policy satisfies ``predicate``."""
        return [pk for pk, path in Organization.objects.values_list("pk", "path") if predicate(self.for_path(path))]


def policy_for(organization: Organization) -> Policy:
    """Return the policy in force for ``organization``."""
    return PolicyMap.load().for_path(organization.path)


# --- notifications ------------------------------------------------------------------------------


def notify(rows: list[Notification]) -> int:
    """Insert notifications that do not exist yet (by key) and queue their sending; return how many."""
    if not rows:
        return 0
    from liaison import delivery

    existing = existing_keys([r.dedupe_key for r in rows])
    new = [r for r in rows if r.dedupe_key not in existing]
    Notification.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    created = Notification.objects.filter(dedupe_key__in=[r.dedupe_key for r in new])
    delivery.deliveries_create(notifications=created)
    return len(new)


def existing_keys(keys: list[str]) -> set[str]:
    """The notification keys among ``keys`` that exist already, looked up in batches."""
    existing = set()
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        existing |= set(Notification.objects.filter(dedupe_key__in=batch).values_list("dedupe_key", flat=True))
    return existing


def _staff_by_path() -> dict[str, list[int]]:
    staff = defaultdict(list)
    for user_id, path in Membership.objects.filter(role="staff", user__is_active=True).values_list(
        "user_id", "organization__path"
    ):
        staff[path].append(user_id)
    return staff


def nearest_staff(path: str, staff: dict[str, list[int]]) -> list[int]:
    """Staff of the organization at ``path`` or, if it has none, of the nearest organization above."""
    for end in range(len(path), 0, -Organization.steplen):
        if staff.get(path[:end]):
            return staff[path[:end]]
    return []


def _current_pairings(day: datetime.date):
    return Pairing.objects.active().filter(
        term__in=Term.objects.current(day), start__lte=day, talent__status=Talent.Status.ACTIVE
    )


# --- the sweeps ---------------------------------------------------------------------------------


def contact_reminders(day: datetime.date, policies: PolicyMap) -> int:
    """At a checkpoint, remind each leader of their pairings still below the year's minimum (rule 3)."""
    org_ids = policies.organizations_where(lambda p: f"{day:%m-%d}" in p.checkpoints)
    if not org_ids:
        return 0
    due = (
        _current_pairings(day)
        .filter(talent__organization_id__in=org_ids)
        .with_year_stats(day.year)
        .filter(met_minimum=False)
        .values_list("leader__user_id", "talent__name")
    )
    by_leader = defaultdict(list)
    for user_id, name in due.iterator(chunk_size=BATCH):
        by_leader[user_id].append(name)
    link = reverse("liaison:my_talents")
    return notify([
        Notification(
            recipient_id=user_id, kind=Notification.Kind.CONTACT_REMINDER, link=link,
            dedupe_key=f"contact:{user_id}:{day:%Y-%m-%d}",
            title=_("%(count)d paired talents are still due a contact this year") % {"count": len(names)},
            body="、".join(names[:20]) + ("……" if len(names) > 20 else ""),
        )
        for user_id, names in by_leader.items()
    ])  # fmt: skip


def staff_summaries(day: datetime.date, policies: PolicyMap) -> int:
    """On the summary day, tell each organization's staff which pairings are still below the minimum."""
    org_ids = set(policies.organizations_where(lambda p: p.staff_summary_on == f"{day:%m-%d}"))
    if not org_ids:
        return 0
    below = defaultdict(int)
    for path in (
        _current_pairings(day).with_year_stats(day.year).filter(met_minimum=False)
        .values_list("talent__organization__path", flat=True).iterator(chunk_size=BATCH)
    ):  # fmt: skip
        below[path] += 1
    rows = []
    link = reverse("liaison:compliance")
    for membership in Membership.objects.filter(role="staff", organization_id__in=org_ids).select_related(
        "organization"
    ):
        count = sum(n for path, n in below.items() if path.startswith(membership.organization.path))
        rows.append(Notification(
            recipient_id=membership.user_id, kind=Notification.Kind.STAFF_SUMMARY, link=link,
            dedupe_key=f"summary:{membership.user_id}:{membership.organization_id}:{day.year}",
            title=_("%(org)s: %(count)d pairings have not met the minimum this year") % {
                "org": membership.organization.name, "count": count},
        ))  # fmt: skip
    return notify(rows)


def no_contact_reminders(day: datetime.date, policies: PolicyMap) -> int:
    """Remind a leader of a pairing without contact for N days, once per silence (off by default)."""
    by_days = defaultdict(list)
    for pk, path in Organization.objects.values_list("pk", "path"):
        days = policies.for_path(path).no_contact_days
        if days:
            by_days[days].append(pk)
    rows = []
    for days, org_ids in by_days.items():
        limit = day - datetime.timedelta(days=days)
        quiet = (
            _current_pairings(day).filter(talent__organization_id__in=org_ids, start__lte=limit)
            .with_year_stats(day.year).filter(Q(last_contact__lt=limit) | Q(last_contact__isnull=True))
            .values_list("pk", "leader__user_id", "talent__name", "last_contact")
        )  # fmt: skip
        for pk, user_id, name, last in quiet.iterator(chunk_size=BATCH):
            rows.append(Notification(
                recipient_id=user_id, kind=Notification.Kind.NO_CONTACT, link=reverse("liaison:my_talents"),
                dedupe_key=f"quiet:{pk}:{last or 'never'}",
                title=_("No contact with %(name)s for more than %(days)d days") % {"name": name, "days": days},
            ))  # fmt: skip
    return notify(rows)


def holiday_date(holiday: Holiday, year: int) -> datetime.date | None:
    """The solar date of ``holiday`` in ``year``; lunar dates come from borax, never a typed table."""
    try:
        if holiday.calendar == Holiday.Calendar.LUNAR:
            return LunarDate(year, holiday.month, holiday.day).to_solar_date()
        return datetime.date(year, holiday.month, holiday.day)
    except ValueError:
        return None


def next_holiday_date(holiday: Holiday, day: datetime.date) -> datetime.date | None:
    """The first occurrence of ``holiday`` on or after ``day``."""
    for year in (day.year, day.year + 1):
        date = holiday_date(holiday, year)
        if date and date >= day:
            return date
    return None


def holiday_campaigns(day: datetime.date, policies: PolicyMap) -> int:
    """Within a holiday's notice window, create a visit task for every matching active pairing (rule 11)."""
    created = 0
    for holiday in Holiday.objects.filter(is_active=True).prefetch_related("categories"):
        date = next_holiday_date(holiday, day)
        if date is None or (date - day).days > holiday.lead_days:
            continue
        pairings = _current_pairings(day)
        category_ids = [c.pk for c in holiday.categories.all()]
        if category_ids:
            pairings = pairings.filter(talent__categories__in=category_ids).distinct()
        window = date - datetime.timedelta(days=holiday.lead_days)
        key = f"holiday:{holiday.pk}:{date.year}"
        tasks = [
            VisitTask(key=task_key, kind=VisitTask.Kind.HOLIDAY, pairing_id=pk, leader_id=leader_id,
                      talent_id=talent_id, holiday=holiday, window_start=window, due_date=date)
            for pk, leader_id, talent_id, task_key in _without_task(pairings, key)
            .values_list("pk", "leader_id", "talent_id", "task_key")  # whole: a cursor plans nested loops
        ]  # fmt: skip
        created += _create_tasks(
            tasks, key=key,
            title=_("%(holiday)s visits: %(count)d talents, due %(date)s"), context={"holiday": holiday.name,
                                                                                   "date": date},
        )  # fmt: skip
    return created


def must_visits(day: datetime.date, policies: PolicyMap, events=None) -> int:
    """Serious illness, discharge and major achievement each create visit tasks for the paired leaders."""
    since = day - datetime.timedelta(days=RECENT_EVENT_DAYS)
    events = (
        (MajorEvent.objects.all() if events is None else events)
        .filter(
            Q(kind=MajorEvent.Kind.HEALTH, date__gte=since, date__lte=day)
            | Q(kind=MajorEvent.Kind.HEALTH, discharged_on__gte=since, discharged_on__lte=day)
            | Q(kind=MajorEvent.Kind.ACHIEVEMENT, date__gte=since, date__lte=day)
        )
        .select_related("talent__organization")
    )
    created = 0
    for event in events:
        policy = policies.for_path(event.talent.organization.path)
        pairings = Pairing.objects.active().filter(talent_id=event.talent_id)
        for kind, start, days in _event_visits(event, policy, day):
            due = start + datetime.timedelta(days=days)
            tasks = [
                VisitTask(key=task_key, kind=kind, pairing_id=pk, leader_id=leader_id,
                          talent_id=event.talent_id, major_event=event, window_start=start, due_date=due)
                for pk, leader_id, task_key in _without_task(pairings, f"{kind}:{event.pk}")
                .values_list("pk", "leader_id", "task_key")
            ]  # fmt: skip
            created += _create_tasks(
                tasks,
                key=f"{kind}:{event.pk}",
                title=_("Visit %(talent)s by %(date)s: %(kind)s"),
                context={"talent": event.talent.name, "date": due, "kind": VisitTask.Kind(kind).label},
            )
    return created


def _event_visits(event: MajorEvent, policy: Policy, day: datetime.date):
    if event.kind == MajorEvent.Kind.ACHIEVEMENT:
        yield VisitTask.Kind.ACHIEVEMENT, event.date, policy.achievement_visit_days
    elif event.kind == MajorEvent.Kind.HEALTH:
        yield VisitTask.Kind.ILLNESS, event.date, policy.illness_visit_days
        if event.discharged_on and event.discharged_on <= day:
            yield VisitTask.Kind.DISCHARGE, event.discharged_on, 7


def _without_task(pairings, key: str):
    """Annotate ``task_key`` (``key:<pairing pk>``) and keep the pairings without that task yet.

    An anti-join in SQL, so a second run of a sweep fetches and builds nothing.
    """
    task_key = Concat(Value(f"{key}:"), Cast("pk", output_field=CharField()), output_field=CharField())
    return pairings.annotate(task_key=task_key).filter(~Exists(VisitTask.objects.filter(key=OuterRef("task_key"))))


def _create_tasks(tasks: list[VisitTask], *, key: str, title: str, context: dict) -> int:
    """Insert new tasks (built by ``_without_task``), mark those already visited, tell each leader once."""
    if not tasks:
        return 0
    VisitTask.objects.bulk_create(tasks, batch_size=BATCH, ignore_conflicts=True)
    VisitTask.objects.filter(key__in=[t.key for t in tasks]).complete_by_visits()
    per_leader = defaultdict(int)
    for task in tasks:
        per_leader[task.leader_id] += 1
    users = dict(Leader.objects.filter(pk__in=per_leader).values_list("pk", "user_id"))
    link = reverse("liaison:my_talents")
    notify([
        Notification(recipient_id=users[leader_id], kind=Notification.Kind.VISIT_TASK, link=link,
                     dedupe_key=f"tasks:{key}:{leader_id}",
                     title=title % {**context, "count": count})
        for leader_id, count in per_leader.items()
    ])  # fmt: skip
    return len(tasks)


def overdue_escalations(day: datetime.date, policies: PolicyMap) -> int:
    """Overdue visits and appeals: first the leader or handler, a week later the staff; each step once.

    The first step reads only what has no notification yet (an anti-join on the key). The staff
    step's keys depend on who the nearest staff are today, so they are computed from plain rows and
    those already sent dropped in SQL; either way a second run builds no notification.
    """
    staff = _staff_by_path()
    week_late = day - datetime.timedelta(days=ESCALATE_TO_STAFF_AFTER_DAYS)
    task_fields = ["pk", "due_date", "kind", "talent_id", "talent__name", "talent__organization__path"]
    tasks = VisitTask.objects.overdue(day)
    first = _unsent(tasks, Value("visit-late:"), "pk", Value(":1")).values_list(
        *task_fields, "leader__user_id", "notice_key"
    )
    due = [(key, user_id, row) for *row, user_id, key in first]
    for task in tasks.filter(due_date__lte=week_late).values_list(*task_fields):
        due += [(f"visit-late:{task[0]}:2:{uid}", uid, task) for uid in nearest_staff(task[5], staff)]
    appeal_fields = ["pk", "deadline", "round", "handler_id", "talent__name", "category__name", "organization__path"]
    appeals = Appeal.objects.overdue(day)
    deadline = Replace(Cast("deadline", output_field=CharField()), Value("-"), Value(""))
    first = _unsent(
        appeals.filter(handler__isnull=False), Value("appeal-late:"), "pk", Value(":"), "round", Value(":"), deadline,
        Value(":1"),
    )  # fmt: skip
    due += [(key, row[3], row) for *row, key in first.values_list(*appeal_fields, "notice_key")]
    for appeal in appeals.filter(Q(deadline__lte=week_late) | Q(handler__isnull=True)).values_list(*appeal_fields):
        key = f"appeal-late:{appeal[0]}:{appeal[2]}:{appeal[1]:%Y%m%d}:2"
        due += [(f"{key}:{uid}", uid, appeal) for uid in nearest_staff(appeal[6], staff)]
    existing = existing_keys([key for key, _uid, _row in due])
    return notify([_overdue_notification(key, uid, row) for key, uid, row in due if key not in existing])


def _unsent(queryset, *parts):
    """Annotate ``notice_key``, the ``parts`` joined (``Value`` text, field names, text expressions), and keep
    the rows without a notification of that key: an anti-join, so what was sent is not read again."""
    parts = [Cast(p, output_field=CharField()) if isinstance(p, str) else p for p in parts]
    key = Concat(*parts, output_field=CharField())
    unsent = ~Exists(Notification.objects.filter(dedupe_key=OuterRef("notice_key")))
    return queryset.annotate(notice_key=key).filter(unsent)


def _overdue_notification(key: str, recipient: int, row: tuple) -> Notification:
    if key.startswith("visit-late:"):
        pk, due_date, kind, talent_id, talent = row[:5]
        title = _("Overdue visit: %(talent)s (%(kind)s), due %(date)s") % {
            "talent": talent, "kind": VisitTask.Kind(kind).label, "date": due_date}  # fmt: skip
        return Notification(recipient_id=recipient, kind=Notification.Kind.VISIT_OVERDUE, dedupe_key=key,
                            title=title, link=reverse("talents:talent_detail", args=[talent_id]))  # fmt: skip
    pk, deadline, _round, _handler, talent, category = row[:6]
    title = _("Overdue appeal: %(talent)s, %(category)s, deadline %(date)s") % {
        "talent": talent, "category": category, "date": deadline}  # fmt: skip
    return Notification(recipient_id=recipient, kind=Notification.Kind.APPEAL_OVERDUE, dedupe_key=key,
                        title=title, link=reverse("liaison:appeal_detail", args=[pk]))  # fmt: skip


def report_reminders(day: datetime.date, policies: PolicyMap) -> int:
    """On the report reminder date, tell the staff of organizations not yet reporting up (rule 14); once a year."""
    from liaison.models import AnnualReport

    org_ids = set(policies.organizations_where(lambda p: p.report_reminder_on == f"{day:%m-%d}"))
    reported = AnnualReport.objects.filter(
        year=day.year, status__in=(AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED)
    ).values("organization_id")
    staff = (
        Membership.objects.filter(role="staff", user__is_active=True, organization_id__in=org_ids,
                                  organization__depth__gt=1)
        .exclude(organization_id__in=reported).select_related("organization")
    )  # fmt: skip
    return notify([
        Notification(
            recipient_id=m.user_id, kind=Notification.Kind.REPORT,
            dedupe_key=f"report:{m.organization_id}:{day.year}:{m.user_id}",
            link=f"{reverse('liaison:report_detail')}?organization={m.organization_id}&year={day.year}",
            title=_("%(org)s: submit the %(year)d annual report before the end of December") % {
                "org": m.organization.name, "year": day.year},
        )
        for m in staff
    ])  # fmt: skip


def report_prebuild(day: datetime.date, policies: PolicyMap) -> int:
    """In December from the reminder date on, build each staffed organization's workbook once a year."""
    from liaison.models import ReportFile

    if day.month != 12:
        return 0
    staffed = set(Membership.objects.filter(role="staff").values_list("organization_id", flat=True))
    due = set(policies.organizations_where(lambda p: p.report_reminder_on <= f"{day:%m-%d}")) & staffed
    built = ReportFile.objects.filter(year=day.year, created_by__isnull=True, organization_id__in=due)
    new = sorted(due - set(built.values_list("organization_id", flat=True)))
    files = ReportFile.objects.bulk_create([ReportFile(organization_id=pk, year=day.year) for pk in new])
    from liaison.delivery import enqueue
    from liaison.tasks import build_report_file

    for report_file in files:
        transaction.on_commit(lambda pk=report_file.pk: enqueue(build_report_file, pk))
    return len(files)


def import_file_purge(day: datetime.date, policies: PolicyMap) -> int:
    """Delete uploaded import files older than IMPORT_FILE_RETENTION_DAYS (they hold whole ID numbers)."""
    from talents.services import import_files_purge

    start = datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())
    return import_files_purge(before=start - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS))


SWEEPS = {
    "report_reminders": report_reminders,
    "report_prebuild": report_prebuild,
    "contact_reminders": contact_reminders,
    "staff_summaries": staff_summaries,
    "no_contact_reminders": no_contact_reminders,
    "holiday_campaigns": holiday_campaigns,
    "must_visits": must_visits,
    "overdue_escalations": overdue_escalations,
    "import_file_purge": import_file_purge,
}

# What each sweep is called on the staff page.
SWEEP_LABELS = {
    "report_reminders": gettext_lazy("Annual report reminders"),
    "report_prebuild": gettext_lazy("Annual report pre-build"),
    "contact_reminders": gettext_lazy("Contact reminders at checkpoints"),
    "staff_summaries": gettext_lazy("Year-end summary to the office"),
    "no_contact_reminders": gettext_lazy("Long time without contact"),
    "holiday_campaigns": gettext_lazy("Holiday visit campaigns"),
    "must_visits": gettext_lazy("Must-visit tasks (三必访)"),
    "overdue_escalations": gettext_lazy("Overdue visits and appeals"),
    "import_file_purge": gettext_lazy("Deleting old import files"),
}


def run_day(day: datetime.date, names=None) -> dict[str, int]:
    """Run the named sweeps (all by default) for one day; record each run; return what each created."""
    policies = PolicyMap.load()
    created = {}
    for name in names or SWEEPS:
        run = SweepRun.objects.create(name=name, day=day)
        with transaction.atomic():
            created[name] = SWEEPS[name](day, policies)
        SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), created=created[name])
    return created


def days_to_sweep(today: datetime.date) -> list[datetime.date]:
    """The days missed since the last finished run, then today; at most a month back."""
    last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-day").values_list("day", flat=True).first()
    first = today if last is None else max(last + datetime.timedelta(days=1), today - datetime.timedelta(
        days=MAX_CATCH_UP_DAYS))  # fmt: skip
    first = min(first, today)
    return [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]


def run_all(today: datetime.date) -> dict[str, int]:
    """Catch up on missed days, then sweep today; return the totals created per sweep."""
    totals = defaultdict(int)
    for day in days_to_sweep(today):
        for name, count in run_day(day).items():
            totals[name] += count
    return dict(totals)


@on_major_event_reported
def must_visits_for_event(event: MajorEvent) -> int:
    """Create the must-visit tasks of one event right after it is reported (or its discharge)."""
    today = timezone.localdate()
    with transaction.atomic():
        return must_visits(today, PolicyMap.load(), events=MajorEvent.objects.filter(pk=event.pk))
