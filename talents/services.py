"""Operations on talents that views, the roster import, commands and tests share."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from accounts.models import Organization, User
from talents.models import (
    Achievement,
    MajorEvent,
    PersonalDataAccess,
    Talent,
    WorkUnit,
)
from talents.validators import parse_id_number


def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (initials, full pinyin) of a name, lower case: 张三 → ("zs", "zhangsan")."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    return initials[:50], full[:200]


def talent_fill_derived(talent: Talent) -> Talent:
    """Set the values a talent derives: pinyin keys, organization from its work unit, and, when left
    empty, birth date and gender from a valid ID card number."""
    talent.name_initials, talent.name_pinyin = pinyin_keys(talent.name)
    talent.organization_id = talent.work_unit.organization_id
    if talent.id_number and (talent.birth_date is None or not talent.gender):
        try:
            info = parse_id_number(talent.id_number)
        except ValidationError:
            return talent
        talent.birth_date = talent.birth_date or info.birth_date
        talent.gender = talent.gender or info.gender
    return talent


def _check_unique_id(talent: Talent) -> None:
    if talent.id_number and Talent.objects.filter(id_number=talent.id_number).exclude(pk=talent.pk).exists():
        raise ValidationError({"id_number": _("A talent with this ID card number is already in the database.")})


@transaction.atomic
def talent_save(*, talent: Talent, categories=None) -> Talent:
    """Create or update a talent with its derived fields and categories."""
    talent_fill_derived(talent)
    _check_unique_id(talent)
    talent.save()
    if categories is not None:
        talent.categories.set(categories)
    return talent


def talent_archive(*, talent: Talent) -> Talent:
    """Archive a talent instead of deleting: history, contacts and statistics stay."""
    talent.status = Talent.Status.ARCHIVED
    talent.save(update_fields=["status", "updated_at"])
    return talent


def talent_restore(*, talent: Talent) -> Talent:
    """Bring an archived talent back to the active list."""
    talent.status = Talent.Status.ACTIVE
    talent.save(update_fields=["status", "updated_at"])
    return talent


def personal_data_access_record(
    *, talent: Talent, user: User, purpose: str, remote_addr: str | None = None
) -> PersonalDataAccess:
    """Record that ``user`` saw ``talent``'s unmasked personal numbers."""
    return PersonalDataAccess.objects.create(talent=talent, user=user, purpose=purpose, remote_addr=remote_addr)


def major_event_report(*, talent: Talent, kind: str, date: datetime.date, description: str, user: User) -> MajorEvent:
    """Record a major event reported to the leader and the office (DOMAIN.md rule 10)."""
    return MajorEvent.objects.create(talent=talent, kind=kind, date=date, description=description, reported_by=user)


def achievement_add(*, talent: Talent, date: datetime.date, title: str, description: str, user: User) -> Achievement:
    """Add an honour or work achievement to a talent's record."""
    return Achievement.objects.create(talent=talent, date=date, title=title, description=description, created_by=user)


def work_unit_create(*, organization: Organization, name: str, address: str = "", liaison_officers=()) -> WorkUnit:
    """Create a work unit of ``organization``; names are unique within an organization."""
    name = name.strip()
    if WorkUnit.objects.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("This organization already has a work unit with this name.")})
    unit = WorkUnit.objects.create(organization=organization, name=name, address=address)
    unit.liaison_officers.set(liaison_officers)
    return unit
