"""PairingTally: the database keeps each key's yearly pairings and how many met the minimum, whatever writes them.

The figures are checked against the live queries the pages used before the kept counts: the active
pairings with ``with_year_stats`` (compliance) and ``reports.year_pairings`` (the report's facts).
"""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum

from accounts.models import Organization
from accounts.tests.db import second_writer_waits
from accounts.tests.factories import OrganizationFactory
from liaison import reports
from liaison.models import ContactLog, Pairing, PairingTally, Term
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory, TermFactory
from talents.models import Talent
from talents.tests.factories import TalentFactory

MIGRATION = importlib.import_module("liaison.migrations.0016_pairing_tally")


def kept() -> dict:
    """The kept rows as {(organization, leader, term, year): (active, met, contacts, in force, in force met)}."""
    return {
        (t.organization_id, t.leader_id, t.term_id, t.year): (
            t.active,
            t.active_met,
            t.active_contacts,
            t.in_force,
            t.in_force_met,
        )
        for t in PairingTally.objects.all()
    }


def live() -> dict:
    """The same figures from the pairings, through the queries the pages read before the kept counts."""
    rows = {}
    key = ("talent__organization", "leader", "term")
    met = Count("pk", filter=Q(met_minimum=True))
    span = Term.objects.aggregate(first=Min("start__year"), last=Max("end__year"))
    for year in range(span["first"] or 0, (span["last"] or -1) + 1):
        in_year = Q(term__start__year__lte=year, term__end__year__gte=year)
        active = Pairing.objects.active().filter(in_year).with_year_stats(year).values_list(*key)
        counted = active.order_by().annotate(n=Count("pk"), met=met, contacts=Sum("contacts_this_year"))
        for organization, leader, term, n, n_met, contacts in counted:
            rows[(organization, leader, term, year)] = (n, n_met, contacts, 0, 0)
        in_force = reports.year_pairings(Organization(path=""), year).with_year_stats(year).values_list(*key)
        for organization, leader, term, n, n_met in in_force.order_by().annotate(n=Count("pk"), met=met):
            active_n, active_met, contacts, _n, _met = rows.get((organization, leader, term, year), (0, 0, 0, 0, 0))
            rows[(organization, leader, term, year)] = (active_n, active_met, contacts, n, n_met)
    return rows


@pytest.fixture
def world(db):
    """Two leaders of one organization and term; three pairings, one of them of another organization's talent."""
    term = TermFactory(start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31), min_contacts_per_year=2)
    first, second = LeaderFactory(organization=term.organization), LeaderFactory(organization=term.organization)
    return {
        "term": term, "first": first, "second": second,
        "a": PairingFactory(term=term, leader=first, talent=TalentFactory(work_unit__organization=term.organization)),
        "b": PairingFactory(term=term, leader=first, talent=TalentFactory(work_unit__organization=term.organization)),
        "c": PairingFactory(term=term, leader=second, start=datetime.date(2026, 2, 1)),
    }  # fmt: skip


