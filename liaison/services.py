"""Operations of the liaison work: terms, pairings, handovers, contacts (DOMAIN.md rules 2-8).

Views, imports, tasks, commands and tests call these; none of them writes these rows itself.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from liaison.models import ContactLog, ContactMethod, ContactPhoto, Leader, Pairing, Term
from talents.models import Talent

TERM_YEARS = 2


def term_default_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the start and end of a two-year term beginning this year (rule 8: 原则上每两年)."""
    return datetime.date(today.year, 1, 1), datetime.date(today.year + TERM_YEARS - 1, 12, 31)


def leader_create(*, user: User, organization: Organization, post: str, portfolio: str = "") -> Leader:
    """Register a user as a leader of ``organization``."""
    if Leader.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This user is already registered as a leader.")})
    return Leader.objects.create(user=user, organization=organization, post=post, portfolio=portfolio)


def _check_capacity(*, term: Term, leader: Leader, adding: int = 1) -> None:
    """Refuse more active pairings than the term allows a leader (rule 2: a setting of the term)."""
    if term.max_talents_per_leader is None:
        return
    active = Pairing.objects.filter(term=term, leader=leader, end__isnull=True).count()
    if active + adding > term.max_talents_per_leader:
        raise ValidationError(
            _("%(leader)s already has %(count)d talents in this term; the term allows at most %(max)d.")
            % {"leader": leader, "count": active, "max": term.max_talents_per_leader}
        )


@transaction.atomic
def pairing_create(
    *, term: Term, leader: Leader, talent: Talent, on: datetime.date, previous: Pairing | None = None
) -> Pairing:
    """Pair a leader with a talent in a term, from ``on``.

    One active pairing per leader, talent and term; the term's maximum per leader holds; the date
    lies inside the term; an archived talent is not paired.
    """
    # Lock the leader so two staff pairing at once cannot both pass the capacity check.
    Leader.objects.select_for_update().filter(pk=leader.pk).first()
    if not term.start <= on <= term.end:
        raise ValidationError({"start": _("The start date must lie inside the term.")})
    if talent.status == Talent.Status.ARCHIVED:
        raise ValidationError({"talent": _("An archived talent cannot be paired.")})
    if not leader.is_active:
        raise ValidationError({"leader": _("This leader is no longer in post.")})
    if Pairing.objects.filter(term=term, leader=leader, talent=talent, end__isnull=True).exists():
        raise ValidationError(_("%(leader)s is already paired with %(talent)s in this term.") % {
            "leader": leader, "talent": talent})  # fmt: skip
    _check_capacity(term=term, leader=leader)
    return Pairing.objects.create(term=term, leader=leader, talent=talent, start=on, previous=previous)


def pairing_end(*, pairing: Pairing, on: datetime.date, reason: str) -> Pairing:
    """End a pairing; it stays as history with its contacts."""
    if pairing.end is not None:
        raise ValidationError(_("This pairing has already ended."))
    if on < pairing.start:
        raise ValidationError({"end": _("A pairing cannot end before it started.")})
    pairing.end, pairing.end_reason = on, reason
    pairing.save(update_fields=["end", "end_reason"])
    return pairing


@transaction.atomic
def pairing_reassign(*, pairing: Pairing, leader: Leader, on: datetime.date, reason: str) -> Pairing:
    """Move one talent to another leader: end this pairing and start the successor's from ``on``."""
    if leader.pk == pairing.leader_id:
        raise ValidationError({"leader": _("Choose a different leader.")})
    pairing_end(pairing=pairing, on=on, reason=reason)
    return pairing_create(term=pairing.term, leader=leader, talent=pairing.talent, on=on, previous=pairing)


