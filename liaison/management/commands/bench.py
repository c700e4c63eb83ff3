"""Measure the main pages, the sweeps and the Excel report on a synthetic dataset (docs/PERFORMANCE.md).

Creates its own PostgreSQL database (never the configured one), migrates it, loads the dataset of
``liaison.bench_data`` with COPY, measures, prints one JSON object and drops the database.
"""

import dataclasses
import datetime
import importlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, Q, Value, When
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook

from accounts.models import Organization, User
from liaison import bench_data, sweeps
from liaison.aggregates import joined_names
from liaison.exports import _year_methods
from liaison.models import Appeal, ContactLog, Leader, Pairing
from talents.excel import write_workbook
from talents.models import Talent

# The day each sweep is run for, chosen so it has work (see bench_data for the data's "today").
SWEEP_DAYS = {
    "contact_reminders": datetime.date(2026, 7, 1),
    "staff_summaries": datetime.date(2026, 12, 15),
    "no_contact_reminders": datetime.date(2026, 11, 21),
    "holiday_campaigns": datetime.date(2026, 12, 27),  # 5 days before 元旦 2027
    "must_visits": datetime.date(2026, 11, 21),
    "overdue_escalations": datetime.date(2027, 1, 3),  # the 元旦 visits are 2 days late
    "report_reminders": datetime.date(2026, 12, 20),  # the default annual-report reminder date
}
REPORT_YEAR = 2026  # the report is built for the whole city (organization 1) and this year
REPORT_FUNCTIONS = ["report_sheets", "annual_report_workbook", "write_annual_report", "annual_workbook",
                    "build_annual_report", "report_workbook", "build_workbook"]  # fmt: skip
MEMORY_METHOD = (
    "Each workbook is written in a forked child process; the child resets its peak RSS "
    "(/proc/self/clear_refs = 5), and peak_mb is VmHWM minus the RSS at the start of the child, "
    "so it counts what the export itself allocates, rows fetched from PostgreSQL included."
)


