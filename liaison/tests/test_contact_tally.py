"""ContactTally: the database keeps each pairing's yearly count of confirmed contacts, whatever writes them."""

import datetime
import importlib
import sqlite3

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from liaison.models import ContactLog, ContactMethod, ContactMonthTally, ContactTally, Pairing
from liaison.tests.factories import ContactLogFactory, PairingFactory
from talents.models import Talent

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("liaison.migrations.0010_contact_tally")
MONTH_MIGRATION = importlib.import_module("liaison.migrations.0012_contact_month_tally")


def counted():
    """The tally's non-zero rows, as {(pairing, year): contacts}."""
    return {(t.pairing_id, t.year): t.contacts for t in ContactTally.objects.exclude(contacts=0)}


def recounted():
    """The same figures counted from the contacts themselves."""
    rows = (
        ContactLog.objects.filter(confirmed_at__isnull=False)
        .annotate(year=ExtractYear("date"))
        .values_list("pairing", "year")
        .annotate(n=Count("*"))
    )
    return {(pairing, year): n for pairing, year, n in rows}


def by_month():
    """ContactMonthTally's non-zero rows, as {(organization, year, month, method): contacts}."""
    rows = ContactMonthTally.objects.exclude(contacts=0)
    return {(t.organization_id, t.year, t.month, t.method_id): t.contacts for t in rows}


def recounted_by_month():
    rows = (
        ContactLog.objects.filter(confirmed_at__isnull=False)
        .values_list("talent__organization", "date__year", "date__month", "method")
        .annotate(n=Count("*"))
    )
    return {(org, year, month, method): n for org, year, month, method, n in rows}


@pytest.fixture
def pairings():
    first = PairingFactory()
    return first, PairingFactory(term=first.term)


def test_every_kind_of_write_is_counted(pairings):
    first, second = pairings
    a = ContactLogFactory(pairing=first)
    pending = ContactLogFactory(pairing=first, confirmed_at=None)
    ContactLogFactory(pairing=second, date=datetime.date(2025, 12, 31))
    assert counted() == recounted() == {(first.pk, 2026): 1, (second.pk, 2025): 1}

    pending.confirmed_at = timezone.now()
    pending.save()  # confirming counts it
    a.date = datetime.date(2025, 6, 1)
    a.save()  # a date moved into another year moves its count
    assert counted() == recounted() == {(first.pk, 2026): 1, (first.pk, 2025): 1, (second.pk, 2025): 1}

    ContactLog.objects.filter(pairing=first).update(pairing=second)  # one UPDATE of many rows
    assert counted() == recounted() == {(second.pk, 2026): 1, (second.pk, 2025): 2}

    ContactLog.objects.bulk_create(
        [ContactLogFactory.build(pairing=first, date=datetime.date(2026, m, 1)) for m in range(1, 7)]
    )
    ContactLog.objects.filter(pairing=second, date__year=2025).update(confirmed_at=None)
    assert counted() == recounted() == {(second.pk, 2026): 1, (first.pk, 2026): 6}

    ContactLog.objects.filter(pairing=first, date__month__lte=2).delete()
    ContactLog.objects.filter(pairing=second).first().delete()
    assert counted() == recounted() == {(first.pk, 2026): 4}


def test_month_counts_follow_contacts_and_talents_who_move(pairings):
    first, second = pairings
    phone = ContactMethod.objects.create(name="电话", code="phone-tally")
    a = ContactLogFactory(pairing=first)
    ContactLogFactory(pairing=first, date=datetime.date(2026, 4, 9), method=phone)
    pending = ContactLogFactory(pairing=second, confirmed_at=None)
    org, other_org = first.talent.organization_id, second.talent.organization_id
    talk = a.method_id
    assert by_month() == recounted_by_month() == {(org, 2026, 3, talk): 1, (org, 2026, 4, phone.pk): 1}

    pending.confirmed_at = timezone.now()
    pending.save()
    a.method = phone
    a.date = datetime.date(2026, 4, 1)
    a.save()
    assert by_month() == recounted_by_month() == {(org, 2026, 4, phone.pk): 2, (other_org, 2026, 3, talk): 1}

    elsewhere = OrganizationFactory()
    Talent.objects.filter(pk=first.talent_id).update(organization=elsewhere)  # a talent moves: so do the counts
    assert by_month() == recounted_by_month() == {(elsewhere.pk, 2026, 4, phone.pk): 2, (other_org, 2026, 3, talk): 1}
    talent = Talent.objects.get(pk=second.talent_id)
    talent.organization = elsewhere
    talent.save()
    assert (
        by_month() == recounted_by_month() == {(elsewhere.pk, 2026, 4, phone.pk): 2, (elsewhere.pk, 2026, 3, talk): 1}
    )

    ContactLog.objects.bulk_create([ContactLogFactory.build(pairing=first, date=datetime.date(2025, 12, 1))] * 1)
    ContactLog.objects.filter(method=phone).delete()
    assert by_month() == recounted_by_month() == {(elsewhere.pk, 2026, 3, talk): 1, (elsewhere.pk, 2025, 12, talk): 1}


