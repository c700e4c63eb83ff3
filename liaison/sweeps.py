"""The daily sweeps of scheduled liaison work (DESIGN.md "Scheduled work"; DOMAIN.md rules 3, 10, 11, 15).

Each sweep takes the day it sweeps, computes from the data what is due on that day, and creates what
is missing under a unique key (an anti-join on the key, then ``ON CONFLICT DO NOTHING``), so a second
run creates nothing and a run after downtime catches up. The sweeps over every pairing insert with
INSERT ... SELECT, so their number of queries does not grow with the data. Sending is separate:
every new notification gets deliveries that retried tasks send (``liaison.delivery``).
"""

import datetime
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from borax.calendars.lunardate import LunarDate
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization
from liaison.aggregates import name_list
from liaison.models import (
    Appeal,
    Holiday,
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

    def case(self, attribute: str, organization: str) -> Case:
        """The policy's ``attribute`` for each row's ``organization`` (a field path), as a SQL expression."""
        by_value = defaultdict(list)
        for pk, path in Organization.objects.values_list("pk", "path"):
            by_value[getattr(self.for_path(path), attribute)].append(pk)
        common = Counter({value: len(pks) for value, pks in by_value.items()}).most_common(1)
        default = common[0][0] if common else getattr(DEFAULT_POLICY, attribute)
        whens = [When(**{f"{organization}__in": pks}, then=Value(v)) for v, pks in by_value.items() if v != default]
        return Case(*whens, default=Value(default))


def policy_for(organization: Organization) -> Policy:
    """Return the policy in force for ``organization``."""
    return PolicyMap.load().for_path(organization.path)


# --- notifications ------------------------------------------------------------------------------


def notify(rows: list[Notification]) -> int:
    """Insert notifications that do not exist yet (by key) and queue their sending; return how many.

    For the few rows a sweep builds in Python; rows that come from a query go through ``_insert_select``.
    """
    if not rows:
        return 0
    existing = existing_keys([r.dedupe_key for r in rows])
    new = [r for r in rows if r.dedupe_key not in existing]
    Notification.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    if new:
        _deliver(Notification.objects.filter(dedupe_key__in=[r.dedupe_key for r in new]))
    return len(new)


def existing_keys(keys: list[str]) -> set[str]:
    """The notification keys among ``keys`` that exist already, looked up in batches."""
    existing = set()
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        existing |= set(Notification.objects.filter(dedupe_key__in=batch).values_list("dedupe_key", flat=True))
    return existing


def _deliver(notifications) -> None:
    from liaison import delivery

    delivery.deliveries_create(notifications=notifications)


def _deliver_ids(ids: list[int]) -> None:
    if ids:
        _deliver(Notification.objects.filter(_IdAmong(ids)))


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


def _nearest_staff_by_organization() -> dict[int, list[int]]:
    staff = _staff_by_path()
    return {pk: nearest_staff(path, staff) for pk, path in Organization.objects.values_list("pk", "path")}


def _current_pairings(day: datetime.date):
    return Pairing.objects.active().filter(
        term__in=Term.objects.current(day), start__lte=day, talent__status=Talent.Status.ACTIVE
    )


# --- rows built by the database -------------------------------------------------------------------
# A sweep over every pairing inserts with one INSERT ... SELECT per kind of row: the titles, links and
# keys are SQL expressions, so no row is built in Python and the number of queries stays fixed.

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
_URL_ID = 987654321  # a stand-in id, replaced by the id column in the reversed URL


def _text(*parts):
    """The text of ``parts`` (strings and expressions) joined, as a SQL expression."""
    parts = [Value(p) if isinstance(p, str) else p for p in parts]
    return Concat(*parts, output_field=CharField()) if len(parts) > 1 else Cast(parts[0], CharField())


class _DateText(Func):
    """A date column as text in a fixed ``strftime`` pattern, whatever the server's DateStyle."""

    function = "to_char"
    output_field = CharField()

    def __init__(self, date, pattern: str):
        self.pattern = pattern
        postgresql = pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        super().__init__(date, Value(postgresql))

    def as_sqlite(self, compiler, connection, **extra):
        date = self.get_source_expressions()[0]
        return Func(Value(self.pattern), date, function="strftime").as_sql(compiler, connection)


def _iso(date) -> Func:
    """A date column as ``str(date)`` writes it (2026-09-25)."""
    return _DateText(date, "%Y-%m-%d")


class _AddDays(Func):
    """``date + days`` (an integer expression) as a date: PostgreSQL adds them, SQLite needs date()."""

    template = "(%(expressions)s)"
    arg_joiner = " + "
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        date, days = self.get_source_expressions()
        days_sql, days_params = compiler.compile(days)
        date_sql, date_params = compiler.compile(date)
        return f"date({date_sql}, ({days_sql}) || ' days')", [*date_params, *days_params]


def _format(template: str, **values):
    """``template % values`` in SQL: an expression is filled in by the database, any other value by Python.

    ``template`` is the translated text, so its placeholders may come in any order.
    """
    parts, end = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(template[end : match.start()])
        end = match.end()
        if match.group(0) == "%%":
            parts.append("%")
            continue
        value = values[match.group(1)]
        parts.append(value if hasattr(value, "resolve_expression") else match.group(0) % {match.group(1): value})
    parts.append(template[end:])
    return _text(*[p for p in parts if p != ""])


def _label(choices, name: str) -> Case:
    """The translated label of the ``choices`` value in the field ``name``."""
    return Case(*[When(**{name: value}, then=Value(str(label))) for value, label in choices.choices],
                output_field=CharField())  # fmt: skip


def _url(viewname: str, pk):
    """``reverse(viewname, args=[pk])`` for the id column ``pk``, reversed once."""
    before, after = reverse(viewname, args=[_URL_ID]).split(str(_URL_ID))
    return _text(before, Cast(pk, CharField()), after)


class _IdAmong(Func):
    """``pk = ANY(ids)``: many ids in one parameter, an array whose length PostgreSQL takes as the estimate.

    The array goes as one text literal: PostgreSQL parses ``ARRAY[1, 2, ...]`` element by element, 4× slower.
    """

    template = "%(expressions)s::bigint[])"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, ids: list[int]):
        self.ids = [int(pk) for pk in ids]
        super().__init__(F("pk"), Value("{" + ",".join(map(str, self.ids)) + "}"))

    def as_sqlite(self, compiler, connection, **extra):
        pk_sql, pk_params = compiler.compile(self.get_source_expressions()[0])
        return f"{pk_sql} IN (SELECT value FROM json_each(%s))", [*pk_params, json.dumps(self.ids)]  # noqa: S608


