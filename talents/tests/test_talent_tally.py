"""TalentTally: the database keeps the active talents per organization, field and category, whatever writes them."""

import importlib
from collections import Counter

import pytest
from django.db import connection

from accounts.tests.db import second_writer_waits
from accounts.tests.factories import OrganizationFactory
from talents.models import Talent, TalentCategory, TalentTally
from talents.services import talent_fill_derived
from talents.tests.factories import TalentCategoryFactory, TalentFactory, WorkUnitFactory

MIGRATION = importlib.import_module("talents.migrations.0013_talent_tally")


def kept() -> dict:
    """The tally's non-zero rows, as {(organization, field, category or 0): talents}."""
    rows = TalentTally.objects.exclude(talents=0)
    return {(t.organization_id, t.field, t.category): t.talents for t in rows}


def recounted() -> dict:
    """The same figures counted from the active talents and their categories."""
    rows = Counter()
    for talent in Talent.objects.filter(status=Talent.Status.ACTIVE).prefetch_related("categories"):
        rows[(talent.organization_id, talent.field.upper(), 0)] += 1
        for category in talent.categories.all():
            rows[(talent.organization_id, talent.field.upper(), category.pk)] += 1
    return dict(rows)


@pytest.fixture
def world(db):
    unit = WorkUnitFactory()
    expert = TalentCategoryFactory(code="expert", name="专家人才")
    rural = TalentCategoryFactory(code="rural", name="农村实用人才")
    tea = TalentFactory(work_unit=unit, field="茶叶加工")
    tea.categories.set([expert, rural])
    TalentFactory(work_unit=unit, field="茶叶加工")
    TalentFactory(work_unit=unit, field="Rural e-commerce")
    return {"org": unit.organization_id, "tea": tea, "expert": expert, "rural": rural}


@pytest.mark.django_db
def test_every_kind_of_write_is_counted(world):
    org, tea, expert, rural = world["org"], world["tea"], world["expert"], world["rural"]
    assert kept() == recounted() == {
        (org, "茶叶加工", 0): 2, (org, "茶叶加工", expert.pk): 1, (org, "茶叶加工", rural.pk): 1,
        (org, "RURAL E-COMMERCE", 0): 1,
    }  # fmt: skip

    tea.field = "茶叶种植"
    tea.save()  # a new field takes the talent's categories along
    assert kept()[(org, "茶叶种植", expert.pk)] == 1
    assert kept() == recounted()

    tea.categories.remove(rural)
    tea.categories.add(TalentCategoryFactory(code="introduced", name="引进人才"))
    assert kept() == recounted()

    elsewhere = OrganizationFactory()
    Talent.objects.filter(pk=tea.pk).update(organization=elsewhere)  # one UPDATE, as a move does
    assert kept()[(elsewhere.pk, "茶叶种植", expert.pk)] == 1
    assert kept() == recounted()

    Talent.objects.filter(field="茶叶加工").update(status=Talent.Status.ARCHIVED)  # archived: no longer counted
    unit = WorkUnitFactory()
    Talent.objects.bulk_create(
        [talent_fill_derived(TalentFactory.build(work_unit=unit, field="教育")) for _ in range(3)]
    )
    assert kept() == recounted()

    TalentCategory.objects.filter(pk=expert.pk).delete()  # its links go first
    tea.delete()
    assert kept() == recounted()
    assert all(key[0] != elsewhere.pk for key in kept())


@pytest.mark.django_db
def test_an_edit_that_does_not_touch_the_keys_writes_nothing(world):
    before = list(TalentTally.objects.order_by("pk").values_list("pk", "talents"))
    Talent.objects.filter(pk=world["tea"].pk).update(post="站长", phone="13900000000")
    assert list(TalentTally.objects.order_by("pk").values_list("pk", "talents")) == before


@pytest.mark.django_db
def test_the_migration_counts_what_was_there(world):
    TalentTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL_BACKFILL)
    assert kept() == recounted() != {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_category_added_while_the_talent_moves_is_counted_where_the_talent_ends_up():
    """The categories' trigger locks the talent: it waits for the move, then counts under the new organization."""
    talent = TalentFactory(field="茶叶")
    expert = TalentCategoryFactory(code="expert", name="专家人才")
    elsewhere = OrganizationFactory()
    waited, finished, errors = second_writer_waits(
        ("UPDATE talents_talent SET organization_id = %s WHERE id = %s", [elsewhere.pk, talent.pk]),
        (
            "INSERT INTO talents_talent_categories (talent_id, talentcategory_id) VALUES (%s, %s)",
            [talent.pk, expert.pk],
        ),
    )
    assert (waited, finished, errors) == (True, True, [])  # it waited for the move, then wrote
    assert kept() == recounted() == {(elsewhere.pk, "茶叶", 0): 1, (elsewhere.pk, "茶叶", expert.pk): 1}
