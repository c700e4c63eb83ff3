"""Fixtures of the maps tests: a need of township A, talent_a's growth and support records."""

import datetime

import pytest

from maps.tests.factories import GrowthRecordFactory, SupportRecordFactory, TalentNeedFactory, support_kind


@pytest.fixture
def need_a(township_a, staff_a):
    """青山镇 needs 3 tea processors (茶叶加工)."""
    return TalentNeedFactory(organization=township_a, field="茶叶加工", count=3, created_by=staff_a)


@pytest.fixture
def growth_a(talent_a, liaison_a):
    """张三 attended a tea processing course on 2026-04-10."""
    return GrowthRecordFactory(talent=talent_a, title="茶叶加工技术培训班", created_by=liaison_a)


@pytest.fixture
def support_a(talent_a, staff_a):
    """张三 received a housing subsidy on 2026-05-01."""
    return SupportRecordFactory(
        talent=talent_a, kind=support_kind("housing"), date=datetime.date(2026, 5, 1), description="发放人才住房补贴",
        created_by=staff_a,
    )  # fmt: skip
