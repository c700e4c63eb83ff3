import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory, UserFactory
from liaison.models import ContactLog, ContactMethod, Leader, Pairing, Term
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
