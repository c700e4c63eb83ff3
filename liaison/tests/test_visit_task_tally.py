"""VisitTaskTally: the database keeps the visit tasks' counts, whatever writes them; the campaign list reads them."""

import datetime
import importlib
import sqlite3

import pytest
from django.db import connection
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.tests.factories import OrganizationFactory
from liaison.models import Holiday, VisitTask, VisitTaskTally, campaign_figures
from liaison.tests.factories import PairingFactory
from talents.models import Talent
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("liaison.migrations.0020_visit_task_tally")
TODAY = datetime.date(2026, 12, 6)
KEY = ("organization", "kind", "holiday", "due_date", "done")
K = VisitTask.Kind


def counted():
    """The tally's non-zero rows, as {(talent's organization, kind, holiday, due date, done): tasks}."""
    return {tuple(row[:-1]): row[-1] for row in VisitTaskTally.objects.exclude(tasks=0).values_list(*KEY, "tasks")}


def recounted():
    """The same figures counted from the tasks themselves."""
    rows = (
        VisitTask.objects.annotate(holiday_or_0=Coalesce("holiday", 0))
        .values_list("talent__organization", "kind", "holiday_or_0", "due_date", "done_at")
        .order_by()
    )
    figures = {}
    for organization, kind, holiday, due, done_at in rows:
        key = (organization, kind, holiday, due, done_at is not None)
        figures[key] = figures.get(key, 0) + 1
    return figures


def _task(pairing, key, kind=K.HOLIDAY, holiday=None, due=datetime.date(2027, 1, 1), done_at=None):
    return VisitTask.objects.create(
        key=key, kind=kind, pairing=pairing, leader=pairing.leader, talent=pairing.talent, holiday=holiday,
        window_start=due - datetime.timedelta(days=7), due_date=due, done_at=done_at,
    )  # fmt: skip


@pytest.fixture
def new_year():
    return Holiday.objects.get(name="元旦")  # seeded by a migration


def test_every_kind_of_write_is_counted(pairing_a, new_year):
    org = pairing_a.talent.organization_id
    first = _task(pairing_a, "a", holiday=new_year)
    _task(pairing_a, "b", kind=K.ILLNESS, due=datetime.date(2026, 11, 27))
    assert (
        counted()
        == recounted()
        == {
            (org, K.HOLIDAY, new_year.pk, datetime.date(2027, 1, 1), False): 1,
            (org, K.ILLNESS, 0, datetime.date(2026, 11, 27), False): 1,
        }
    )

    first.done_at = datetime.date(2026, 12, 30)
    first.save()  # done moves the count
    VisitTask.objects.filter(kind=K.ILLNESS).update(due_date=datetime.date(2026, 11, 30))  # one UPDATE
    assert (
        counted()
        == recounted()
        == {
            (org, K.HOLIDAY, new_year.pk, datetime.date(2027, 1, 1), True): 1,
            (org, K.ILLNESS, 0, datetime.date(2026, 11, 30), False): 1,
        }
    )

    other = PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory())
    VisitTask.objects.bulk_create(
        [VisitTask(key=f"bulk{i}", kind=K.HOLIDAY, pairing=other, leader=other.leader, talent=other.talent,
                   holiday=new_year, window_start=datetime.date(2026, 12, 25), due_date=datetime.date(2027, 1, 1))
         for i in range(3)]
    )  # fmt: skip
    VisitTask.objects.filter(key="bulk0").delete()
    assert counted() == recounted() and sum(counted().values()) == 4

    elsewhere = OrganizationFactory()
    Talent.objects.filter(pk=pairing_a.talent_id).update(organization=elsewhere)  # a talent moves: so do the counts
    assert counted() == recounted() and {key[0] for key in counted()} == {elsewhere.pk, other.talent.organization_id}
    talent = Talent.objects.get(pk=pairing_a.talent_id)
    talent.organization_id = org
    talent.save()
    assert counted() == recounted()
    VisitTask.objects.all().delete()
    assert counted() == recounted() == {}


def test_an_edit_that_does_not_touch_a_count_leaves_it(pairing_a, new_year):
    task = _task(pairing_a, "a", holiday=new_year)
    task.window_start = datetime.date(2026, 12, 20)
    task.save()
    assert counted() == recounted() and sum(counted().values()) == 1


def test_the_migration_counts_what_was_there(pairing_a, new_year):
    _task(pairing_a, "a", holiday=new_year)
    _task(pairing_a, "b", holiday=new_year, done_at=datetime.date(2026, 12, 28))
    _task(pairing_a, "c", kind=K.ACHIEVEMENT, due=datetime.date(2026, 9, 16))
    VisitTaskTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            MIGRATION.POSTGRESQL_BACKFILL if connection.vendor == "postgresql" else MIGRATION.SQLITE_FORWARD[-1]
        )
    assert counted() == recounted() and sum(counted().values()) == 3


