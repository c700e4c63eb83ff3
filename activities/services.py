"""Operations on group activities (集中活动, DOMAIN.md rule 16).

An activity where a leader and a talent paired with them both took part counts as one contact of
that pairing: ``activity_contacts_sync`` writes and removes those contact logs, and every service
that changes an activity's date, kind, place or participants calls it. Contacts typed by hand are
never touched: only rows whose ``activity`` is this activity are.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from activities.models import ActivityKind, ActivityPhoto, GroupActivity
from liaison.models import ContactLog, Leader, Pairing
from talents.imports import ParseResult, bad_rows_error
from talents.models import ImportBatch, Talent
from talents.services import import_batch_claim, import_batch_finish

FIELDS = ("organization", "kind", "title", "date", "place", "description")


def activity_check(*, organization: Organization, date: datetime.date, today: datetime.date) -> None:
    """Refuse an activity dated in the future: a counted contact cannot lie ahead (as a typed one)."""
    if date > today:
        raise ValidationError({"date": _("Record an activity once it has taken place; the date is in the future.")})


@transaction.atomic
def activity_create(
    *,
    organization: Organization,
    kind: ActivityKind,
    title: str,
    date: datetime.date,
    place: str = "",
    description: str = "",
    user: User | None,
    today: datetime.date,
) -> GroupActivity:
    """Record an activity without participants; attendance is ticked or imported afterwards."""
    activity_check(organization=organization, date=date, today=today)
    return GroupActivity.objects.create(
        organization=organization, kind=kind, title=title, date=date, place=place, description=description,
        created_by=user,
    )  # fmt: skip


@transaction.atomic
def activity_update(*, activity: GroupActivity, today: datetime.date, **fields) -> GroupActivity:
    """Change an activity's details and bring its counted contacts in line with the new date or kind.

    A new organizer must still hold every participant in its subtree.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"activity_update() got unexpected fields {sorted(unknown)}")
    organization = fields.get("organization", activity.organization)
    activity_check(organization=organization, date=fields.get("date", activity.date), today=today)
    if "organization" in fields:
        # Checked even when unchanged: a model form has already set the new value on ``activity``.
        talents = activity.talents.values_list("pk", flat=True)
        leaders = activity.leaders.values_list("pk", flat=True)
        _check_participants(organization, talents=talents, leaders=leaders, field="organization")
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    activity_contacts_sync(activity=activity)
    return activity


@transaction.atomic
def activity_set_participants(*, activity: GroupActivity, talents, leaders) -> GroupActivity:
    """Make ``talents`` and ``leaders`` the activity's participants, then sync its counted contacts.

    Everyone must belong to the organizer's subtree (DOMAIN.md "Access").
    """
    talents, leaders = list(talents), list(leaders)
    _check_participants(activity.organization, talents=talents, leaders=leaders)
    activity.talents.set(talents)
    activity.leaders.set(leaders)
    activity_contacts_sync(activity=activity)
    return activity


@transaction.atomic
def activity_add_participants(*, activity: GroupActivity, talents, leaders) -> tuple[int, int]:
    """Add participants, keeping those already there; return how many talents and leaders are new.

    Adding someone already present adds nothing, so a sign-in sheet imported twice counts once.
    """
    talents, leaders = list(talents), list(leaders)
    _check_participants(activity.organization, talents=talents, leaders=leaders)
    had_talents = set(activity.talents.values_list("pk", flat=True))
    had_leaders = set(activity.leaders.values_list("pk", flat=True))
    new_talents = {t.pk for t in talents} - had_talents
    new_leaders = {leader.pk for leader in leaders} - had_leaders
    activity.talents.add(*new_talents)
    activity.leaders.add(*new_leaders)
    activity_contacts_sync(activity=activity)
    return len(new_talents), len(new_leaders)


def activity_delete(*, activity: GroupActivity) -> None:
    """Delete an activity with its photos and the contacts it counted (typed contacts stay)."""
    files = [photo.image for photo in activity.photos.all()]
    with transaction.atomic():
        ContactLog.objects.filter(activity=activity).delete()
        activity.delete()
        # The files go only once the rows are gone for good.
        transaction.on_commit(lambda: [image.delete(save=False) for image in files])


def activity_photos_add(*, activity: GroupActivity, photos) -> list[ActivityPhoto]:
    """Store photos already checked by the form (type and size, as for a contact's photos)."""
    return ActivityPhoto.objects.bulk_create([ActivityPhoto(activity=activity, image=photo) for photo in photos])


