"""AppealTally: the database keeps the appeals' counts, whatever writes them; the ledger and the report read them."""

import datetime
import importlib
import sqlite3

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Coalesce, ExtractYear

from accounts.tests.factories import OrganizationFactory, UserFactory
from liaison.models import Appeal, AppealTally
from liaison.reports import report_summary
from liaison.tests.factories import AppealCategoryFactory, AppealFactory, appeal_at
from talents.models import Talent
from talents.tests.factories import TalentFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("liaison.migrations.0015_appeal_tally")
S = Appeal.Status
TODAY = datetime.date(2026, 11, 21)
KEY = ("organization", "talent_organization", "year", "status", "category", "handler", "satisfaction")


def counted():
    """The tally's non-zero rows, as {(organization, talent's organization, year, status, category, handler,
    satisfaction): appeals}."""
    return {tuple(row[:-1]): row[-1] for row in AppealTally.objects.exclude(appeals=0).values_list(*KEY, "appeals")}


def recounted():
    """The same figures counted from the appeals themselves."""
    rows = (
        Appeal.objects.annotate(year=ExtractYear("received_on"), handler_or_0=Coalesce("handler", 0))
        .values_list("organization", "talent__organization", "year", "status", "category", "handler_or_0",
                     "satisfaction")
        .annotate(n=Count("*"))
    )  # fmt: skip
    return {tuple(row[:-1]): row[-1] for row in rows}


def test_every_kind_of_write_is_counted(talent_a, staff_a, liaison_a):
    org = talent_a.organization_id
    school = AppealCategoryFactory(name="子女入学-计数")
    first = AppealFactory(talent=talent_a, category=school)
    second = appeal_at(S.ASSIGNED, talent=talent_a, handler=staff_a, created_by=liaison_a)
    assert (
        counted()
        == recounted()
        == {
            (org, org, 2026, S.REGISTERED, school.pk, 0, ""): 1,
            (org, org, 2026, S.ASSIGNED, second.category_id, staff_a.pk, ""): 1,
        }
    )

    first.status, first.handler, first.received_on = S.ASSIGNED, staff_a, datetime.date(2025, 12, 30)
    first.save()  # status, handler and year move the count
    Appeal.objects.filter(pk=second.pk).update(status=S.CLOSED, satisfaction=Appeal.Satisfaction.BASIC)
    assert (
        counted()
        == recounted()
        == {
            (org, org, 2025, S.ASSIGNED, school.pk, staff_a.pk, ""): 1,
            (org, org, 2026, S.CLOSED, second.category_id, staff_a.pk, "basic"): 1,
        }
    )

    Appeal.objects.bulk_create([AppealFactory.build(talent=talent_a, category=school, created_by=liaison_a)] * 1)
    Appeal.objects.filter(category=school).update(category=second.category)  # one UPDATE of many rows
    first.delete()
    assert counted() == recounted() and sum(counted().values()) == 2

    elsewhere = OrganizationFactory()
    Talent.objects.filter(pk=talent_a.pk).update(organization=elsewhere)  # a talent moves: the ledger's key too
    assert counted() == recounted() and {key[:2] for key in counted()} == {(org, elsewhere.pk)}
    talent = Talent.objects.get(pk=talent_a.pk)
    talent.organization_id = org
    talent.save()
    assert counted() == recounted() and {key[:2] for key in counted()} == {(org, org)}
    Appeal.objects.all().delete()
    assert counted() == recounted() == {}


def test_an_edit_that_does_not_touch_a_count_leaves_it(talent_a):
    appeal = AppealFactory(talent=talent_a)
    appeal.description, appeal.measures = "改了描述", "协调学位"
    appeal.save()
    assert counted() == recounted() and sum(counted().values()) == 1


def test_the_migration_counts_what_was_there(talent_a, talent_b):
    AppealFactory.create_batch(2, talent=talent_a)
    AppealFactory(talent=talent_b, received_on=datetime.date(2025, 1, 5))
    AppealTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL_BACKFILL)
    assert counted() == recounted() and sum(counted().values()) == 3


def _late(talent, **kwargs):
    appeal = appeal_at(S.IN_PROGRESS, talent=talent, **kwargs)
    Appeal.objects.filter(pk=appeal.pk).update(deadline=datetime.date(2026, 11, 1))
    return appeal