def _insert_select(model, rows, fields: dict, *, unique: str, staff: dict[int, list[int]] | None = None) -> list[int]:
    """Insert one ``model`` row per row of ``rows`` with one INSERT ... SELECT; return the new ids.

    ``fields`` maps field names to expressions over ``rows`` or to plain values; fields left out get
    their default. A row whose ``unique`` value exists already is left out by an anti-join, so a rerun
    builds nothing; ``ON CONFLICT DO NOTHING`` covers a concurrent run. With ``staff`` (organization
    id: user ids), ``fields["recipient"]`` is an organization id and the row goes to each of its users,
    ``:<user id>`` appended to the ``unique`` value.
    """
    quote, now = connection.ops.quote_name, timezone.now()
    expressions = {name: value for name, value in fields.items() if hasattr(value, "resolve_expression")}
    try:
        select, select_params = (
            rows.order_by().values(**{f"new_{n}": e for n, e in expressions.items()}).query.sql_with_params()
        )
    except EmptyResultSet:  # a filter such as ``__in=[]``
        return []
    key, join, join_params = f"source.{quote('new_' + unique)}", "", []
    if staff is not None:
        key = f"({key} || ':' || staff.user_id)"
        pairs = [(org, user) for org, users in staff.items() for user in users]
        join_params = [[org for org, _user in pairs], [user for _org, user in pairs]]
        if connection.vendor == "postgresql":
            join = " JOIN unnest(%s::bigint[], %s::bigint[]) AS staff(org, user_id) ON staff.org = source.new_recipient"
        else:  # SQLite, the demo: the same pairs from two JSON arrays
            join = (
                " JOIN (SELECT o.value AS org, u.value AS user_id FROM json_each(%s) AS o"
                " JOIN json_each(%s) AS u ON u.key = o.key) AS staff ON staff.org = source.new_recipient"
            )
            join_params = [json.dumps(values) for values in join_params]
    columns, values, params = [], [], []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if model_field.primary_key:
            continue
        columns.append(quote(model_field.column))
        if name == unique:
            values.append(key)
        elif staff is not None and name == "recipient":
            values.append("staff.user_id")
        elif name in expressions:
            values.append(f"source.{quote('new_' + name)}")
        else:
            value = fields.get(name, now if getattr(model_field, "auto_now_add", False) else model_field.get_default())
            values.append("%s")
            params.append(model_field.get_db_prep_save(value, connection))
    table, unique_column = quote(model._meta.db_table), quote(model._meta.get_field(unique).column)
    # ORDER BY: the sort takes every row before the first one goes in, so the anti-join reads the table
    # as it was; planned on an empty table, it would rescan the pages this statement adds (quadratic).
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM ({select}) AS source{join}"  # noqa: S608
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS old WHERE old.{unique_column} = {key})"
        f" ORDER BY {key} ON CONFLICT DO NOTHING RETURNING {quote(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params, *join_params])
        return [pk for (pk,) in cursor.fetchall()]


