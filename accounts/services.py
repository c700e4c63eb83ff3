"""Operations on organizations and accounts that views, commands and tests share."""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import totp
from accounts.models import AuditEvent, Membership, Organization, RecoveryCode, TOTPDevice, User


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


def organization_require_second_factor(*, organization: Organization, required: bool) -> Organization:
    """Require (or stop requiring) a second factor of the staff of ``organization`` and of its subtree."""
    organization.require_second_factor = required
    organization.save(update_fields=["require_second_factor"])
    return organization


def totp_enrol_begin(*, user: User) -> TOTPDevice:
    """Return the user's device, creating an unconfirmed one with a fresh secret when there is none."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


@transaction.atomic
def totp_enrol_confirm(*, device: TOTPDevice, code: str, at: datetime) -> list[str]:
    """Confirm a device with its first code; return new recovery codes, the only time they exist in clear.

    Replaces any earlier recovery codes of the user.
    """
    step = totp.matching_step(device.secret, code, at)
    if step is None:
        raise ValidationError({"code": _("The code is wrong or has expired. Enter the code the app shows now.")})
    device.confirmed_at = at
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=device.user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=device.user, code_hash=totp.recovery_code_hash(code)) for code in codes
    )
    return codes


@transaction.atomic
def totp_disable(*, user: User) -> None:
    """Turn two-step verification off: forget the device and the recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def second_factor_check(*, user: User, code: str, at: datetime) -> str | None:
    """Accept a current one-time code or an unused recovery code, once; return which kind, else None.

    Each is claimed with a compare-and-set update, so two requests with the same code cannot both
    pass: a one-time code's time step must be later than the last one used.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return None
    step = totp.matching_step(device.secret, code, at)
    if step is not None:
        newer = Q(last_step__isnull=True) | Q(last_step__lt=step)
        claimed = TOTPDevice.objects.filter(newer, pk=device.pk).update(last_step=step)
        return "totp" if claimed == 1 else None
    used = RecoveryCode.objects.filter(user=user, code_hash=totp.recovery_code_hash(code), used_at=None)
    return "recovery" if used.update(used_at=at) == 1 else None


# A run of digits long enough to be an ID, phone or account number: masked in any audit text.
LONG_NUMBER = re.compile(r"\d{6,}[\dXx]?")


def client_address(request) -> str | None:
    """Return the client's address as django-axes reads it (REMOTE_ADDR, or the proxy's last hop)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def audit_record(
    *,
    action: str,
    target: str,
    request=None,
    actor: User | None = None,
    rows: int | None = None,
    success: bool = True,
    detail: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one export, import or personal-data event to the audit trail (issue 9, item 4).

    ``action`` is an ``AuditEvent.Action``; ``target`` and ``detail`` name the object ("人才 #12",
    "导入批次 #3") and never hold a personal value: a long run of digits in them is masked anyway.
    With ``request`` the actor and the client's address come from it; a command passes ``actor``,
    or nothing for the system. ``at`` is now unless given.
    """
    if request is not None and actor is None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        target=LONG_NUMBER.sub("***", str(target))[:200],
        detail=LONG_NUMBER.sub("***", str(detail))[:500],
        actor=actor,
        row_count=rows,
        remote_addr=client_address(request) if request is not None else None,
        success=success,
        at=at or timezone.now(),
    )
