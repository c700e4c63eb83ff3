"""Fixtures of the maps tests: a need of township A, talent_a's growth and support records, a larger world."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import appeal_at
from maps.models import GrowthRecord
from maps.tests.factories import (
    GrowthRecordFactory,
    MentorshipFactory,
    SupportRecordFactory,
    TalentNeedFactory,
    activity,
    support_kind,
)
from talents.tests.factories import TalentFactory, WorkUnitFactory


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


@pytest.fixture
def grow(township_a, village_a, township_b, term_a, leader_a_record):
    """Add ``n`` talents to 青山镇, 青山村 and 绿水乡, each with a need, growth and support of 2026.

    Every third talent of 青山镇's tree has a mentor for 2025—2026, and every talent also had a housing appeal
    closed and attended a check-up in 2026: the three maps then have more rows than a page holds.
    """

    def grow(n: int) -> None:
        housing = AppealCategory.objects.get(code="housing")
        for organization in (township_a, village_a, township_b):
            unit = WorkUnitFactory(organization=organization)
            talents = [TalentFactory(work_unit=unit, field="茶叶加工") for _ in range(n)]
            for i, talent in enumerate(talents):
                TalentNeedFactory(organization=organization, field=f"茶叶加工{i % 3 or ''}", count=2)
                GrowthRecordFactory(talent=talent, kind=GrowthRecord.Kind.AWARD, date=datetime.date(2026, 2, 1))
                SupportRecordFactory(talent=talent, kind=support_kind("loan"), date=datetime.date(2026, 4, 1))
                appeal_at(Appeal.Status.CLOSED, talent=talent, category=housing)
                if i % 3 == 0 and organization != township_b:
                    MentorshipFactory(talent=talent, term=term_a, mentor_leader=leader_a_record)
            activity(organization=organization, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=talents)

    return grow


@pytest.fixture
def queries_of(client):
    """Return a function that GETs a page twice and counts the queries of the second request."""

    def queries_of(url: str, params: dict) -> int:
        client.get(url, params)  # the session and the caches warmed
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    return queries_of