def test_the_figures_read_from_the_tally_match_the_tasks(
    county, county_staff, staff_a, staff_b, leader_a, pairing_a, talent_b, new_year
):
    spring = Holiday.objects.get(name="春节")
    pairing_b = PairingFactory(talent=talent_b)
    _task(pairing_a, "a1", holiday=new_year, due=datetime.date(2026, 1, 1), done_at=datetime.date(2025, 12, 30))
    _task(pairing_a, "a2", holiday=spring, due=datetime.date(2026, 2, 17))  # overdue
    _task(pairing_a, "a3", holiday=new_year, due=datetime.date(2027, 1, 1))  # due later: not overdue
    _task(pairing_a, "a4", kind=K.ILLNESS, due=datetime.date(2026, 11, 27), done_at=datetime.date(2026, 11, 25))
    _task(pairing_a, "old", holiday=new_year, due=datetime.date(2024, 1, 1))  # before last year: left out
    _task(pairing_b, "b1", holiday=new_year, due=datetime.date(2027, 1, 1), done_at=datetime.date(2026, 12, 29))
    _task(pairing_b, "b2", holiday=spring, due=datetime.date(2026, 2, 17))

    for user, expected in [
        (county_staff, {(K.HOLIDAY, new_year.pk, datetime.date(2027, 1, 1)): (2, 1, 0),
                        (K.ILLNESS, 0, datetime.date(2026, 11, 27)): (1, 1, 0),
                        (K.HOLIDAY, spring.pk, datetime.date(2026, 2, 17)): (2, 0, 2),
                        (K.HOLIDAY, new_year.pk, datetime.date(2026, 1, 1)): (1, 1, 0)}),
        (staff_b, {(K.HOLIDAY, new_year.pk, datetime.date(2027, 1, 1)): (1, 1, 0),
                   (K.HOLIDAY, spring.pk, datetime.date(2026, 2, 17)): (1, 0, 1)}),
        (leader_a, {(K.HOLIDAY, new_year.pk, datetime.date(2027, 1, 1)): (1, 0, 0),
                    (K.ILLNESS, 0, datetime.date(2026, 11, 27)): (1, 1, 0),
                    (K.HOLIDAY, spring.pk, datetime.date(2026, 2, 17)): (1, 0, 1),
                    (K.HOLIDAY, new_year.pk, datetime.date(2026, 1, 1)): (1, 1, 0)}),
    ]:  # fmt: skip
        figures = campaign_figures(user, TODAY)
        assert {(r["kind"], r["holiday"], r["due_date"]): (r["total"], r["done"], r["overdue"]) for r in figures} == (
            expected
        ), user
        assert [r["due_date"] for r in figures] == sorted((r["due_date"] for r in figures), reverse=True)
    assert VisitTaskTally.objects.visible_to(leader_a) is None  # a leader's own tasks: counted from the tasks
    assert VisitTaskTally.objects.visible_to(staff_a) is not None


def test_the_campaign_list_shows_the_kept_figures(client, county_staff, pairing_a, new_year):
    today = datetime.date.today()
    _task(pairing_a, "a", holiday=new_year, due=datetime.date(today.year - 1, 1, 1))
    _task(pairing_a, "b", kind=K.ACHIEVEMENT, due=today - datetime.timedelta(days=1))
    client.force_login(county_staff)
    response = client.get(reverse("liaison:campaign_list"))
    body = response.content.decode()
    assert "元旦" in body and "三必访" in body
    assert [(r["holiday_name"], r["total"], r["overdue"]) for r in response.context["stats"]] == [
        ("", 1, 1),
        ("元旦", 1, 1),
    ]


def test_the_sqlite_triggers_of_the_demo_count_alike():
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE talents_talent (id INTEGER PRIMARY KEY, organization_id INT);"
        "CREATE TABLE liaison_visittask (id INTEGER PRIMARY KEY, talent_id INT, kind TEXT, holiday_id INT,"
        " due_date TEXT, done_at TEXT, window_start TEXT);"
        "CREATE TABLE liaison_visittasktally (id INTEGER PRIMARY KEY, organization_id INT, kind TEXT, holiday INT,"
        " due_date TEXT, done BOOL, tasks INT, UNIQUE (organization_id, kind, holiday, due_date, done));"
        "INSERT INTO talents_talent VALUES (1, 100), (2, 200);"
        "INSERT INTO liaison_visittask VALUES (1, 1, 'holiday', 5, '2027-01-01', NULL, '2026-12-25');"
    )
    for statement in MIGRATION.SQLITE_FORWARD:
        db.execute(statement)
    db.executescript(
        "INSERT INTO liaison_visittask VALUES (2, 1, 'illness', NULL, '2026-11-27', NULL, '2026-11-20'),"
        " (3, 2, 'holiday', 5, '2027-01-01', NULL, '2026-12-25');"
        "UPDATE liaison_visittask SET done_at = '2026-12-30' WHERE id = 1;"
        "UPDATE liaison_visittask SET due_date = '2026-11-30' WHERE id = 2;"
        "UPDATE liaison_visittask SET window_start = '2026-12-20' WHERE id = 3;"
        "DELETE FROM liaison_visittask WHERE id = 3;"
        "UPDATE talents_talent SET organization_id = 300 WHERE id = 1;"
        "UPDATE talents_talent SET organization_id = organization_id;"
    )
    tally = set(
        db.execute(
            "SELECT organization_id, kind, holiday, due_date, done, tasks FROM liaison_visittasktally WHERE tasks <> 0"
        )
    )
    recount = set(
        db.execute(
            "SELECT t.organization_id, v.kind, COALESCE(v.holiday_id, 0), v.due_date, v.done_at IS NOT NULL, COUNT(*)"
            " FROM liaison_visittask v JOIN talents_talent t ON t.id = v.talent_id GROUP BY 1, 2, 3, 4, 5"
        )
    )
    assert tally == recount == {(300, "holiday", 5, "2027-01-01", 1, 1), (300, "illness", 0, "2026-11-30", 0, 1)}
