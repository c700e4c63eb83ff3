"""Operations of the liaison work: terms, pairings, handovers, contacts (DOMAIN.md rules 2-8).

Views, imports, tasks, commands and tests call these; none of them writes these rows itself.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from liaison import workdays, workflow
from liaison.models import (
    Appeal,
    AppealCategory,
    AppealEvent,
    ContactLog,
    ContactMethod,
    ContactPhoto,
    Leader,
    Pairing,
    Term,
    VisitTask,
)
from talents.imports import ParseResult, bad_rows_error
from talents.models import ImportBatch, MajorEvent, Talent
from talents.services import IMPORT_BATCH_SIZE, import_batch_claim, import_batch_finish

TERM_YEARS = 2


def term_default_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the start and end of a two-year term beginning this year (rule 8: 原则上每两年)."""
    return datetime.date(today.year, 1, 1), datetime.date(today.year + TERM_YEARS - 1, 12, 31)


def leader_create(*, user: User, organization: Organization, post: str, portfolio: str = "") -> Leader:
    """Register a user as a leader of ``organization``."""
    if Leader.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This user is already registered as a leader.")})
    return Leader.objects.create(user=user, organization=organization, post=post, portfolio=portfolio)


def _check_capacity(*, term: Term, leader: Leader, adding: int = 1, pending: int = 0) -> None:
    """Refuse more active pairings than the term allows a leader (rule 2: a setting of the term).

    ``pending`` pairings of the leader are about to be made before these (earlier rows of an import).
    """
    if term.max_talents_per_leader is None:
        return
    # A leader an import is about to register has no pairings yet.
    active = Pairing.objects.filter(term=term, leader=leader, end__isnull=True).count() if leader.pk else 0
    active += pending
    if active + adding > term.max_talents_per_leader:
        raise ValidationError(
            _("%(leader)s already has %(count)d talents in this term; the term allows at most %(max)d.")
            % {"leader": leader, "count": active, "max": term.max_talents_per_leader}
        )


@transaction.atomic
def pairing_create(
    *, term: Term, leader: Leader, talent: Talent, on: datetime.date, previous: Pairing | None = None
) -> Pairing:
    """Pair a leader with a talent in a term, from ``on``, if ``pairing_check`` finds no rule broken."""
    # Lock the leader so two staff pairing at once cannot both pass the capacity check.
    Leader.objects.select_for_update().filter(pk=leader.pk).first()
    pairing_check(term=term, leader=leader, talent=talent, on=on)
    return Pairing.objects.create(term=term, leader=leader, talent=talent, start=on, previous=previous)


def pairing_check(*, term: Term, leader: Leader, talent: Talent, on: datetime.date, pending: int = 0) -> None:
    """Refuse a pairing that breaks a rule, with a message naming it (rule 2).

    One active pairing per leader, talent and term; the term's maximum per leader holds; the date
    lies inside the term; an archived talent is not paired. ``pending`` as in ``_check_capacity``.
    """
    if not term.start <= on <= term.end:
        raise ValidationError({"start": _("The start date must lie inside the term.")})
    if talent.status == Talent.Status.ARCHIVED:
        raise ValidationError({"talent": _("An archived talent cannot be paired.")})
    if not leader.is_active:
        raise ValidationError({"leader": _("This leader is no longer in post.")})
    if leader.pk and Pairing.objects.filter(term=term, leader=leader, talent=talent, end__isnull=True).exists():
        raise ValidationError(_("%(leader)s is already paired with %(talent)s in this term.") % {
            "leader": leader, "talent": talent})  # fmt: skip
    _check_capacity(term=term, leader=leader, pending=pending)


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
    leader who made them, so that leader keeps reading what they logged. Open visit tasks move to
    the successor's pairing; appeals belong to the talent, so the successor sees them at once.
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
        successor_pairing = Pairing.objects.create(
            term=pairing.term, leader=successor, talent_id=pairing.talent_id, start=on, previous=pairing
        )
        # The visits still due go to the successor with the pairing.
        pairing.visit_tasks.filter(done_at__isnull=True).update(pairing=successor_pairing, leader=successor)
        new.append(successor_pairing)
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
    contact_check(pairing=pairing, date=date, today=today)
    by_leader = pairing.leader.user_id == user.pk
    contact = ContactLog.objects.create(
        pairing=pairing, leader_id=pairing.leader_id, talent_id=pairing.talent_id, date=date, method=method,
        summary=summary, opinions=opinions, initiated_by=initiated_by, place=place, created_by=user,
        confirmed_at=timezone.now() if by_leader else None,
    )  # fmt: skip
    contact.topics.set(topics)
    ContactPhoto.objects.bulk_create([ContactPhoto(contact=contact, image=photo) for photo in photos])
    if not contact.is_pending:
        visit_tasks_complete(contact=contact)
    return contact