class Command(BaseCommand):
    help = "Build a synthetic dataset in a database of its own, measure pages, sweeps and exports, print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 talents and 1,000,000 contacts.")
        parser.add_argument("--json", dest="json_file", help="Also write the JSON to this file.")
        parser.add_argument("--database-name", default="tl_bench", help="Created, used and dropped.")
        parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
        parser.add_argument("--requests", type=int, default=20, help="Requests per page and role.")
        parser.add_argument(
            "--load-only", action="store_true",
            help="Build and keep the database, measure nothing (to study one query with EXPLAIN).",
        )  # fmt: skip

    def handle(self, *args, scale, json_file, database_name, keep, requests, load_only, **options):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError(
                "The bench needs PostgreSQL: set DATABASE_URL=postgres://... (it makes its own database)."
            )
        if database_name == db["NAME"]:
            raise CommandError("--database-name must differ from the configured database.")
        _admin_execute(db, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        _admin_execute(db, f'CREATE DATABASE "{database_name}"')
        connections.close_all()
        original = db["NAME"]
        db["NAME"] = connection.settings_dict["NAME"] = database_name
        try:
            result = self.run(scale, requests, load_only)
        finally:
            connections.close_all()
            db["NAME"] = connection.settings_dict["NAME"] = original
            if not (keep or load_only):
                _admin_execute(db, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if json_file:
            with open(json_file, "w", encoding="utf-8") as out:
                out.write(text + "\n")
        self.stdout.write(text)

    def run(self, scale: float, requests: int, load_only: bool = False) -> dict:
        started = time.perf_counter()
        _log("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        _log("loading the dataset")
        load_started = time.perf_counter()
        data = bench_data.build(scale)
        result = {
            "scale": scale,
            "machine": _machine(),
            "load_seconds": round(time.perf_counter() - load_started, 1),
            "rows": {
                "organizations": Organization.objects.count(),
                "users": User.objects.count(),
                "talents": Talent.objects.count(),
                "leaders": Leader.objects.count(),
                "pairings": Pairing.objects.count(),
                "active_pairings": Pairing.objects.active().count(),
                "contacts": ContactLog.objects.count(),
                "appeals": Appeal.objects.count(),
            },
            "personas": {
                "township_staff": "staff of one township (1/100 of the data)",
                "county_staff": "staff of one county (1/5 of the data)",
                "city_staff": "staff of the whole city",
                "leader": f"the leader with the most pairings ({data.leader_pairings})",
                "liaison": "a liaison officer of 10 work units",
            },
        }
        if load_only:
            return result
        # The sweeps first: the pages are then read with what a city has in December (holiday visit tasks,
        # reminders, escalations), as staff see them; each sweep's first run still meets the loaded data.
        _log("running the sweeps")
        result["sweeps"] = self.sweeps()
        _log("measuring pages")
        result.update(_pages_in_worker(data, requests))
        _compare_with_admin(result)
        _log("writing the report workbook")
        result["report"] = self.report(data)
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        return result

    def sweeps(self) -> dict:
        figures = {}
        for name, function in sweeps.SWEEPS.items():
            day = SWEEP_DAYS.get(name, bench_data.TODAY)
            runs = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    with transaction.atomic():
                        created = function(day, sweeps.PolicyMap.load())
                    runs.append((time.perf_counter() - start, len(queries), created))
            figures[name] = {
                "day": day.isoformat(), "seconds": round(runs[0][0], 2), "queries": runs[0][1],
                "created": runs[0][2], "second_run_seconds": round(runs[1][0], 2),
                "second_run_queries": runs[1][1], "second_run_created": runs[1][2],
            }  # fmt: skip
            _log(f"  {name}: {figures[name]}")
        return figures

    def report(self, data) -> dict:
        name, builder = _report_builder()
        figures = {"method": MEMORY_METHOD}
        if builder is None:
            figures["note"] = (
                "No function that builds the whole annual-report workbook exists in this tree (looked for "
                f"{', '.join(REPORT_FUNCTIONS)} in liaison.reports and liaison.exports)."
            )
            return figures
        outcome = _in_child(lambda target: _call_builder(builder, target))
        if "error" in outcome:
            figures["note"] = f"{name} failed here ({outcome['error']})"
            return figures
        figures.update(outcome, what=f"{name} for the whole city, 2026")
        root = Organization.objects.get(pk=1)
        peer = _in_child(lambda target: _write_plain(root, REPORT_YEAR, bench_data.TODAY, target))
        figures["openpyxl_seconds"] = peer.get("seconds")
        figures["openpyxl_peak_mb"] = peer.get("peak_mb")
        figures["openpyxl_rows"] = peer.get("rows")
        figures["openpyxl_file_mb"] = peer.get("file_mb")
        if "error" in peer:
            figures["note"] = f"the plain-openpyxl peer failed ({peer['error']})"
        figures["ratio"] = round(figures["seconds"] / peer["seconds"], 2) if peer.get("seconds") else None
        return figures


# --- measuring ----------------------------------------------------------------------------------


def _log(text: str) -> None:
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def _admin_execute(db: dict, sql: str) -> None:
    """Run ``sql`` on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction)."""
    params = {"dbname": "postgres", "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
              "host": db.get("HOST") or None, "port": db.get("PORT") or None}  # fmt: skip
    admin = psycopg2.connect(**{k: v for k, v in params.items() if v})
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql)
    finally:
        admin.close()


def _machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    memory = ""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024} MB"
    return {"nproc": os.cpu_count(), "memory": memory, "postgresql": version, "python": sys.version.split()[0]}


def _pages_in_worker(data: bench_data.Dataset, requests: int) -> dict:
    """Measure the pages and the admin changelists in a fresh Python process, as a web server's worker runs them.

    Inside this command (and inside ``manage.py shell``) the admin talent changelist ran 15 to 25 % slower
    than in a plain Python process on the same database (61-67 against 52-53 ms at scale 1: the same
    function calls, each slower; the cause was not found), while the pages, mostly waiting on PostgreSQL,
    ran at the same speed, so measured here they looked faster next to the admin than they are.
    Returns ``pages``, ``notes`` and ``admin``.
    """
    job = {"database": connection.settings_dict["NAME"], "data": dataclasses.asdict(data), "requests": requests}
    code = "import django; django.setup(); from liaison.management.commands import bench; bench._worker()"
    connections.close_all()
    done = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], input=json.dumps(job), stdout=subprocess.PIPE,
        text=True, cwd=settings.BASE_DIR, check=False,
    )  # fmt: skip
    if done.returncode:
        raise CommandError(f"measuring the pages failed (exit {done.returncode}), see above")
    return json.loads(done.stdout)


def _worker() -> None:
    """The fresh process of ``_pages_in_worker``: read the job on stdin, print the figures as JSON on stdout."""
    job = json.load(sys.stdin)
    settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = job["database"]
    data, requests = bench_data.Dataset(**job["data"]), job["requests"]
    pages, notes = _pages(data, requests)
    json.dump({"pages": pages, "notes": notes, "admin": _admin(data, requests)}, sys.stdout)