@transaction.atomic
def leader_handover(*, leader: Leader, successor: Leader, on: datetime.date) -> list[Pairing]:
    """Hand every active pairing of a leader leaving the post to a successor, in one step.

    The old pairings end with reason "handover" and keep their contacts, which still name the
    leader who made them, so that leader keeps reading what they logged. Later issues move the
    open appeals and due visits through the ``previous`` link of each new pairing.
    """
    if leader.pk == successor.pk:
        raise ValidationError({"successor": _("Choose a different leader.")})
    old = list(Pairing.objects.select_for_update().filter(leader=leader, end__isnull=True).select_related("term"))
    if not old:
        raise ValidationError(_("%(leader)s has no active pairings to hand over.") % {"leader": leader})
    new = []
    for term in {p.term for p in old}:
        _check_capacity(term=term, leader=successor, adding=sum(1 for p in old if p.term_id == term.pk))
    for pairing in old:
        pairing_end(pairing=pairing, on=on, reason=Pairing.EndReason.HANDOVER)
        if Pairing.objects.filter(term=pairing.term, leader=successor, talent=pairing.talent_id, end__isnull=True):
            continue  # the successor was already paired with this talent
        new.append(
            Pairing.objects.create(
                term=pairing.term, leader=successor, talent_id=pairing.talent_id, start=on, previous=pairing
            )
        )
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    return new


@transaction.atomic
def term_start_next(*, current: Term, name: str, start: datetime.date, end: datetime.date) -> tuple[Term, int]:
    """Open the next term with the current term's active pairings; return it and how many were copied."""
    if start <= current.start:
        raise ValidationError({"start": _("The next term must start after the current one.")})
    term = Term.objects.create(
        organization=current.organization, name=name, start=start, end=end,
        max_talents_per_leader=current.max_talents_per_leader, min_contacts_per_year=current.min_contacts_per_year,
    )  # fmt: skip
    active = current.pairings.filter(end__isnull=True, leader__is_active=True).exclude(
        talent__status=Talent.Status.ARCHIVED
    )
    copies = [Pairing(term=term, leader_id=p.leader_id, talent_id=p.talent_id, start=start) for p in active]
    Pairing.objects.bulk_create(copies)
    return term, len(copies)


@transaction.atomic
def contact_log_create(
    *,
    pairing: Pairing,
    user: User,
    date: datetime.date,
    method: ContactMethod,
    summary: str,
    topics=(),
    opinions: str = "",
    initiated_by: str = ContactLog.Initiator.LEADER,
    place: str = "",
    photos=(),
    today: datetime.date,
) -> ContactLog:
    """Log a contact of a pairing (rules 3-6).

    Logged by the paired leader, it counts at once; logged by staff or a liaison officer on the
    leader's behalf, it waits as "待确认" until the leader confirms it, and both names are kept.
    """
    if date > today:
        raise ValidationError({"date": _("A contact cannot be in the future.")})
    if date < pairing.start or (pairing.end and date > pairing.end):
        raise ValidationError({"date": _("The date lies outside the pairing (%(start)s to %(end)s).") % {
            "start": pairing.start, "end": pairing.end or _("now")}})  # fmt: skip
    by_leader = pairing.leader.user_id == user.pk
    contact = ContactLog.objects.create(
        pairing=pairing, leader_id=pairing.leader_id, talent_id=pairing.talent_id, date=date, method=method,
        summary=summary, opinions=opinions, initiated_by=initiated_by, place=place, created_by=user,
        confirmed_at=timezone.now() if by_leader else None,
    )  # fmt: skip
    contact.topics.set(topics)
    ContactPhoto.objects.bulk_create([ContactPhoto(contact=contact, image=photo) for photo in photos])
    return contact


def contact_confirm(*, contact: ContactLog, user: User) -> ContactLog:
    """Confirm a contact logged on the leader's behalf; only that leader may, and only once."""
    if contact.leader.user_id != user.pk:
        raise ValidationError(_("Only the leader of this contact can confirm it."))
    updated = ContactLog.objects.filter(pk=contact.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    contact.refresh_from_db(fields=["confirmed_at"])
    if not updated:
        raise ValidationError(_("This contact has already been confirmed."))
    return contact