def visit_tasks_complete(*, contact: ContactLog) -> int:
    """A confirmed visit completes the leader's open visit tasks for the talent whose window it is in."""
    if not contact.method.is_visit or contact.is_pending:
        return 0
    tasks = VisitTask.objects.filter(leader_id=contact.leader_id, talent_id=contact.talent_id)
    return tasks.complete_by_visits(contacts=[contact.pk])


def contact_check(*, pairing: Pairing, date: datetime.date, today: datetime.date) -> None:
    """Refuse a contact dated in the future or outside the dates of its pairing."""
    if date > today:
        raise ValidationError({"date": _("A contact cannot be in the future.")})
    if date < pairing.start or (pairing.end and date > pairing.end):
        raise ValidationError({"date": _("The date lies outside the pairing (%(start)s to %(end)s).") % {
            "start": pairing.start, "end": pairing.end or _("now")}})  # fmt: skip


def contact_confirm(*, contact: ContactLog, user: User) -> ContactLog:
    """Confirm a contact logged on the leader's behalf; only that leader may, and only once."""
    if contact.leader.user_id != user.pk:
        raise ValidationError(_("Only the leader of this contact can confirm it."))
    updated = ContactLog.objects.filter(pk=contact.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    contact.refresh_from_db(fields=["confirmed_at"])
    if not updated:
        raise ValidationError(_("This contact has already been confirmed."))
    visit_tasks_complete(contact=contact)
    return contact


# --- The talent appeal ledger (人才诉求台账, DOMAIN.md rules 7 and 12) --------------------------


def appeal_default_deadline(*, category: AppealCategory, urgency: str, today: datetime.date) -> datetime.date:
    """Return the deadline from the category's time limit in working days; an urgent one is shorter."""
    days = category.urgent_time_limit_days if urgency == Appeal.Urgency.URGENT else category.time_limit_days
    return workdays.add_working_days(today, days)


def _appeal_event(appeal: Appeal, *, action: str, user: User, note: str = "", start: str = "", end: str = ""):
    return AppealEvent.objects.create(
        appeal=appeal, action=action, actor=user, note=note.strip(), from_status=start, to_status=end
    )


def _appeal_save(appeal: Appeal, *, version: int, **changes) -> None:
    """Write ``changes`` only if nobody saved the appeal since ``version`` was read, and bump the version.

    A compare-and-set rather than a lock held while the user types: the second of two people
    editing at once is refused and nothing the first wrote is lost.
    """
    updated = Appeal.objects.filter(pk=appeal.pk, version=version).update(
        **changes, version=version + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError(
            _("Someone else changed this appeal while you were working on it. Its current state is shown: "
              "check it, then submit again."),
            code="stale",
        )  # fmt: skip
    for field, value in changes.items():
        setattr(appeal, field, value)
    appeal.version = version + 1


def _appeal_step(appeal: Appeal, user: User, name: str):
    """Check that ``user`` may take the step ``name`` on ``appeal`` now, and return it."""
    action = workflow.ACTIONS[name]
    workflow.check(action, appeal, workflow.relations(user, appeal))
    return action


@transaction.atomic
def appeal_register(
    *,
    talent: Talent,
    user: User,
    category: AppealCategory,
    description: str,
    source: str,
    received_on: datetime.date,
    urgency: str = Appeal.Urgency.NORMAL,
    measures: str = "",
    contact: ContactLog | None = None,
    major_event: MajorEvent | None = None,
    today: datetime.date,
) -> Appeal:
    """Register a talent's appeal in the ledger (已登记).

    Staff above the talent, its unit's liaison officer and its paired leader may; so may the leader
    of a contact, for what was heard in it. The appeal keeps the talent's organization.
    """
    relations = workflow.talent_relations(user, talent)
    if not (relations & workflow.REGISTER_ROLES or (contact is not None and contact.leader.user_id == user.pk)):
        raise PermissionDenied
    if talent.is_archived:
        raise ValidationError(_("%(name)s is archived: no new appeals are registered.") % {"name": talent.name})
    errors = {}
    if received_on > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    if not description.strip():
        errors["description"] = _("Describe what the talent asks for.")
    if (contact is not None and contact.talent_id != talent.pk) or (
        major_event is not None and major_event.talent_id != talent.pk
    ):
        errors[NON_FIELD_ERRORS] = _("The contact or event belongs to another talent.")
    if (source == Appeal.Source.CONTACT) != (contact is not None):
        errors["source"] = _("An appeal heard during a contact is raised from that contact.")
    if (source == Appeal.Source.MAJOR_EVENT) != (major_event is not None):
        errors["source"] = _("An appeal from a major event is raised from that event.")
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        talent=talent, organization_id=talent.organization_id, category=category, description=description.strip(),
        source=source, urgency=urgency, received_on=received_on, measures=measures.strip(), contact=contact,
        major_event=major_event, created_by=user,
    )  # fmt: skip
    _appeal_event(appeal, action=AppealEvent.Action.REGISTER, user=user, end=Appeal.Status.REGISTERED)
    return appeal


@transaction.atomic
def appeal_assign(
    *,
    appeal: Appeal,
    user: User,
    version: int,
    lead_unit: str,
    handler: User,
    deadline: datetime.date | None = None,
    co_units: str = "",
    co_handlers=(),
    measures: str = "",
    note: str = "",
    today: datetime.date,
) -> Appeal:
    """Assign a registered appeal (已交办): the lead unit, the handler, co-handlers and the deadline.

    Staff only. Without a deadline, the category's time limit in working days from ``today``.
    """
    action = _appeal_step(appeal, user, "assign")
    deadline = deadline or appeal_default_deadline(category=appeal.category, urgency=appeal.urgency, today=today)
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if not lead_unit.strip():
        raise ValidationError({"lead_unit": _("Name the lead handling unit.")})
    _appeal_save(
        appeal, version=version, status=action.target, lead_unit=lead_unit.strip(), handler=handler,
        co_units=co_units.strip(), deadline=deadline, measures=measures.strip(),
    )  # fmt: skip
    appeal.co_handlers.set(co_handlers)
    summary = _("Lead unit: %(unit)s; handler: %(handler)s; deadline: %(deadline)s.") % {
        "unit": appeal.lead_unit, "handler": handler, "deadline": f"{deadline:%Y-%m-%d}"}  # fmt: skip
    _appeal_event(appeal, action=AppealEvent.Action.ASSIGN, user=user, note=f"{summary}\n{note}",
                  start=action.sources[0], end=action.target)  # fmt: skip
    return appeal


@transaction.atomic
def appeal_start(*, appeal: Appeal, user: User, version: int, note: str = "") -> Appeal:
    """Start handling an assigned appeal (办理中): its handler, or staff."""
    action = _appeal_step(appeal, user, "start")
    start = appeal.status
    _appeal_save(appeal, version=version, status=action.target)
    _appeal_event(appeal, action=AppealEvent.Action.START, user=user, note=note, start=start, end=action.target)
    return appeal


@transaction.atomic
def appeal_add_progress(*, appeal: Appeal, user: User, note: str) -> AppealEvent:
    """Add a progress note, by the handler, a co-handler or staff; the status stays.

    Notes change nothing another person could overwrite, so they take no version: the row is
    locked only to read a status nobody is changing at the same moment.
    """
    appeal.status = Appeal.objects.select_for_update().values_list("status", flat=True).get(pk=appeal.pk)
    _appeal_step(appeal, user, "progress")
    if not note.strip():
        raise ValidationError({"note": _("Write what has been done.")})
    return _appeal_event(appeal, action=AppealEvent.Action.PROGRESS, user=user, note=note)


@transaction.atomic
def appeal_resolve(
    *, appeal: Appeal, user: User, version: int, result: str, note: str = "", today: datetime.date
) -> Appeal:
    """Resolve an appeal in progress (已办结) with its result: the handler, or staff."""
    action = _appeal_step(appeal, user, "resolve")
    if not result.strip():
        raise ValidationError({"result": _("Write the result of the handling.")})
    _appeal_save(appeal, version=version, status=action.target, result=result.strip(), resolved_on=today)
    # The result goes on the timeline too: a second round replaces it on the appeal.
    _appeal_event(appeal, action=AppealEvent.Action.RESOLVE, user=user, note=f"{appeal.result}\n{note}",
                  start=action.sources[0], end=action.target)  # fmt: skip
    return appeal


@transaction.atomic
def appeal_follow_up(
    *, appeal: Appeal, user: User, version: int, satisfaction: str, note: str = "", today: datetime.date
) -> Appeal:
    """Record the talent's satisfaction after a resolved appeal (已回访).

    Staff, the unit's liaison officer or the paired leader call the talent. "Unsatisfied" reopens
    the appeal for another round: back to assigned, same handler, a new deadline from ``today``,
    and in the end a second follow-up.
    """
    action = _appeal_step(appeal, user, "follow_up")
    if satisfaction not in Appeal.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the talent is.")})
    label = Appeal.Satisfaction(satisfaction).label
    followed = _("Satisfaction: %(label)s.") % {"label": label} + f"\n{note}"
    if satisfaction != Appeal.Satisfaction.UNSATISFIED:
        _appeal_save(appeal, version=version, status=action.target, satisfaction=satisfaction)
        _appeal_event(appeal, action=AppealEvent.Action.FOLLOW_UP, user=user, note=followed,
                      start=Appeal.Status.RESOLVED, end=action.target)  # fmt: skip
        return appeal
    deadline = appeal_default_deadline(category=appeal.category, urgency=appeal.urgency, today=today)
    _appeal_save(
        appeal, version=version, status=Appeal.Status.ASSIGNED, round=appeal.round + 1, satisfaction="",
        result="", resolved_on=None, deadline=deadline,
    )  # fmt: skip
    _appeal_event(appeal, action=AppealEvent.Action.FOLLOW_UP, user=user, note=followed,
                  start=Appeal.Status.RESOLVED, end=Appeal.Status.FOLLOWED_UP)  # fmt: skip
    reopened = _("Round %(round)d, new deadline %(deadline)s.") % {
        "round": appeal.round, "deadline": f"{deadline:%Y-%m-%d}"}  # fmt: skip
    _appeal_event(appeal, action=AppealEvent.Action.REOPEN, user=user, note=reopened,
                  start=Appeal.Status.FOLLOWED_UP, end=Appeal.Status.ASSIGNED)  # fmt: skip
    return appeal


@transaction.atomic
def appeal_close(*, appeal: Appeal, user: User, version: int, note: str = "", today: datetime.date) -> Appeal:
    """Close (销号) an appeal followed up as satisfied or basically satisfied: staff only."""
    action = _appeal_step(appeal, user, "close")
    if appeal.satisfaction not in (Appeal.Satisfaction.SATISFIED, Appeal.Satisfaction.BASIC):
        raise ValidationError(_("Only an appeal the talent is satisfied with can be closed."))
    _appeal_save(appeal, version=version, status=action.target, closed_on=today)
    _appeal_event(appeal, action=AppealEvent.Action.CLOSE, user=user, note=note, start=action.sources[0],
                  end=action.target)  # fmt: skip
    return appeal


APPEAL_EDITABLE_FIELDS = ("category", "description", "urgency", "received_on", "measures", "co_units")


@transaction.atomic
def appeal_update(*, appeal: Appeal, user: User, version: int, today: datetime.date, **fields) -> Appeal:
    """Edit an open appeal's description, category, urgency, date, measures or co-handling units.

    Staff and the unit's liaison officer keep the ledger (rule 7); the timeline names what changed.
    """
    _appeal_step(appeal, user, "edit")
    unknown = set(fields) - set(APPEAL_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    if "received_on" in fields and fields["received_on"] > today:
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if "description" in fields and not fields["description"].strip():
        raise ValidationError({"description": _("Describe what the talent asks for.")})
    changes = {name: value for name, value in fields.items() if getattr(appeal, name) != value}
    if not changes:
        return appeal
    _appeal_save(appeal, version=version, **changes)
    labels = {"category": _("Appeal category"), "description": _("Appeal details")}
    changed = "、".join(str(labels.get(name) or Appeal._meta.get_field(name).verbose_name) for name in changes)
    note = _("Changed: %(fields)s.") % {"fields": changed}
    _appeal_event(appeal, action=AppealEvent.Action.EDIT, user=user, note=note)
    return appeal


# --- Imports of pairings and of the contact ledgers of past years -------------------------------


@transaction.atomic
def pairings_import(*, result: ParseResult, term: Term, user: User, batch: ImportBatch) -> ImportBatch:
    """Import parsed pairings into ``term`` all or nothing, and record them on ``batch``.

    Refuse a file with any bad row (``pairings_review`` checks each with ``pairing_check``), a batch
    not awaiting confirmation, or a term outside the user's scope. Users with the leader role the
    file names who are not leaders yet are registered first, with the post of their first row.
    """
    from liaison.imports import pairings_review  # here, not above: liaison.imports uses this module's rules

    batch = import_batch_claim(batch=batch, organization=term.organization, user=user)
    # Lock the term's leaders, as pairing_create does, so no pairing made meanwhile breaks the maximum.
    list(Leader.objects.select_for_update().filter(organization__path__startswith=term.organization.path))
    review = pairings_review(result=result, term=term, user=user)
    if review.errors:
        raise bad_rows_error(review.errors)
    try:
        Leader.objects.bulk_create(review.new_leaders)
        pairings = Pairing.objects.bulk_create(
            [
                Pairing(term=term, leader=row.leader, talent=row.talent, start=row.values.get("start", term.start))
                for row in review.rows
            ],
            batch_size=IMPORT_BATCH_SIZE,
        )
    except IntegrityError:
        # A leader registered or a talent paired between the review and now.
        raise ValidationError(_("The pairings changed while importing; upload the file again.")) from None
    return import_batch_finish(batch=batch, rows=len(result.rows), created=len(pairings), now=timezone.now())


@transaction.atomic
def contacts_import(
    *, result: ParseResult, organization: Organization, user: User, batch: ImportBatch, today: datetime.date
) -> ImportBatch:
    """Import the contacts of a past years' ledger all or nothing, and record them on ``batch``.

    Every contact keeps the leader of its pairing and the date of its row. None is credited to the
    importer: ``created_by`` stays empty and ``import_batch`` says where it came from. They count as
    confirmed, the paper ledger being the leaders' own record (rule 3 counts them).
    """
    from liaison.imports import contacts_review  # here, not above: liaison.imports uses this module's rules

    batch = import_batch_claim(batch=batch, organization=organization, user=user)
    review = contacts_review(result=result, organization=organization, user=user, today=today)
    if review.errors:
        raise bad_rows_error(review.errors)
    now = timezone.now()
    contacts = ContactLog.objects.bulk_create(
        [_imported_contact(row.pairing, row.values, batch=batch, now=now) for row in review.rows],
        batch_size=IMPORT_BATCH_SIZE,
    )
    links = ContactLog.topics.through
    links.objects.bulk_create(
        [
            links(contactlog_id=contact.pk, contacttopic_id=topic_id)
            for contact, row in zip(contacts, review.rows, strict=True)
            for topic_id in row.values.get("topics", ())
        ],
        batch_size=IMPORT_BATCH_SIZE,
    )
    return import_batch_finish(batch=batch, rows=len(result.rows), created=len(contacts), now=now)


def _imported_contact(pairing: Pairing, values: dict, *, batch: ImportBatch, now) -> ContactLog:
    return ContactLog(
        pairing=pairing, leader_id=pairing.leader_id, talent_id=pairing.talent_id, date=values["date"],
        method=values["method"], summary=values["summary"], opinions=values.get("opinions", ""),
        initiated_by=values.get("initiated_by", ContactLog.Initiator.LEADER), place=values.get("place", ""),
        created_by=None, confirmed_at=now, import_batch=batch,
    )  # fmt: skip