def _notify_select(rows, *, staff=None, **fields) -> list[int]:
    """Insert the notifications ``fields`` describes for ``rows`` (see ``_insert_select``); return their ids."""
    return _insert_select(Notification, rows, fields, unique="dedupe_key", staff=staff)


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
        .order_by()
        .values("leader__user_id")
        .annotate(count=Count("*"), names=name_list("talent__name", order_by=("-start", "pk")))
    )
    first_names = F("names")
    if connection.vendor == "postgresql":
        first_names = Func(
            first_names, template="array_to_string((%(expressions)s)[:20], '、')", output_field=CharField()
        )
    ids = _notify_select(
        due, recipient=F("leader__user_id"), kind=Notification.Kind.CONTACT_REMINDER,
        link=reverse("liaison:my_talents"), dedupe_key=_text("contact:", Cast("leader__user_id", CharField()),
                                                           f":{day:%Y-%m-%d}"),
        title=_format(_("%(count)d paired talents are still due a contact this year"), count=F("count")),
        body=_text(first_names, Case(When(count__gt=20, then=Value("……")), default=Value(""))),
    )  # fmt: skip
    _deliver_ids(ids)
    return len(ids)


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
    ids = []
    for days, org_ids in by_days.items():
        limit = day - datetime.timedelta(days=days)
        quiet = (
            _current_pairings(day).filter(talent__organization_id__in=org_ids, start__lte=limit)
            .with_year_stats(day.year).filter(Q(last_contact__lt=limit) | Q(last_contact__isnull=True))
        )  # fmt: skip
        ids += _notify_select(
            quiet, recipient=F("leader__user_id"), kind=Notification.Kind.NO_CONTACT,
            link=reverse("liaison:my_talents"),
            dedupe_key=_text("quiet:", Cast("pk", CharField()), ":", Coalesce(_iso(F("last_contact")), Value("never"))),
            title=_format(_("No contact with %(name)s for more than %(days)d days"), name=F("talent__name"), days=days),
        )  # fmt: skip
    _deliver_ids(ids)
    return len(ids)


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
            pairings = pairings.filter(talent__in=Talent.objects.filter(categories__in=category_ids))
        key = f"holiday:{holiday.pk}:{date.year}"
        ids = _insert_select(VisitTask, pairings, {
            "key": _text(f"{key}:", Cast("pk", CharField())), "kind": VisitTask.Kind.HOLIDAY, "pairing": F("pk"),
            "leader": F("leader_id"), "talent": F("talent_id"), "holiday": holiday.pk,
            "window_start": date - datetime.timedelta(days=holiday.lead_days), "due_date": date,
        }, unique="key")  # fmt: skip
        _tasks_created(
            ids, group=(), key=_text(f"tasks:{key}:", Cast("leader_id", CharField())),
            title=_format(_("%(holiday)s visits: %(count)d talents, due %(date)s"), holiday=holiday.name, date=date,
                          count=F("count")),
        )  # fmt: skip
        created += len(ids)
    return created


