"""TalentSubtreeTally: the database keeps the active talents of each organization's subtree, whatever writes them."""

import importlib
import sqlite3
from collections import Counter

import pytest
from django.db import connection

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory
from talents.models import Talent, TalentSubtreeTally
from talents.services import talent_fill_derived
from talents.tests.factories import TalentCategoryFactory, TalentFactory, WorkUnitFactory

MIGRATION = importlib.import_module("talents.migrations.0017_talent_subtree_tally")


def kept() -> dict:
    """The table's non-zero rows, as {(organization, field, category or 0): talents}."""
    rows = TalentSubtreeTally.objects.exclude(talents=0)
    return {(t.organization_id, t.field, t.category): t.talents for t in rows}


def recounted() -> dict:
    """The same figures counted from the active talents, their categories and the organizations' lines."""
    by_path = dict(Organization.objects.values_list("path", "pk"))
    rows = Counter()
    for talent in (
        Talent.objects.filter(status=Talent.Status.ACTIVE).select_related("organization").prefetch_related("categories")
    ):
        for path in talent.organization.line_paths():
            for category in [0, *(c.pk for c in talent.categories.all())]:
                rows[(by_path[path], talent.field.upper(), category)] += 1
    return {key: n for key, n in rows.items() if n}


@pytest.fixture
def tree(db):
    county = OrganizationFactory(name="县", kind="county")
    township = OrganizationFactory(parent=county, name="镇")
    village = OrganizationFactory(parent=township, name="村", kind="village")
    other = OrganizationFactory(parent=county, name="乡")
    expert = TalentCategoryFactory(code="expert", name="专家人才")
    tea = TalentFactory(work_unit=WorkUnitFactory(organization=village), field="茶叶加工")
    tea.categories.set([expert])
    TalentFactory(work_unit=WorkUnitFactory(organization=township), field="茶叶加工")
    TalentFactory(work_unit=WorkUnitFactory(organization=other), field="电商")
    return {"county": county, "township": township, "village": village, "other": other, "tea": tea, "expert": expert}


@pytest.mark.django_db
def test_every_kind_of_write_is_counted_up_the_tree(tree):
    county, township, village, tea, expert = (tree[k] for k in ("county", "township", "village", "tea", "expert"))
    assert kept() == recounted()
    assert kept()[(county.pk, "茶叶加工", 0)] == 2 and kept()[(township.pk, "茶叶加工", expert.pk)] == 1
    assert (village.pk, "电商", 0) not in kept()

    tea.field = "茶叶种植"
    tea.save()
    Talent.objects.filter(pk=tea.pk).update(organization=tree["other"])  # a move: its old line loses it
    assert kept() == recounted()
    assert kept()[(county.pk, "茶叶种植", expert.pk)] == 1 and (township.pk, "茶叶种植", 0) not in kept()

    tea.categories.remove(expert)
    Talent.objects.filter(field="茶叶加工").update(status=Talent.Status.ARCHIVED)
    unit = WorkUnitFactory(organization=village)
    Talent.objects.bulk_create(
        [talent_fill_derived(TalentFactory.build(work_unit=unit, field="教育")) for _ in range(3)]
    )
    assert kept() == recounted()
    assert kept()[(county.pk, "教育", 0)] == 3

    tea.delete()
    assert kept() == recounted()


@pytest.mark.django_db
def test_organizations_that_move_are_counted_again(tree):
    """The admin's tree moves organizations: their subtrees' talents leave the old line for the new one."""
    township, county = tree["township"], tree["county"]
    elsewhere = OrganizationFactory(name="市", kind="city")
    Organization.objects.move(township, elsewhere, pos="last-child")
    assert kept() == recounted()
    assert kept()[(elsewhere.pk, "茶叶加工", 0)] == 2
    assert (county.pk, "茶叶加工", 0) not in kept() and kept()[(county.pk, "电商", 0)] == 1

    empty = OrganizationFactory(parent=county, name="空乡")
    empty.delete()  # an organization without talents goes, and its counts with it
    assert kept() == recounted()


@pytest.mark.django_db
def test_the_migration_counts_what_was_there(tree):
    TalentSubtreeTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            MIGRATION.POSTGRESQL_BACKFILL if connection.vendor == "postgresql" else MIGRATION.SQLITE_FORWARD[-1]
        )
    assert kept() == recounted() != {}


def test_the_sqlite_triggers_of_the_demo_count_alike():
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE accounts_organization (id INTEGER PRIMARY KEY, path TEXT UNIQUE);"
        "CREATE TABLE talents_talenttally (id INTEGER PRIMARY KEY, organization_id INT, field TEXT, category INT,"
        " talents INT, UNIQUE (organization_id, field, category));"
        "CREATE TABLE talents_talentsubtreetally (id INTEGER PRIMARY KEY, organization_id INT, field TEXT,"
        " category INT, talents INT, UNIQUE (organization_id, field, category));"
        "INSERT INTO accounts_organization VALUES (1, '0001'), (2, '00010001'), (3, '000100010001'), (4, '0002');"
        "INSERT INTO talents_talenttally (organization_id, field, category, talents) VALUES (3, '茶', 0, 2);"
    )
    for statement in MIGRATION.SQLITE_FORWARD:
        db.execute(statement)
    db.executescript(
        "INSERT INTO talents_talenttally (organization_id, field, category, talents) VALUES (2, '茶', 0, 1),"
        " (2, '茶', 7, 1), (4, '电商', 0, 0);"
        "UPDATE talents_talenttally SET talents = talents + 2 WHERE organization_id = 3;"
        "UPDATE talents_talenttally SET talents = 0 WHERE category = 7;"
        "DELETE FROM talents_talenttally WHERE organization_id = 2;"
        "UPDATE accounts_organization SET path = '00020001' WHERE id = 2;"  # 镇 moves under 4 with its village
        "UPDATE accounts_organization SET path = '000200010001' WHERE id = 3;"
    )
    tally = set(db.execute("SELECT organization_id, field, category, talents FROM talents_talentsubtreetally"))
    assert {row for row in tally if row[3]} == {(3, "茶", 0, 4), (2, "茶", 0, 4), (4, "茶", 0, 4)}
