import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory, UserFactory
from liaison.models import Appeal, AppealCategory, ContactLog, ContactMethod, Leader, Pairing, Term
from talents.tests.factories import TalentFactory


class LeaderFactory(DjangoModelFactory):
    class Meta:
        model = Leader

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    post = "党委副书记"


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    organization = factory.SubFactory(OrganizationFactory)
    name = "2025—2026"
    start = datetime.date(2025, 1, 1)
    end = datetime.date(2026, 12, 31)


class PairingFactory(DjangoModelFactory):
    class Meta:
        model = Pairing

    term = factory.SubFactory(TermFactory)
    leader = factory.SubFactory(LeaderFactory)
    talent = factory.SubFactory(TalentFactory)
    start = datetime.date(2025, 1, 1)


class ContactLogFactory(DjangoModelFactory):
    class Meta:
        model = ContactLog

    pairing = factory.SubFactory(PairingFactory)
    leader = factory.SelfAttribute("pairing.leader")
    talent = factory.SelfAttribute("pairing.talent")
    date = datetime.date(2026, 3, 1)
    method = factory.LazyFunction(
        lambda: ContactMethod.objects.get_or_create(code="talk", defaults={"name": "面对面交流"})[0]
    )
    summary = "了解工作进展"
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))


class AppealCategoryFactory(DjangoModelFactory):
    """The seeded 子女入学 category: 15 working days, 5 when urgent."""

    class Meta:
        model = AppealCategory
        django_get_or_create = ("code",)

    code = "school"
    name = "子女入学"
    default_department = "教育局"
    time_limit_days = 15
    urgent_time_limit_days = 5


class AppealFactory(DjangoModelFactory):
    class Meta:
        model = Appeal

    talent = factory.SubFactory(TalentFactory)
    organization = factory.SelfAttribute("talent.organization")
    category = factory.SubFactory(AppealCategoryFactory)
    description = "子女明年秋季入学，希望协调就近学位"
    source = Appeal.Source.LIAISON
    received_on = datetime.date(2026, 3, 2)
    created_by = factory.SubFactory(UserFactory)


def appeal_at(status: str, *, handler=None, co_handler=None, **kwargs) -> Appeal:
    """Make an appeal standing in ``status`` with what the earlier steps would have filled in."""
    s = Appeal.Status
    appeal = AppealFactory(status=status, **kwargs)
    if status != s.REGISTERED:
        appeal.lead_unit, appeal.handler, appeal.deadline = "教育局", handler, datetime.date(2026, 3, 23)
    if status in (s.RESOLVED, s.FOLLOWED_UP, s.CLOSED):
        appeal.result, appeal.resolved_on = "已协调就近入学", datetime.date(2026, 3, 10)
    if status in (s.FOLLOWED_UP, s.CLOSED):
        appeal.satisfaction = Appeal.Satisfaction.SATISFIED
    if status == s.CLOSED:
        appeal.closed_on = datetime.date(2026, 3, 12)
    appeal.save()
    if co_handler is not None and status != s.REGISTERED:
        appeal.co_handlers.add(co_handler)
    return appeal
