import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organization, TOTPDevice, User


class OrganizationFactory(factory.Factory):
    """Build organizations through treebeard, which keeps the tree paths right."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"组织{n}")
    kind = Organization.Kind.TOWNSHIP
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return Organization.objects.add_root(create_kwargs=kwargs)
        return Organization.objects.add_child(parent, create_kwargs=kwargs)

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(**kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", "Correct-horse-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "staff"


class TOTPDeviceFactory(DjangoModelFactory):
    """A confirmed authenticator app; tests compute its codes from ``secret`` with pyotp."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    confirmed_at = factory.LazyFunction(timezone.now)