def _pages(data, requests: int) -> tuple[dict, list[str]]:
    users = {
        "township_staff": data.township_staff, "county_staff": data.county_staff,
        "city_staff": data.city_staff, "leader": data.leader_user, "liaison": data.liaison_user,
    }  # fmt: skip
    talent_list, appeal_list = reverse("talents:talent_list"), reverse("liaison:appeal_list")
    pairings, compliance = reverse("liaison:pairing_list"), reverse("liaison:compliance")
    last_page = -(-Talent.objects.exclude(status="archived").count() // 25)
    # The page of a talent with a long history (most contacts, then appeals) that the personas may open:
    # one of the liaison persona's units in the township persona's scope, and one the leader is paired with.
    busy = Talent.objects.annotate(
        contacts_n=Count("contacts", distinct=True), appeals_n=Count("appeals", distinct=True)
    ).order_by("-contacts_n", "-appeals_n", "pk")
    in_unit = Talent.objects.visible_to(User.objects.get(pk=data.township_staff)).filter(
        work_unit__liaison_officers=data.liaison_user
    )
    paired = Pairing.objects.filter(leader__user=data.leader_user, end__isnull=True).values("talent")
    unit_talent = busy.filter(pk__in=in_unit.values("pk")).first()
    paired_talent = busy.filter(pk__in=paired).first()
    staff = ["township_staff", "county_staff", "city_staff"]
    plan = [
        ("home", reverse("accounts:home"), ["township_staff", "county_staff", "leader", "liaison"]),
        ("talent_list", talent_list, ["township_staff", "county_staff", "city_staff", "leader", "liaison"]),
        ("talent_list_last_page", f"{talent_list}?page={last_page}", ["city_staff"]),
        ("talent_search_initials", f"{talent_list}?q=zs", ["county_staff", "city_staff"]),
        ("talent_search_name", f"{talent_list}?q=建国", ["county_staff", "city_staff"]),
        ("my_talents", reverse("liaison:my_talents"), ["leader"]),
        ("pairing_list", pairings, ["township_staff", "county_staff", "city_staff"]),
        ("pairing_list_below", f"{pairings}?compliance=below", ["county_staff"]),
        ("compliance", compliance, ["township_staff", "county_staff", "city_staff"]),
        ("appeal_list", appeal_list, ["township_staff", "county_staff", "city_staff", "liaison", "leader"]),
        ("campaign_list", reverse("liaison:campaign_list"), ["county_staff"]),
        ("demand_map", reverse("maps:demand_map"), ["township_staff", "county_staff", "city_staff"]),
        ("growth_map", reverse("maps:growth_map"), ["township_staff", "county_staff", "city_staff"]),
        ("support_map", reverse("maps:support_map"), ["township_staff", "county_staff", "city_staff"]),
        ("term_list", reverse("liaison:term_list"), staff),
        ("workunit_list", reverse("talents:workunit_list"), staff),
        ("activity_list", reverse("activities:activity_list"), staff),
        ("leader_list", reverse("liaison:leader_list"), staff),
        ("report_detail", reverse("liaison:report_detail"), staff),
    ]
    notes = []
    for talent, roles in [(unit_talent, [*staff, "liaison"]), (paired_talent, ["leader"])]:
        if talent is None:
            notes.append(f"talent_detail: skipped for {', '.join(roles)}, no talent they may all open")
        else:
            plan.append(("talent_detail", reverse("talents:talent_detail", args=[talent.pk]), roles))
    try:
        plan.append(("dashboard", reverse("liaison:dashboard"), ["township_staff", "county_staff", "city_staff"]))
    except NoReverseMatch:
        notes.append("dashboard: skipped, the URL liaison:dashboard does not exist in this tree")
    figures = {}
    alongside = (data.superuser, reverse("admin:talents_talent_changelist"))
    for page, url, roles in plan:
        for role in roles:
            figures[f"{page}:{role}"] = _measure(users[role], url, requests, alongside=alongside)
    return figures, notes


def _admin(data, requests: int) -> dict:
    return {
        "talent_changelist": _measure(data.superuser, reverse("admin:talents_talent_changelist"), requests),
        "contactlog_changelist": _measure(data.superuser, reverse("admin:liaison_contactlog_changelist"), requests),
    }


def _measure(user_id: int, url: str, requests: int, alongside: tuple[int, str] | None = None) -> dict:
    """GET ``url`` as the user ``requests`` times after one warm-up; queries and server times.

    ``alongside`` (a user and a URL: the admin talent changelist) is requested after each request of the
    page, so the page is compared with it over the same seconds: this machine's speed drifts during a
    run (the admin changelist took 61 to 113 ms in runs of one day), which a single admin figure, measured
    after every page, cannot follow. Its median is ``admin_alongside_p50_ms``.
    """
    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    peer = None
    if alongside:
        peer = Client()
        peer.force_login(User.objects.get(pk=alongside[0]))
    times, peer_times, queries, session, status = [], [], 0, 0, None
    for attempt in range(requests + 1):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        status = response.status_code
        if attempt:  # counted before the next request, whose start clears the connection's query log
            times.append(elapsed)
            queries = max(queries, len(captured))
            session = max(session, sum(_is_session(q["sql"]) for q in captured))
        if peer:
            start = time.perf_counter()
            peer.get(alongside[1])
            if attempt:
                peer_times.append((time.perf_counter() - start) * 1000)
    times.sort()
    figures = {
        "url": url, "status": status, "queries": queries, "session_queries": session,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
    }  # fmt: skip
    if peer_times:
        figures["admin_alongside_p50_ms"] = round(statistics.median(peer_times), 1)
        figures["ratio_to_admin_alongside"] = round(figures["p50_ms"] / figures["admin_alongside_p50_ms"], 2)
    return figures


def _is_session(sql: str) -> bool:
    """The session's own queries: loading it, and renewing its idle clock (at most once a minute)."""
    return sql in {"BEGIN", "COMMIT"} or '"django_session"' in sql


def _compare_with_admin(result: dict) -> None:
    """Mark each page faster or not than the faster of the two admin changelists, by median."""
    admin_p50 = min(v["p50_ms"] for v in result["admin"].values())
    for figures in result["pages"].values():
        figures["faster_than_admin"] = figures["p50_ms"] < admin_p50
        figures["ratio_to_admin"] = round(figures["p50_ms"] / admin_p50, 2) if admin_p50 else None


def _vm(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])  # kB
    return 0


