import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory
from activities.models import ActivityKind, GroupActivity


def kind(code: str = "symposium") -> ActivityKind:
    """Return a kind seeded by activities' data migration (座谈会, 团拜会, …)."""
    return ActivityKind.objects.get(code=code)


class GroupActivityFactory(DjangoModelFactory):
    class Meta:
        model = GroupActivity

    organization = factory.SubFactory(OrganizationFactory)
    kind = factory.LazyFunction(kind)
    title = "优秀人才座谈会"
    date = datetime.date(2026, 3, 10)
    place = "镇政府三楼会议室"
