"""Operations on organizations and accounts that views, commands and tests share."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User


def _check_sibling_name(*, parent: Organization | None, name: str, exclude_pk=None) -> None:
    siblings = Organization.objects.get_children(parent) if parent else Organization.objects.get_root_nodes()
    if siblings.filter(name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("An organization with this name already exists at this level.")})


@transaction.atomic
def organization_create(*, parent: Organization | None, name: str, kind: str) -> Organization:
    """Create an organization under ``parent`` (a new root when None); sibling names are unique."""
    name = name.strip()
    _check_sibling_name(parent=parent, name=name)
    fields = {"name": name, "kind": kind}
    if parent is None:
        return Organization.objects.add_root(create_kwargs=fields)
    # treebeard locks and re-reads the parent row, so two staff adding at once get distinct paths.
    return Organization.objects.add_child(parent, create_kwargs=fields)


def organization_rename(*, organization: Organization, name: str, kind: str) -> Organization:
    """Rename an organization or change its kind; sibling names stay unique."""
    name = name.strip()
    _check_sibling_name(parent=Organization.objects.get_parent(organization), name=name, exclude_pk=organization.pk)
    organization.name = name
    organization.kind = kind
    organization.save(update_fields=["name", "kind"])
    return organization


@transaction.atomic
def member_add(
    *, organization: Organization, username: str, name: str, role: str, password: str, email: str = "", phone: str = ""
) -> Membership:
    """Create a user account and give it ``role`` in ``organization``."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    # The initial password is told to the user by someone else: they choose their own at first login.
    user = User(username=username, name=name, email=email, phone=phone, must_change_password=True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return Membership.objects.create(user=user, organization=organization, role=role)


def membership_grant(*, user: User, organization: Organization, role: str) -> Membership:
    """Give an existing user ``role`` in ``organization``; granting twice changes nothing."""
    membership, _created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
    return membership
