import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from talents.imports import parse_roster
from talents.models import ImportBatch, Talent, TalentCategory, WorkUnit
from talents.services import roster_import
from talents.tests.roster_files import id_number, roster_bytes

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
ID_1985 = id_number("51010419850301002")


def parse(rows):
    categories = TalentCategory.objects.filter(is_active=True)
    return parse_roster(io.BytesIO(roster_bytes(rows)), categories=categories, today=TODAY)


def new_batch(organization, user):
    return ImportBatch.objects.create(organization=organization, original_name="名册.xlsx", uploaded_by=user)


def test_creates_talents_units_and_categories_and_records_the_batch(staff_a, township_a, work_unit_a):
    result = parse(
        [
            [
                "李梅",
                "女",
                "1985.03",
                "群众",
                "硕士",
                "引进人才、高层次人才",
                "省级",
                "青山中学",
                "13900001111",
                ID_1985,
            ],
            ["王五", "", "", "", "", "", "", "青山农业合作社", "", ""],
        ]
    )

    batch = roster_import(result=result, organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a))

    li, wang = Talent.objects.get(name="李梅"), Talent.objects.get(name="王五")
    assert (li.work_unit.name, li.organization, li.work_unit.organization) == ("青山中学", township_a, township_a)
    assert (li.name_initials, li.name_pinyin) == ("lm", "limei")
    assert (li.gender, li.birth_date, li.level, li.id_number) == ("F", datetime.date(1985, 3, 1), "provincial", ID_1985)
    assert sorted(li.categories.values_list("name", flat=True)) == ["引进人才", "高层次人才"]
    assert (wang.work_unit, wang.organization) == (work_unit_a, work_unit_a.organization)
    assert wang.level == Talent.Level.COUNTY  # the model default for a blank cell
    batch.refresh_from_db()
    assert (batch.status, batch.row_count, batch.created_count, batch.updated_count) == ("done", 2, 2, 0)
    assert batch.finished_at is not None


def test_reimport_updates_in_place_and_leaves_blank_cells_alone(staff_a, township_a, talent_a):
    talent_a.categories.set([TalentCategory.objects.get(name="技能人才")])
    phone, pk = talent_a.phone, talent_a.pk
    rows = [["张三", "", "", "", "", "农村实用人才", "市级", "青山农业合作社", "", talent_a.id_number.lower()]]

    batch = roster_import(
        result=parse(rows), organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a)
    )

    talent_a.refresh_from_db()
    assert Talent.objects.with_id_number(talent_a.id_number).count() == 1
    assert talent_a.pk == pk
    assert talent_a.level == "city"
    assert talent_a.phone == phone
    assert list(talent_a.categories.values_list("name", flat=True)) == ["农村实用人才"]
    assert (batch.created_count, batch.updated_count) == (0, 1)


def test_importing_the_same_roster_twice_never_duplicates(staff_a, township_a):
    rows = [["李梅", "", "", "", "", "", "", "青山中学", "", ID_1985]]
    roster_import(result=parse(rows), organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a))
    second = roster_import(
        result=parse(rows), organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a)
    )
    assert Talent.objects.with_id_number(ID_1985).count() == 1
    assert WorkUnit.objects.filter(name="青山中学").count() == 1
    assert (second.created_count, second.updated_count) == (0, 1)


def test_roster_with_a_bad_row_writes_nothing(staff_a, township_a):
    result = parse([["李梅", "", "", "", "", "", "", "青山中学"], ["", "", "", "", "", "", "", "青山中学"]])
    batch = new_batch(township_a, staff_a)

    with pytest.raises(ValidationError) as caught:
        roster_import(result=result, organization=township_a, user=staff_a, batch=batch)

    assert caught.value.messages == ["文件中有1行有误，未导入任何数据。"]
    assert not Talent.objects.exists()
    assert not WorkUnit.objects.filter(name="青山中学").exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_id_of_a_talent_outside_the_users_scope_is_refused(staff_a, township_a, talent_b):
    result = parse([["李四", "", "", "", "", "", "", "青山中学", "", talent_b.id_number]])
    with pytest.raises(ValidationError):
        roster_import(result=result, organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a))
    talent_b.refresh_from_db()
    assert talent_b.work_unit.name == "绿水中学"
    assert not WorkUnit.objects.filter(name="青山中学").exists()


def test_organization_outside_the_users_scope_is_refused(staff_a, township_b):
    result = parse([["李梅", "", "", "", "", "", "", "绿水中学"]])
    with pytest.raises(ValidationError):
        roster_import(result=result, organization=township_b, user=staff_a, batch=new_batch(township_b, staff_a))
    assert not Talent.objects.exists()


def test_batch_already_done_is_not_imported_again(staff_a, township_a):
    batch = new_batch(township_a, staff_a)
    rows = [["李梅", "", "", "", "", "", "", "青山中学"]]
    roster_import(result=parse(rows), organization=township_a, user=staff_a, batch=batch)
    with pytest.raises(ValidationError):
        roster_import(result=parse(rows), organization=township_a, user=staff_a, batch=batch)
    assert Talent.objects.filter(name="李梅").count() == 1


def test_failure_half_way_rolls_everything_back(staff_a, township_a, monkeypatch):
    links = Talent.categories.through

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(links.objects, "bulk_create", fail)
    batch = new_batch(township_a, staff_a)
    with pytest.raises(RuntimeError):
        roster_import(
            result=parse([["李梅", "", "", "", "", "引进人才", "", "青山中学"]]),
            organization=township_a,
            user=staff_a,
            batch=batch,
        )
    assert not Talent.objects.exists()
    assert not WorkUnit.objects.filter(name="青山中学").exists()
    batch.refresh_from_db()
    assert batch.status == "pending"
