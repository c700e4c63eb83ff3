import datetime

import factory
from factory.django import DjangoModelFactory

from activities.models import ActivityKind, GroupActivity
from maps.models import GrowthRecord, Mentorship, SupportKind, SupportRecord, TalentNeed
from talents.tests.factories import TalentFactory


class TalentNeedFactory(DjangoModelFactory):
    class Meta:
        model = TalentNeed

    field = "茶叶加工"
    count = 3
    reason = "全镇茶园 8000 亩，缺少精制加工人才"


class MentorshipFactory(DjangoModelFactory):
    class Meta:
        model = Mentorship

    talent = factory.SubFactory(TalentFactory)
    plan = "参加省级制茶技能竞赛，申报农艺师职称"


class GrowthRecordFactory(DjangoModelFactory):
    class Meta:
        model = GrowthRecord

    talent = factory.SubFactory(TalentFactory)
    kind = GrowthRecord.Kind.TRAINING
    date = datetime.date(2026, 4, 10)
    title = "茶叶加工技术培训班"


def support_kind(code: str) -> SupportKind:
    """A support kind seeded by maps' migration 0002: housing, health, schooling, loan, recuperation..."""
    return SupportKind.objects.get(code=code)


class SupportRecordFactory(DjangoModelFactory):
    class Meta:
        model = SupportRecord

    talent = factory.SubFactory(TalentFactory)
    kind = factory.LazyFunction(lambda: support_kind("housing"))
    date = datetime.date(2026, 5, 1)
    description = "发放人才住房补贴"


def activity(*, organization, kind_code: str, date: datetime.date, talents=()) -> GroupActivity:
    """A group activity of a seeded kind (``checkup``, ``recuperation``...) attended by ``talents``."""
    made = GroupActivity.objects.create(
        organization=organization, kind=ActivityKind.objects.get(code=kind_code), title="人才健康体检", date=date
    )
    made.talents.set(talents)
    return made
