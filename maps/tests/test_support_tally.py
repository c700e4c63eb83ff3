"""SupportTally: the database keeps each organization's supported talents per year and kind, whatever writes.

The kept rows are checked against a count made here in Python from the three sources (support records,
closed appeals of a kind's categories, attended activities of a kind's activity kinds), each talent
once per kind and once in the row of any kind (0).
"""

import datetime
import importlib
from collections import defaultdict

import pytest
from django.db import connection

from accounts.tests.db import second_writer_waits
from activities.models import ActivityKind, GroupActivity
from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import appeal_at
from maps.models import SupportKind, SupportRecord, SupportTally
from maps.tests.factories import SupportRecordFactory, activity, support_kind
from talents.models import Talent
from talents.tests.factories import TalentFactory

MIGRATION = importlib.import_module("maps.migrations.0004_support_tally")
SOURCES = ("record", "appeal", "activity")


def kept() -> dict:
    """The kept rows, as {(organization, year, kind or 0): (talents, by record, by appeal, by activity)}."""
    return {
        (t.organization_id, t.year, t.kind): (t.talents, t.record, t.appeal, t.activity)
        for t in SupportTally.objects.all()
    }


def recounted() -> dict:
    """The same figures counted from the sources, with the talents' organizations of now."""
    seen = defaultdict(set)  # (organization, year, kind) → {(talent, source)}
    for record in SupportRecord.objects.select_related("talent"):
        seen[(record.talent.organization_id, record.date.year, record.kind_id)].add((record.talent_id, "record"))
    by_category, by_activity_kind = defaultdict(list), defaultdict(list)
    for kind in SupportKind.objects.prefetch_related("appeal_categories", "activity_kinds"):
        for category in kind.appeal_categories.all():
            by_category[category.pk].append(kind.pk)
        for activity_kind in kind.activity_kinds.all():
            by_activity_kind[activity_kind.pk].append(kind.pk)
    for appeal in Appeal.objects.filter(status=Appeal.Status.CLOSED).select_related("talent"):
        for kind in by_category[appeal.category_id]:
            seen[(appeal.talent.organization_id, appeal.closed_on.year, kind)].add((appeal.talent_id, "appeal"))
    for made in GroupActivity.objects.prefetch_related("talents"):
        for kind in by_activity_kind[made.kind_id]:
            for talent in made.talents.all():
                seen[(talent.organization_id, made.date.year, kind)].add((talent.pk, "activity"))
    rows, anyone = {}, defaultdict(set)
    for (organization, year, kind), pairs in seen.items():
        rows[(organization, year, kind)] = (
            len({talent for talent, _source in pairs}),
            *(sum(1 for _talent, s in pairs if s == source) for source in SOURCES),
        )
        anyone[(organization, year)] |= {talent for talent, _source in pairs}
    rows.update({(organization, year, 0): (len(t), 0, 0, 0) for (organization, year), t in anyone.items()})
    return rows