def _in_child(work) -> dict:
    """Run ``work(target_path)`` in a forked process; return its seconds, peak memory and row count."""
    connections.close_all()  # the child must not share the parent's socket
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            with open("/proc/self/clear_refs", "w") as clear:
                clear.write("5")  # reset VmHWM to the current RSS
            base = _vm("VmRSS")
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
                start = time.perf_counter()
                rows = work(target.name)
                seconds = time.perf_counter() - start
                size = os.path.getsize(target.name)
            outcome = {"seconds": round(seconds, 2), "peak_mb": round((_vm("VmHWM") - base) / 1024, 1),
                       "rows": rows, "file_mb": round(size / 2**20, 1)}  # fmt: skip
        except Exception as error:  # reported to the parent, which decides
            outcome = {"error": repr(error)[:300]}
        connections.close_all()
        os.write(write_end, json.dumps(outcome, default=str).encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def _report_builder():
    for module_name in ("liaison.reports", "liaison.exports"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in REPORT_FUNCTIONS:
            if callable(getattr(module, name, None)):
                return f"{module_name}.{name}", getattr(module, name)
    return None, None


def _call_builder(builder, target: str):
    """Call a workbook builder whose exact signature this command cannot know, by its parameter names."""
    values = {"organization": Organization.objects.get(pk=1), "root": Organization.objects.get(pk=1),
              "year": REPORT_YEAR, "today": bench_data.TODAY, "user": User.objects.get(pk=2)}  # fmt: skip
    kwargs, handle = {}, None
    for name, parameter in inspect.signature(builder).parameters.items():
        if name in values:
            kwargs[name] = values[name]
        elif name in {"target", "path", "file", "fileobj", "output", "stream", "out"}:
            handle = open(target, "wb")  # noqa: SIM115  (closed below)
            kwargs[name] = handle
        elif parameter.default is inspect.Parameter.empty:
            raise TypeError(f"cannot fill parameter {name!r}")
    try:
        result = builder(**kwargs)
    finally:
        if handle:
            handle.close()
    if handle is None and isinstance(result, list | tuple):
        return write_workbook(target, result)  # the data rows written
    return result if isinstance(result, int) else None


def _write_plain(root: Organization, year: int, today: datetime.date, target: str) -> int:
    """The peer of the report: its sheets, rows and columns written by bare openpyxl in write-only mode.

    Each sheet's values come straight from ``values_list(...).iterator()`` over the report's own
    filters (``liaison.reports.year_*``), in the report's order: no masking, translation, formatting
    or styles. A column the report derives in Python holds a raw field (remarks: the end reason) or the
    rule in SQL (overdue, state); the summary and the support panorama are the report's own aggregates.
    Returns the data rows written, to be equal to the report's.
    """
    wb = Workbook(write_only=True)
    rows = 0
    for title, header, data, numbered in _plain_sheets(root, year, today):
        ws = wb.create_sheet(title)
        ws.append(header)
        if numbered:
            for number, row in enumerate(data, start=1):
                ws.append((number, *row))
                rows += 1
        else:
            for row in data:
                ws.append(row)
                rows += 1
    wb.save(target)
    return rows


def _plain_sheets(root: Organization, year: int, today: datetime.date):
    """(title, header, rows, numbered) for each sheet of the report, in the report's order."""
    from liaison.reports import report_summary, year_appeals, year_contacts, year_pairings, year_visit_tasks
    from maps.services import support_panorama

    def plain(queryset, *fields):
        return ["No.", *fields], queryset.values_list(*fields).iterator(chunk_size=2000)

    summary = report_summary(root, year, today)
    methods = [(name, name) for name, _n in summary[-1]["methods"]]
    header = _summary_values({"name": "name", **{key: key for key in COUNT_COLUMNS}, "methods": methods})
    yield "summary", header, (_summary_values(r) for r in summary), False
    pairings = (
        year_pairings(root, year).with_year_stats(year)
        .annotate(category_names=joined_names(Talent.categories.through, "talent", "talentcategory", outer="talent"),
                  methods_used=_year_methods(year))
        .order_by("leader__organization__path", "leader__user__name", "pk")
    )  # fmt: skip
    yield "pairings", *plain(
        pairings, "leader__user__name", "leader__post", "talent__name", "talent__work_unit__name", "talent__post",
        "category_names", "talent__phone", "term__name", "contacts_this_year", "last_contact", "methods_used",
        "end_reason",
    ), True  # fmt: skip
    contacts = (
        year_contacts(root, year)
        .annotate(topic_names=joined_names(ContactLog.topics.through, "contactlog", "contacttopic", outer="pk"))
        .order_by("date", "pk")
    )
    yield "contacts", *plain(
        contacts, "date", "leader__user__name", "talent__name", "talent__work_unit__name", "method__name",
        "topic_names", "summary", "opinions", "initiated_by", "place",
    ), True  # fmt: skip
    overdue = ExpressionWrapper(Q(deadline__lt=today, status__in=Appeal.OPEN_STATUSES), BooleanField())
    appeals = year_appeals(root, year).annotate(overdue=overdue).order_by("received_on", "pk")
    yield "appeals", *plain(
        appeals, "received_on", "talent__name", "talent__work_unit__name", "category__name", "description", "source",
        "urgency", "lead_unit", "handler__name", "co_units", "measures", "deadline", "result", "satisfaction",
        "status", "overdue",
    ), True  # fmt: skip
    below = (
        year_pairings(root, year).with_year_stats(year).filter(met_minimum=False)
        .order_by("talent__organization__path", "leader__user__name", "pk")
    )  # fmt: skip
    yield "below", *plain(
        below, "talent__organization__name", "leader__user__name", "leader__post", "talent__name",
        "talent__work_unit__name", "contacts_this_year", "term__min_contacts_per_year", "last_contact",
    ), True  # fmt: skip
    state = Case(
        When(done_at__isnull=False, then=Value("done")), When(due_date__lt=today, then=Value("overdue")),
        default=Value("open"),
    )  # fmt: skip
    tasks = year_visit_tasks(root, year).annotate(state=state).order_by("due_date", "pk")
    yield "visits", *plain(
        tasks, "kind", "holiday__name", "leader__user__name", "talent__name", "talent__work_unit__name",
        "window_start", "due_date", "done_at", "state",
    ), True  # fmt: skip
    panorama = support_panorama(root, year)
    header = ["name", *(kind.code for kind in panorama.kinds), "any"]
    yield "panorama", header, ((r["name"], *r["counts"], r["any"]) for r in panorama.organization_rows()), False


COUNT_COLUMNS = ("leaders", "talents", "pairings", "met", "rate", "methods", "contacts", "appeals", "resolved",
                 "overdue_appeals", "satisfied", "basic", "unsatisfied", "visits_done", "visits_due")  # fmt: skip


def _summary_values(row: dict) -> tuple:
    values = [row[key] for key in COUNT_COLUMNS if key != "methods"]
    at = COUNT_COLUMNS.index("methods")
    return (row["name"], *values[:at], *(n for _name, n in row["methods"]), *values[at:])