def activity_photo_delete(*, photo: ActivityPhoto) -> None:
    """Delete one photo and, once committed, its file."""
    image = photo.image
    photo.delete()
    transaction.on_commit(lambda: image.delete(save=False))


def counted_pairings(activity: GroupActivity):
    """Pairings that the activity counts as contacted: active on its date, leader and talent both present.

    A pairing is active on a day when it started on or before it and had not ended before it.
    """
    day = activity.date
    return Pairing.objects.filter(
        Q(end__isnull=True) | Q(end__gte=day),
        start__lte=day,
        leader__in=activity.leaders.values("pk"),
        talent__in=activity.talents.values("pk"),
    )


@transaction.atomic
def activity_contacts_sync(*, activity: GroupActivity) -> tuple[int, int]:
    """Make the activity's counted contacts exactly one per counted pairing; return (added, removed).

    Set-based: one DELETE for the pairs no longer both present (or no longer paired on the date),
    one UPDATE carrying the date, kind and place to those kept, one INSERT that the unique
    constraint ``contact_once_per_activity`` makes a no-op for pairings already counted. Run twice,
    it adds nothing the second time.
    """
    pairings = counted_pairings(activity)
    own = ContactLog.objects.filter(activity=activity)
    removed, _by_model = own.exclude(pairing__in=pairings.values("pk")).delete()
    values = {
        "date": activity.date,
        "method_id": activity.kind.contact_method_id,
        "summary": contact_summary(activity),
        "place": activity.place[: ContactLog._meta.get_field("place").max_length],
    }
    own.update(**values)
    counted = set(own.values_list("pairing_id", flat=True))
    now = timezone.now()
    missing = [
        ContactLog(pairing_id=pk, leader_id=leader_id, talent_id=talent_id, activity=activity, confirmed_at=now,
                   **values)
        for pk, leader_id, talent_id in pairings.values_list("pk", "leader_id", "talent_id")
        if pk not in counted
    ]  # fmt: skip
    # ignore_conflicts: a sync running at the same moment may have written the same pairing.
    ContactLog.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing), removed


def contact_summary(activity: GroupActivity) -> str:
    """Name the activity in the site's language, whoever saves it (a request, the admin, a shell)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Took part together in the group activity “%(title)s” (%(kind)s)") % {
            "title": activity.title, "kind": activity.kind.name}  # fmt: skip


def _check_participants(organization: Organization, *, talents, leaders, field: str | None = None) -> None:
    """Refuse participants outside the organizer's subtree, naming the first few of them."""
    path = organization.path
    talent_ids = [getattr(t, "pk", t) for t in talents]
    leader_ids = [getattr(leader, "pk", leader) for leader in leaders]
    outside = list(
        Talent.objects.filter(pk__in=talent_ids).exclude(organization__path__startswith=path)
        .values_list("name", flat=True)[:10]
    )  # fmt: skip
    outside += list(
        Leader.objects.filter(pk__in=leader_ids).exclude(organization__path__startswith=path)
        .values_list("user__name", flat=True)[:10]
    )  # fmt: skip
    if outside:
        message = _("%(names)s do not belong to %(organization)s or the organizations below it.") % {
            "names": "、".join(outside), "organization": organization.name}  # fmt: skip
        raise ValidationError({field: message} if field else message)


@transaction.atomic
def attendance_import(*, activity: GroupActivity, result: ParseResult, user: User, batch: ImportBatch) -> ImportBatch:
    """Add the people of a sign-in sheet to the activity, all or nothing, and record it on ``batch``.

    Refuse a sheet with any bad row; people already present are skipped, so the same sheet
    imported again adds nobody. The counted contacts follow (DOMAIN.md rule 16).
    """
    from activities.imports import attendance_review  # here: activities.imports reads this module's rules

    batch = import_batch_claim(batch=batch, organization=activity.organization, user=user)
    review = attendance_review(result=result, activity=activity, user=user)
    if review.errors:
        raise bad_rows_error(review.errors)
    talents, leaders = activity_add_participants(activity=activity, talents=review.talents, leaders=review.leaders)
    activity.import_batch = batch
    activity.save(update_fields=["import_batch"])
    return import_batch_finish(batch=batch, rows=len(result.rows), created=talents + leaders, now=timezone.now())


def participants_in_scope(activity: GroupActivity):
    """The talents and leaders who may be ticked for the activity: those of the organizer's subtree."""
    path = activity.organization.path
    talents = Talent.objects.filter(organization__path__startswith=path).exclude(status=Talent.Status.ARCHIVED)
    leaders = Leader.objects.filter(organization__path__startswith=path, is_active=True)
    return talents, leaders