def must_visits(day: datetime.date, policies: PolicyMap, events=None) -> int:
    """Serious illness, discharge and major achievement each create visit tasks for the paired leaders.

    One INSERT ... SELECT per kind of visit over every recent event and its talent's active pairings.
    """
    since = day - datetime.timedelta(days=RECENT_EVENT_DAYS)
    events = (MajorEvent.objects.all() if events is None else events).filter(
        Q(kind=MajorEvent.Kind.HEALTH, date__gte=since, date__lte=day)
        | Q(kind=MajorEvent.Kind.HEALTH, discharged_on__gte=since, discharged_on__lte=day)
        | Q(kind=MajorEvent.Kind.ACHIEVEMENT, date__gte=since, date__lte=day)
    )
    visits = [  # kind, which events, the window's first day, days to visit
        (VisitTask.Kind.ILLNESS, Q(kind=MajorEvent.Kind.HEALTH), "date",
         policies.case("illness_visit_days", "talent__organization")),
        (VisitTask.Kind.DISCHARGE, Q(kind=MajorEvent.Kind.HEALTH, discharged_on__lte=day), "discharged_on", Value(7)),
        (VisitTask.Kind.ACHIEVEMENT, Q(kind=MajorEvent.Kind.ACHIEVEMENT), "date",
         policies.case("achievement_visit_days", "talent__organization")),
    ]  # fmt: skip
    ids = []
    for kind, which, start, days in visits:
        # One join: each event with each active pairing of its talent (an inner join: none, no row).
        rows = events.filter(which, talent__pairings__isnull=False, talent__pairings__end__isnull=True)
        ids += _insert_select(VisitTask, rows, {
            "key": _text(f"{kind}:", Cast("pk", CharField()), ":", Cast("talent__pairings__pk", CharField())),
            "kind": kind, "pairing": F("talent__pairings__pk"), "leader": F("talent__pairings__leader_id"),
            "talent": F("talent_id"), "major_event": F("pk"), "window_start": F(start),
            "due_date": _AddDays(F(start), days),
        }, unique="key")  # fmt: skip
    _tasks_created(
        ids, group=("major_event", "kind", "due_date", "talent__name"),
        key=_text("tasks:", F("kind"), ":", Cast("major_event_id", CharField()), ":", Cast("leader_id", CharField())),
        title=_format(_("Visit %(talent)s by %(date)s: %(kind)s"), talent=F("talent__name"), date=_iso(F("due_date")),
                      kind=_label(VisitTask.Kind, "kind"), count=F("count")),
    )  # fmt: skip
    return len(ids)


def _tasks_created(ids: list[int], *, group: tuple, key, title) -> None:
    """Mark the new tasks ``ids`` already visited; tell each leader once per ``group`` of their new tasks.

    ``key`` and ``title`` are expressions over the ``group`` fields, ``leader_id`` and ``count``.
    """
    if not ids:
        return
    tasks = VisitTask.objects.filter(_IdAmong(ids))
    tasks.complete_by_visits()
    per_leader = tasks.order_by().values("leader", "leader__user_id", *group).annotate(count=Count("*"))
    notes = _notify_select(per_leader, recipient=F("leader__user_id"), kind=Notification.Kind.VISIT_TASK,
                           link=reverse("liaison:my_talents"), dedupe_key=key, title=title)  # fmt: skip
    _deliver_ids(notes)


def overdue_escalations(day: datetime.date, policies: PolicyMap) -> int:
    """Overdue visits and appeals: first the leader or handler, a week later the staff; each step once.

    Four INSERT ... SELECT: visits and appeals, each to the first recipient and to the staff nearest the
    talent's (the appeal's) organization today; what was sent already is left out by an anti-join on the key.
    """
    staff = _nearest_staff_by_organization()
    week_late = day - datetime.timedelta(days=ESCALATE_TO_STAFF_AFTER_DAYS)
    tasks = VisitTask.objects.overdue(day)
    task_notice = {
        "kind": Notification.Kind.VISIT_OVERDUE, "link": _url("talents:talent_detail", "talent_id"),
        "title": _format(_("Overdue visit: %(talent)s (%(kind)s), due %(date)s"), talent=F("talent__name"),
                         kind=_label(VisitTask.Kind, "kind"), date=_iso(F("due_date"))),
    }  # fmt: skip
    ids = _notify_select(tasks, recipient=F("leader__user_id"), dedupe_key=_text("visit-late:", Cast("pk", CharField()),
                         ":1"), **task_notice)  # fmt: skip
    ids += _notify_select(
        tasks.filter(due_date__lte=week_late),
        staff=staff,
        recipient=F("talent__organization_id"),
        dedupe_key=_text("visit-late:", Cast("pk", CharField()), ":2"),
        **task_notice,
    )
    appeals = Appeal.objects.overdue(day)
    appeal_key = ("appeal-late:", Cast("pk", CharField()), ":", Cast("round", CharField()), ":",
                  _DateText(F("deadline"), "%Y%m%d"))  # fmt: skip
    appeal_notice = {
        "kind": Notification.Kind.APPEAL_OVERDUE, "link": _url("liaison:appeal_detail", "pk"),
        "title": _format(_("Overdue appeal: %(talent)s, %(category)s, deadline %(date)s"), talent=F("talent__name"),
                         category=F("category__name"), date=_iso(F("deadline"))),
    }  # fmt: skip
    ids += _notify_select(appeals.filter(handler__isnull=False), recipient=F("handler_id"),
                          dedupe_key=_text(*appeal_key, ":1"), **appeal_notice)  # fmt: skip
    ids += _notify_select(
        appeals.filter(Q(deadline__lte=week_late) | Q(handler__isnull=True)),
        staff=staff,
        recipient=F("organization_id"),
        dedupe_key=_text(*appeal_key, ":2"),
        **appeal_notice,
    )
    _deliver_ids(ids)
    return len(ids)


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