@pytest.mark.django_db
def test_every_kind_of_write_is_counted(township_a, village_a, talent_a, work_unit_a):
    housing, health = support_kind("housing"), support_kind("health")
    org = village_a.pk
    zhao = TalentFactory(name="赵六", work_unit=work_unit_a)
    record = SupportRecordFactory(talent=talent_a, kind=housing, date=datetime.date(2026, 5, 1))
    assert kept() == recounted() == {(org, 2026, housing.pk): (1, 1, 0, 0), (org, 2026, 0): (1, 0, 0, 0)}

    appeal = appeal_at(Appeal.Status.RESOLVED, talent=talent_a, category=AppealCategory.objects.get(code="housing"))
    assert kept() == recounted()  # resolved, not closed: nothing yet
    appeal.status, appeal.closed_on = Appeal.Status.CLOSED, datetime.date(2026, 6, 1)
    appeal.save()
    assert kept()[(org, 2026, housing.pk)] == (1, 1, 1, 0)  # the same talent and kind: counted once
    appeal.closed_on = datetime.date(2027, 1, 2)
    appeal.save()  # closed another year: moves
    assert kept()[(org, 2027, housing.pk)] == (1, 0, 1, 0)
    assert kept() == recounted()
    appeal.category = AppealCategory.objects.get(code="school")
    appeal.save()
    assert kept() == recounted()
    assert (org, 2027, housing.pk) not in kept()

    checkup = activity(organization=township_a, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=[zhao])
    assert kept()[(org, 2026, health.pk)] == (1, 0, 0, 1)
    assert kept()[(org, 2026, 0)] == (2, 0, 0, 0)
    checkup.talents.add(talent_a)
    assert kept()[(org, 2026, health.pk)] == (2, 0, 0, 2)
    checkup.talents.remove(zhao)
    assert kept() == recounted()
    checkup.date = datetime.date(2025, 12, 30)
    checkup.save()  # dated another year: its talents' counts move
    assert kept()[(org, 2025, health.pk)] == (1, 0, 0, 1)
    checkup.kind = ActivityKind.objects.get(code="symposium")
    checkup.save()  # a kind no support is drawn from
    assert kept() == recounted()
    assert (org, 2025, health.pk) not in kept()

    health.activity_kinds.add(checkup.kind)  # the support kind is now drawn from symposiums too
    assert kept()[(org, 2025, health.pk)] == (1, 0, 0, 1)
    health.appeal_categories.add(AppealCategory.objects.get(code="school"))
    assert kept()[(org, 2027, health.pk)] == (1, 0, 1, 0)
    health.appeal_categories.clear()
    assert kept() == recounted()

    record.date, record.kind = datetime.date(2025, 3, 1), health
    record.save()
    assert kept() == recounted()
    Talent.objects.filter(pk=talent_a.pk).update(organization=township_a)  # the talent moves: every year follows
    assert {key[0] for key in kept() if key[1] == 2025} == {township_a.pk}
    assert kept() == recounted()

    record.delete()
    GroupActivity.objects.get(pk=checkup.pk).delete()
    Appeal.objects.filter(pk=appeal.pk).delete()
    assert kept() == recounted() == {}


@pytest.mark.django_db
def test_bulk_writes_count_each_key_once(township_a, village_a, work_unit_a):
    talents = TalentFactory.create_batch(4, work_unit=work_unit_a)
    SupportRecord.objects.bulk_create(
        [SupportRecordFactory.build(talent=t, kind=support_kind(code)) for t in talents for code in ("housing", "loan")]
    )
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=talents[:3])
    assert kept()[(village_a.pk, 2026, 0)] == (4, 0, 0, 0)
    assert kept()[(village_a.pk, 2026, support_kind("loan").pk)] == (4, 4, 0, 0)
    assert kept() == recounted()


@pytest.mark.django_db
def test_the_migration_counts_what_was_there(township_a, talent_a, talent_b):
    SupportRecordFactory(talent=talent_b)
    appeal_at(Appeal.Status.CLOSED, talent=talent_a, category=AppealCategory.objects.get(code="housing"))
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2025, 6, 1), talents=[talent_a])
    SupportTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL_BACKFILL)
    assert kept() == recounted() != {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_supporting_one_organization_both_count():
    """Two talents of one organization supported at once: the second waits for the first, then counts both.

    Without the organization's lock the second would count what it saw before the first committed, and
    replace the first's row with a count of one talent (or fail on the row the first inserted).
    """
    first, second = TalentFactory.create_batch(2)
    Talent.objects.filter(pk=second.pk).update(organization=first.organization_id)
    insert = (
        "INSERT INTO maps_supportrecord (talent_id, kind_id, date, description, created_at)"
        " VALUES (%s, %s, '2026-05-01', '住房补贴', now())"
    )
    housing = support_kind("housing").pk
    waited, finished, errors = second_writer_waits((insert, [first.pk, housing]), (insert, [second.pk, housing]))
    assert (waited, finished, errors) == (True, True, [])
    assert kept()[(first.organization_id, 2026, housing)] == (2, 2, 0, 0)
    assert kept() == recounted()
