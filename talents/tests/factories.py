import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory, UserFactory
from talents.models import MajorEvent, Talent, TalentCategory, WorkUnit
from talents.services import talent_fill_derived
from talents.validators import id_check_character


def make_id_number(
    birth: datetime.date = datetime.date(1978, 5, 12), male: bool = True, area: str = "510104", serial: int = 0
) -> str:
    """Return a valid 18-character ID card number for the birth date, gender and a serial below 500."""
    seq = f"{serial * 2 + (1 if male else 0):03d}"
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + id_check_character(first17)


class WorkUnitFactory(DjangoModelFactory):
    class Meta:
        model = WorkUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    organization = factory.SubFactory(OrganizationFactory)


class TalentCategoryFactory(DjangoModelFactory):
    class Meta:
        model = TalentCategory
        django_get_or_create = ("code",)

    code = "professional"
    name = "专业技术人才"


class TalentFactory(DjangoModelFactory):
    class Meta:
        model = Talent

    name = factory.Faker("name", locale="zh_CN")
    work_unit = factory.SubFactory(WorkUnitFactory)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.Sequence(lambda n: make_id_number(datetime.date(1970, 1, 1) + datetime.timedelta(days=n)))
    level = Talent.Level.COUNTY

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        talent = talent_fill_derived(model_class(*args, **kwargs))
        talent.save()
        return talent


class MajorEventFactory(DjangoModelFactory):
    class Meta:
        model = MajorEvent

    talent = factory.SubFactory(TalentFactory)
    kind = MajorEvent.Kind.ACHIEVEMENT
    date = datetime.date(2026, 3, 1)
    description = "获省级科技进步奖"
    reported_by = factory.SubFactory(UserFactory)