def test_the_ledger_counts_read_from_the_tally_match_the_live_ones(
    county,
    county_staff,
    staff_a,
    staff_b,
    leader_a,
    pairing_a,
    liaison_a,
    handler_a,
    co_handler_a,
    talent_a,
    talent_b,
):
    outsider = UserFactory()
    appeal_at(S.ASSIGNED, talent=talent_a, created_by=liaison_a, handler=staff_b, co_handler=co_handler_a)
    _late(talent_a, created_by=liaison_a, handler=handler_a)
    _late(talent_b, created_by=liaison_a, handler=staff_a)  # township B's, handled by staff A: seen as handler
    appeal_at(S.CLOSED, talent=talent_b, created_by=liaison_a, handler=outsider)
    AppealFactory(talent=talent_b, received_on=datetime.date(2025, 7, 1))
    AppealFactory(talent=TalentFactory(work_unit=WorkUnitFactory(organization=county)))  # the county's own talent
    for user in [county_staff, staff_a, staff_b, leader_a, liaison_a, handler_a, co_handler_a, outsider]:
        live = Appeal.objects.ledger_for(user).ledger_counts(TODAY)
        kept = Appeal.objects.ledger_counts_for(user, TODAY)
        assert {k: dict(v) if isinstance(v, dict) else v for k, v in kept.items()} == {
            k: dict(v) if isinstance(v, dict) else v for k, v in live.items()
        }, user
    assert Appeal.objects.ledger_counts_for(staff_a, TODAY)["overdue"] == 3  # its two and the one it handles
    assert Appeal.objects.ledger_counts_for(county_staff, TODAY)["total"] == 6


def test_the_report_counts_appeals_and_overdue_ones_as_the_appeals_say(county, township_a, talent_a, liaison_a):
    _late(talent_a, created_by=liaison_a)
    appeal_at(S.CLOSED, talent=talent_a, created_by=liaison_a)
    AppealFactory(talent=talent_a, received_on=datetime.date(2025, 7, 1))  # another year
    total = report_summary(county, 2026, TODAY)[-1]
    assert (total["appeals"], total["resolved"], total["overdue_appeals"], total["satisfied"]) == (2, 1, 1, 1)


def test_the_sqlite_triggers_of_the_demo_count_alike():
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE talents_talent (id INTEGER PRIMARY KEY, organization_id INT);"
        "CREATE TABLE liaison_appeal (id INTEGER PRIMARY KEY, organization_id INT, talent_id INT, received_on TEXT,"
        " status TEXT, category_id INT, handler_id INT, satisfaction TEXT, description TEXT);"
        "CREATE TABLE liaison_appealtally (id INTEGER PRIMARY KEY, organization_id INT, talent_organization_id INT,"
        " year INT, status TEXT, category_id INT, handler INT, satisfaction TEXT, appeals INT, UNIQUE"
        " (organization_id, talent_organization_id, year, status, category_id, handler, satisfaction));"
        "INSERT INTO talents_talent VALUES (1, 100), (2, 200);"
        "INSERT INTO liaison_appeal VALUES (1, 100, 1, '2025-05-01', 'registered', 1, NULL, '', '');"
    )
    for statement in MIGRATION.SQLITE_FORWARD:
        db.execute(statement)
    db.executescript(
        "INSERT INTO liaison_appeal VALUES (2, 100, 1, '2026-01-02', 'assigned', 2, 9, '', ''),"
        " (3, 200, 2, '2026-02-03', 'registered', 1, NULL, '', '');"
        "UPDATE liaison_appeal SET status = 'closed', satisfaction = 'satisfied' WHERE id = 2;"
        "UPDATE liaison_appeal SET received_on = '2026-07-01', handler_id = 9 WHERE id = 1;"
        "UPDATE liaison_appeal SET description = 'edited' WHERE id = 3;"
        "DELETE FROM liaison_appeal WHERE id = 3;"
        "UPDATE talents_talent SET organization_id = 300 WHERE id = 1;"
        "UPDATE talents_talent SET organization_id = organization_id;"
    )
    tally = set(
        db.execute(
            "SELECT organization_id, talent_organization_id, year, status, category_id, handler, satisfaction,"
            " appeals FROM liaison_appealtally WHERE appeals <> 0"
        )
    )
    recount = set(
        db.execute(
            "SELECT a.organization_id, t.organization_id, CAST(strftime('%Y', a.received_on) AS INTEGER), a.status,"
            " a.category_id, COALESCE(a.handler_id, 0), a.satisfaction, COUNT(*) FROM liaison_appeal a"
            " JOIN talents_talent t ON t.id = a.talent_id GROUP BY 1, 2, 3, 4, 5, 6, 7"
        )
    )
    assert (
        tally
        == recount
        == {
            (100, 300, 2026, "registered", 1, 9, "", 1),
            (100, 300, 2026, "closed", 2, 9, "satisfied", 1),
        }
    )