def test_every_kind_of_write_is_counted(world):
    term, a, b, c = world["term"], world["a"], world["b"], world["c"]
    org = term.organization_id
    assert kept() == live()
    assert kept()[(org, world["first"].pk, term.pk, 2026)] == (2, 0, 0, 2, 0)
    assert kept()[(c.talent.organization_id, world["second"].pk, term.pk, 2025)] == (1, 0, 0, 0, 0)  # from 2026

    ContactLogFactory.create_batch(2, pairing=a)  # the minimum is two: a meets it
    ContactLogFactory(pairing=b, confirmed_at=None)  # waiting for confirmation: not counted
    assert kept()[(org, world["first"].pk, term.pk, 2026)] == (2, 1, 2, 2, 1)
    assert kept() == live()

    ContactLog.objects.filter(pairing=b).update(confirmed_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
    ContactLogFactory(pairing=b, date=datetime.date(2025, 5, 1))
    ContactLogFactory(pairing=b, date=datetime.date(2025, 6, 1))
    assert kept() == live()
    assert kept()[(org, world["first"].pk, term.pk, 2025)] == (2, 1, 2, 2, 1)

    ContactLog.objects.filter(pairing=a).first().delete()  # back below the minimum
    assert kept()[(org, world["first"].pk, term.pk, 2026)] == (2, 0, 2, 2, 0)

    Term.objects.filter(pk=term.pk).update(min_contacts_per_year=1)  # a lower minimum: both meet it
    assert kept()[(org, world["first"].pk, term.pk, 2026)] == (2, 2, 2, 2, 2)
    assert kept() == live()

    b.end, b.end_reason = datetime.date(2026, 6, 30), Pairing.EndReason.ADJUSTMENT
    b.save()  # ended: no longer active, still in force this year
    assert kept()[(org, world["first"].pk, term.pk, 2026)] == (1, 1, 1, 2, 2)
    Pairing.objects.filter(pk=c.pk).update(leader=world["first"])  # handed over to the first leader
    assert kept() == live()

    elsewhere = OrganizationFactory()
    talent = Talent.objects.get(pk=a.talent_id)
    talent.organization = elsewhere
    talent.save()  # a talent who moves takes their pairing's counts along
    assert kept()[(elsewhere.pk, world["first"].pk, term.pk, 2026)] == (1, 1, 1, 1, 1)
    Talent.objects.filter(pk=b.talent_id).update(organization=elsewhere)
    assert kept() == live()

    Term.objects.filter(pk=term.pk).update(start=datetime.date(2026, 1, 1), end=datetime.date(2027, 12, 31))
    assert {key[3] for key in kept()} == {2026, 2027}
    assert kept() == live()

    ContactLog.objects.filter(pairing__in=[a, b]).delete()
    Pairing.objects.filter(pk=b.pk).delete()
    assert kept() == live()
    assert all(key[1] != world["second"].pk for key in kept())


def test_bulk_writes_count_each_key_once(world):
    term = world["term"]
    talents = TalentFactory.create_batch(5, work_unit__organization=term.organization)
    Pairing.objects.bulk_create(
        [Pairing(term=term, leader=world["second"], talent=t, start=datetime.date(2025, 3, 1)) for t in talents]
    )
    pairings = list(Pairing.objects.filter(talent__in=talents))
    ContactLog.objects.bulk_create([ContactLogFactory.build(pairing=p) for p in pairings for _ in range(2)])
    assert kept()[(term.organization_id, world["second"].pk, term.pk, 2026)] == (5, 5, 10, 5, 5)
    assert kept() == live()


def test_the_migration_counts_what_was_there(world):
    ContactLogFactory.create_batch(2, pairing=world["a"])
    PairingTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL_BACKFILL)
    assert kept() == live() != {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_counting_one_new_key_both_count():
    """A leader's first two pairings of a term, written at once: the second waits for the first, then counts both.

    Without the term's lock the second would find no row to replace and insert one the first has just
    inserted: a unique violation.
    """
    term = TermFactory(min_contacts_per_year=1)
    leader = LeaderFactory(organization=term.organization)
    talents = TalentFactory.create_batch(2, work_unit__organization=term.organization)
    insert = (
        "INSERT INTO liaison_pairing (term_id, leader_id, talent_id, start, end_reason, created_at)"
        " VALUES (%s, %s, %s, '2025-01-01', '', now())"
    )
    waited, finished, errors = second_writer_waits(
        (insert, [term.pk, leader.pk, talents[0].pk]), (insert, [term.pk, leader.pk, talents[1].pk])
    )
    assert (waited, finished, errors) == (True, True, [])  # it waited for the first, then wrote
    assert [(t.year, t.active) for t in PairingTally.objects.filter(leader=leader).order_by("year")] == [
        (2025, 2), (2026, 2)
    ]  # fmt: skip
    assert kept() == live()