def test_an_edit_that_does_not_touch_the_count_leaves_it(pairings):
    contact = ContactLogFactory(pairing=pairings[0])
    contact.summary = "改了摘要"
    contact.save()
    assert counted() == {(pairings[0].pk, 2026): 1}


@pytest.mark.parametrize("per_row", [False, True], ids=["joined", "per row"])
def test_year_stats_read_the_tally(pairings, per_row):
    first, second = pairings
    ContactLogFactory.create_batch(2, pairing=first)
    ContactLogFactory(pairing=first, date=datetime.date(2025, 5, 1))
    rows = {p.pk: p for p in Pairing.objects.with_year_stats(2026, per_row=per_row)}
    assert (rows[first.pk].contacts_this_year, rows[first.pk].met_minimum) == (2, True)
    assert (rows[second.pk].contacts_this_year, rows[second.pk].met_minimum) == (0, False)
    assert rows[first.pk].last_contact == datetime.date(2026, 3, 1)
    assert Pairing.objects.with_year_stats(2025, per_row=per_row).get(pk=first.pk).contacts_this_year == 1
    below = Pairing.objects.with_year_stats(2026, per_row=per_row).filter(met_minimum=False)
    assert list(below.values_list("pk", flat=True)) == [second.pk]


def test_the_migration_counts_what_was_there(pairings):
    ContactLogFactory.create_batch(3, pairing=pairings[0])
    ContactTally.objects.all().delete()
    ContactMonthTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL_BACKFILL)
        cursor.execute(MONTH_MIGRATION.POSTGRESQL_BACKFILL)
    assert counted() == recounted() == {(pairings[0].pk, 2026): 3}
    assert by_month() == recounted_by_month() != {}


def test_the_sqlite_triggers_of_the_demo_count_alike():
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE talents_talent (id INTEGER PRIMARY KEY, organization_id INT);"
        "CREATE TABLE liaison_contactlog (id INTEGER PRIMARY KEY, pairing_id INT, talent_id INT, method_id INT,"
        " date TEXT, confirmed_at TEXT, summary TEXT);"
        "CREATE TABLE liaison_contacttally (id INTEGER PRIMARY KEY, pairing_id INT, year INT, contacts INT,"
        " UNIQUE (pairing_id, year));"
        "CREATE TABLE liaison_contactmonthtally (id INTEGER PRIMARY KEY, organization_id INT, year INT, month INT,"
        " method_id INT, contacts INT, UNIQUE (organization_id, year, month, method_id));"
        "INSERT INTO talents_talent VALUES (1, 100), (2, 200);"
        "INSERT INTO liaison_contactlog VALUES (1, 7, 1, 1, '2025-05-01', 'x', ''),"
        " (2, 7, 1, 1, '2025-06-01', NULL, '');"
    )
    for statement in MIGRATION.SQLITE_FORWARD + MONTH_MIGRATION.SQLITE_FORWARD:
        db.execute(statement)
    db.executescript(
        "INSERT INTO liaison_contactlog VALUES (3, 7, 1, 2, '2026-01-02', 'x', ''),"
        " (4, 8, 2, 1, '2026-02-03', 'x', '');"
        "UPDATE liaison_contactlog SET confirmed_at = 'x' WHERE id = 2;"
        "UPDATE liaison_contactlog SET date = '2026-07-01' WHERE id = 1;"
        "UPDATE liaison_contactlog SET summary = 'edited' WHERE id = 3;"
        "UPDATE liaison_contactlog SET pairing_id = 8, talent_id = 2 WHERE id = 3;"
        "DELETE FROM liaison_contactlog WHERE id = 4;"
        "UPDATE talents_talent SET organization_id = 300 WHERE id = 1;"
        "UPDATE talents_talent SET organization_id = organization_id;"
    )
    tally = set(db.execute("SELECT pairing_id, year, contacts FROM liaison_contacttally WHERE contacts <> 0"))
    recount = set(
        db.execute(
            "SELECT pairing_id, CAST(strftime('%Y', date) AS INTEGER), COUNT(*) FROM liaison_contactlog"
            " WHERE confirmed_at IS NOT NULL GROUP BY 1, 2"
        )
    )
    assert tally == recount == {(7, 2025, 1), (7, 2026, 1), (8, 2026, 1)}
    months = set(
        db.execute(
            "SELECT organization_id, year, month, method_id, contacts FROM liaison_contactmonthtally"
            " WHERE contacts <> 0"
        )
    )
    recount = set(
        db.execute(
            "SELECT t.organization_id, CAST(strftime('%Y', c.date) AS INTEGER), CAST(strftime('%m', c.date) AS"
            " INTEGER), c.method_id, COUNT(*) FROM liaison_contactlog c JOIN talents_talent t ON t.id = c.talent_id"
            " WHERE c.confirmed_at IS NOT NULL GROUP BY 1, 2, 3, 4"
        )
    )
    assert months == recount == {(300, 2025, 6, 1, 1), (300, 2026, 7, 1, 1), (200, 2026, 1, 2, 1)}
