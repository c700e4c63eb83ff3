"""The support panorama's figures: each talent counted once per kind across the three sources."""

import datetime

import pytest

from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import appeal_at
from maps.services import support_panorama, supported_talents, talent_support
from maps.tests.factories import SupportRecordFactory, activity, support_kind
from talents.tests.factories import TalentFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def supported(township_a, village_a, township_b, talent_a, talent_b, work_unit_a):
    """Township A's 2026: 张三 housed twice over and checked up; 王五 schooled; 赵六 housed and sent to rest."""
    housing = AppealCategory.objects.get(code="housing")
    wang = TalentFactory(name="王五", work_unit=WorkUnitFactory(organization=township_a))
    zhao = TalentFactory(name="赵六", work_unit=work_unit_a)
    SupportRecordFactory(talent=talent_a, kind=support_kind("housing"), date=datetime.date(2026, 5, 1))
    appeal_at(Appeal.Status.CLOSED, talent=talent_a, category=housing)  # closed 2026-03-12: the same kind again
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=[talent_a])
    appeal_at(Appeal.Status.CLOSED, talent=wang)  # 子女入学, closed 2026-03-12
    SupportRecordFactory(talent=wang, kind=support_kind("housing"), date=datetime.date(2025, 12, 31))  # last year
    SupportRecordFactory(talent=zhao, kind=support_kind("housing"), date=datetime.date(2026, 1, 1))
    appeal_at(Appeal.Status.RESOLVED, talent=zhao, category=housing)  # resolved, not closed: not counted
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2025, 6, 1), talents=[zhao])
    activity(organization=township_a, kind_code="recuperation", date=datetime.date(2026, 8, 1), talents=[zhao])
    activity(organization=township_a, kind_code="symposium", date=datetime.date(2026, 8, 1), talents=[wang])
    SupportRecordFactory(talent=talent_b, kind=support_kind("housing"), date=datetime.date(2026, 5, 1))
    return {"wang": wang, "zhao": zhao}


def test_counts_each_talent_once_per_kind(supported, township_a, django_assert_num_queries):
    with django_assert_num_queries(3):
        panorama = support_panorama(township_a, YEAR)
    totals = {kind.code: panorama.total(kind) for kind in panorama.kinds}
    assert totals == {
        "housing": 2, "health": 1, "schooling": 1, "spouse_job": 0, "loan": 0, "recuperation": 1, "funding": 0,
        "other": 0,
    }  # fmt: skip
    assert panorama.supported == 3


def test_counts_by_source_and_by_child_organization(supported, township_a, village_a):
    panorama = support_panorama(township_a, YEAR)
    housing = support_kind("housing")
    assert next(r for r in panorama.kind_rows() if r["kind"] == housing) == {
        "kind": housing,
        "talents": 2,
        "record": 2,
        "appeal": 1,
        "activity": 0,
    }
    rows = {r["name"]: (r["counts"][:6], r["any"]) for r in panorama.organization_rows()}
    # housing, health, schooling, spouse job, loan, recuperation
    assert rows == {
        "青山镇": ([0, 0, 1, 0, 0, 0], 1),
        "青山村": ([2, 1, 0, 0, 0, 1], 2),
        "合计": ([2, 1, 1, 0, 0, 1], 3),
    }


def test_other_years_and_townships_are_left_out(supported, township_a, township_b):
    assert support_panorama(township_a, 2025).supported == 2  # 王五's subsidy and 赵六's check-up
    assert support_panorama(township_b, YEAR).supported == 1


def test_drill_down_lists_the_talents_of_a_kind(supported, township_a, talent_a):
    names = sorted(t.name for t in supported_talents(township_a, YEAR, support_kind("housing")))
    assert names == ["张三", "赵六"]
    assert [t.name for t in supported_talents(township_a, YEAR, support_kind("schooling"))] == ["王五"]


def test_a_talents_support_lists_the_three_sources(supported, talent_a):
    items = talent_support(talent_a)
    assert [(i.date, i.kind.code, i.source) for i in items] == [
        (datetime.date(2026, 6, 1), "health", "activity"),
        (datetime.date(2026, 5, 1), "housing", "record"),
        (datetime.date(2026, 3, 12), "housing", "appeal"),
    ]
