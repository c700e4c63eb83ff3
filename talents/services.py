"""Operations on talents that views, the roster import, commands and tests share."""

import datetime

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from accounts import scoping
from accounts.fields import KeyedHashField
from accounts.models import Organization, User
from talents import hooks
from talents.imports import ParseResult, RosterRow, bad_rows_error, organization_may_import, roster_review
from talents.models import (
    Achievement,
    ExportApproval,
    ImportBatch,
    MajorEvent,
    PersonalDataAccess,
    Recommendation,
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
    if talent.id_number and Talent.objects.with_id_number(talent.id_number).exclude(pk=talent.pk).exists():
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
    """Bring an archived talent back to the active list; an anonymised one stays archived."""
    if talent.anonymised_at:
        raise ValidationError(_("An anonymised talent cannot be restored."))
    talent.status = Talent.Status.ACTIVE
    talent.save(update_fields=["status", "updated_at"])
    return talent


def personal_data_access_record(
    *, talent: Talent, user: User, purpose: str, remote_addr: str | None = None
) -> PersonalDataAccess:
    """Record that ``user`` saw ``talent``'s unmasked personal numbers."""
    return PersonalDataAccess.objects.create(talent=talent, user=user, purpose=purpose, remote_addr=remote_addr)


def major_event_report(*, talent: Talent, kind: str, date: datetime.date, description: str, user: User) -> MajorEvent:
    """Record a major event reported to the leader and the office (DOMAIN.md rule 10).

    After the commit, the registered hooks run (the must-visit tasks of ``liaison``).
    """
    event = MajorEvent.objects.create(talent=talent, kind=kind, date=date, description=description, reported_by=user)
    transaction.on_commit(lambda: hooks.major_event_reported(event))
    return event


def major_event_discharge(*, event: MajorEvent, on: datetime.date) -> MajorEvent:
    """Record the day a seriously ill talent left hospital; a second visit falls due within a week."""
    if event.kind != MajorEvent.Kind.HEALTH:
        raise ValidationError(_("Only a serious health condition has a discharge."))
    if on < event.date:
        raise ValidationError({"on": _("The discharge cannot come before the illness was reported.")})
    event.discharged_on = on
    event.save(update_fields=["discharged_on"])
    transaction.on_commit(lambda: hooks.major_event_reported(event))
    return event


def achievement_add(*, talent: Talent, date: datetime.date, title: str, description: str, user: User) -> Achievement:
    """Add an honour or work achievement to a talent's record."""
    return Achievement.objects.create(talent=talent, date=date, title=title, description=description, created_by=user)


def recommendation_add(*, talent: Talent, user: User, body: str, year: int, status: str, notes: str = ""):
    """Record a recommendation as one of the 两代表一委员 (DOMAIN.md rule 13)."""
    return Recommendation.objects.create(talent=talent, body=body, year=year, status=status, notes=notes)


@transaction.atomic
def work_unit_update(*, unit: WorkUnit, organization: Organization, name: str, address: str = "", liaison_officers=()):
    """Rename or move a work unit; its talents follow it to the new organization."""
    name = name.strip()
    if WorkUnit.objects.filter(organization=organization, name=name).exclude(pk=unit.pk).exists():
        raise ValidationError({"name": _("This organization already has a work unit with this name.")})
    unit.name, unit.organization, unit.address = name, organization, address
    unit.save()
    unit.liaison_officers.set(liaison_officers)
    unit.talents.update(organization=organization)
    return unit


def work_unit_create(*, organization: Organization, name: str, address: str = "", liaison_officers=()) -> WorkUnit:
    """Create a work unit of ``organization``; names are unique within an organization."""
    name = name.strip()
    if WorkUnit.objects.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("This organization already has a work unit with this name.")})
    unit = WorkUnit.objects.create(organization=organization, name=name, address=address)
    unit.liaison_officers.set(liaison_officers)
    return unit


IMPORT_BATCH_SIZE = 1000


@transaction.atomic
def roster_import(*, result: ParseResult, organization: Organization, user: User, batch: ImportBatch) -> ImportBatch:
    """Import a parsed roster into ``organization`` all or nothing, and record it on ``batch``.

    Refuse a roster with any bad row, a batch already done, or an organization outside the user's
    scope. Talents matched by ID number are updated in place (only the cells filled in), the others
    created; unknown work units are created under ``organization``. Bulk writes send no signals,
    so the audit log records nothing for them: ``batch`` is the record of the import.
    """
    batch = import_batch_claim(batch=batch, organization=organization, user=user)
    review = roster_review(result=result, organization=organization, user=user)
    if review.errors:
        raise bad_rows_error(review.errors)
    units = dict(review.units)
    new_units = [WorkUnit(organization=organization, name=name) for name in review.new_units]
    units.update((unit.name, unit) for unit in WorkUnit.objects.bulk_create(new_units))
    now = timezone.now()
    try:
        updated = _roster_update(review.to_update, units, now=now)
        created = [_roster_apply(Talent(), row, units[row.work_unit]) for row in review.to_create]
        Talent.objects.bulk_create(created, batch_size=IMPORT_BATCH_SIZE)
    except IntegrityError:
        # Someone registered one of these ID numbers between the review and now.
        raise ValidationError(_("The talents changed while importing; upload the roster again.")) from None
    _roster_categories(
        updated=list(zip(updated, review.to_update, strict=True)),
        created=list(zip(created, review.to_create, strict=True)),
    )
    return import_batch_finish(batch=batch, rows=len(result.rows), created=len(created), updated=len(updated), now=now)


def _roster_apply(talent: Talent, row: RosterRow, unit: WorkUnit) -> Talent:
    # The derived fields talent_fill_derived sets, without its query for the work unit.
    for name, value in row.values.items():
        setattr(talent, name, value)
    talent.name = row.name
    talent.name_initials, talent.name_pinyin = pinyin_keys(row.name)
    talent.work_unit, talent.organization_id = unit, unit.organization_id
    return talent


def _roster_update(rows: list[RosterRow], units: dict, *, now) -> list[Talent]:
    numbers = [row.id_number for row in rows]
    existing = {}
    for start in range(0, len(numbers), IMPORT_BATCH_SIZE):
        chunk = numbers[start : start + IMPORT_BATCH_SIZE]
        existing.update((t.id_number, t) for t in Talent.objects.with_id_numbers(chunk))
    fields = {"name", "name_initials", "name_pinyin", "work_unit", "organization", "updated_at", "id_number_hash"}
    talents = []
    for row in rows:
        talent = _roster_apply(existing[row.id_number], row, units[row.work_unit])
        talent.updated_at = now
        fields.update(row.values)
        talents.append(talent)
    if talents:
        _talents_update(talents, sorted(fields))
    return talents


def _talents_update(talents: list[Talent], fields: list[str]) -> None:
    # bulk_update builds a CASE per field with a WHEN per row: 30 s for 10,000 talents, in Python.
    # One UPDATE executed for every row takes about 3 s, with the values prepared as save() does
    # (the ID number's keyed hash is computed, the encrypted fields encrypt in get_db_prep_save).
    columns = [Talent._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(Talent._meta.db_table)} SET {assignments} WHERE {quote(Talent._meta.pk.column)} = %s"  # noqa: S608
    value = lambda t, c: c.pre_save(t, False) if isinstance(c, KeyedHashField) else getattr(t, c.attname)  # noqa: E731
    params = [[c.get_db_prep_save(value(t, c), connection) for c in columns] + [t.pk] for t in talents]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _roster_categories(*, updated: list, created: list) -> None:
    """Replace the categories of updated talents that name some, and set those of created talents."""
    links = Talent.categories.through
    replaced = [talent.pk for talent, row in updated if row.category_ids is not None]
    for start in range(0, len(replaced), IMPORT_BATCH_SIZE):
        links.objects.filter(talent_id__in=replaced[start : start + IMPORT_BATCH_SIZE]).delete()
    new_links = [
        links(talent_id=talent.pk, talentcategory_id=category_id)
        for talent, row in [*updated, *created]
        for category_id in row.category_ids or ()
    ]
    links.objects.bulk_create(new_links, batch_size=IMPORT_BATCH_SIZE)


def import_batch_create(
    *, organization: Organization, kind: str, file, user: User, result: ParseResult, rejected: bool
) -> ImportBatch:
    """Record an uploaded import file and its row count; a file with bad rows is kept only to show them."""
    return ImportBatch.objects.create(
        kind=kind,
        organization=organization,
        file=file,
        original_name=file.name[:255],
        uploaded_by=user,
        row_count=len(result.rows) + len(result.errors),
        status=ImportBatch.Status.REJECTED if rejected else ImportBatch.Status.PENDING,
    )


def import_batch_claim(*, batch: ImportBatch, organization: Organization, user: User) -> ImportBatch:
    """Lock a batch awaiting confirmation for the import running in this transaction.

    Refuse a batch already imported or rejected, and an organization outside the user's scope. The
    row lock makes a second click on "confirm" wait, then find the batch done: it imports once.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PENDING:
        raise ValidationError(_("This file has already been imported or was rejected."))
    if not organization_may_import(organization=organization, user=user):
        raise ValidationError(_("You may not import into this organization."))
    return batch


def import_batch_finish(*, batch: ImportBatch, rows: int, created: int, updated: int = 0, now) -> ImportBatch:
    """Mark a claimed batch done with what it wrote; bulk writes send no signals, so this is their record."""
    batch.row_count, batch.created_count, batch.updated_count = rows, created, updated
    batch.status, batch.finished_at = ImportBatch.Status.DONE, now
    batch.save(update_fields=["row_count", "created_count", "updated_count", "status", "finished_at"])
    return batch


def import_files_purge(*, before: datetime.datetime) -> int:
    """Delete the uploaded Excel files of batches created before ``before``; return how many.

    A roster or sign-in sheet holds whole ID and phone numbers; once imported (or abandoned at the
    preview) the rows live in the database, so the file is kept only for a short review period. The
    batch row stays as the record of the import (issue 9: personal data at rest).
    """
    batches = list(ImportBatch.objects.filter(created_at__lt=before).exclude(file="").only("pk", "file"))
    files = [batch.file.name for batch in batches]
    ImportBatch.objects.filter(pk__in=[batch.pk for batch in batches]).update(file="")
    storage = ImportBatch._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return len(files)


# --- Personal data: anonymisation and the four-eyes unmasked export ------------------------------

# Replaced by neutral values when a talent is anonymised; what the statistics count (categories, level,
# organization, work unit, gender, education and the like) stays.
ANONYMISED_FIELDS = (
    "name",
    "id_number",
    "phone",
    "email",
    "address",
    "notes",
    "birth_date",
    "post",
    "professional_title",
)


@transaction.atomic
def talent_anonymise(*, talent: Talent, now: datetime.datetime) -> Talent:
    """Archive a talent who has left and erase what identifies them (个人信息保护法, issue 9 item 5).

    The name becomes ``已注销人才#<pk>``; ID number (and its hash), phone, e-mail, address, notes, birth
    date, post and title are emptied, and so are the descriptions of the major events. Categories,
    level, organization, gender and every related row (pairings, contacts, appeals, visits) stay, so
    the yearly report and the compliance figures do not change. The change history keeps who changed
    which field when, but no longer the values.
    """
    talent.name = _("Deregistered talent #%(pk)d") % {"pk": talent.pk}
    talent.name_initials, talent.name_pinyin = pinyin_keys(talent.name)
    talent.id_number = talent.phone = talent.email = talent.address = talent.notes = ""
    talent.post = talent.professional_title = ""
    talent.birth_date = None
    talent.status = Talent.Status.ARCHIVED
    talent.anonymised_at = now
    talent.save()
    talent.major_events.update(description=_("(removed when the talent was anonymised)"))
    _scrub_history(talent)
    return talent


def _scrub_history(talent: Talent) -> None:
    """Replace the old and new values of the anonymised fields in the talent's change history."""
    entries = list(LogEntry.objects.get_for_object(talent))
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for name in ANONYMISED_FIELDS:
            if isinstance(changes.get(name), list):
                changes[name] = ["******" if value not in (None, "", "None") else value for value in changes[name]]
        entry.changes, entry.object_repr, entry.serialized_data = changes, talent.name, None
    LogEntry.objects.bulk_update(entries, ["changes", "object_repr", "serialized_data"])


def export_approval_request(*, user: User, organization: Organization, reason: str, query: str) -> ExportApproval:
    """Ask another staff member to approve an unmasked export of the talent list filtered by ``query``."""
    if not scoping.is_staff_over(user, organization):
        raise ValidationError({"organization": _("You are not office staff of this organization.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the whole numbers are needed.")})
    return ExportApproval.objects.create(
        requested_by=user, organization=organization, reason=reason.strip(), query=query[:1000]
    )


def export_approval_decide(*, approval: ExportApproval, user: User, approve: bool, now) -> ExportApproval:
    """Approve or reject a pending request as a second staff member of its organization or one above.

    The requester never decides their own request. Decided with a compare-and-set on the status, so
    two approvers acting at once decide it once; an approval is good for ``ExportApproval.VALID_FOR``.
    """
    if approval.requested_by_id == user.pk:
        raise ValidationError(_("Another staff member must decide on your own request."))
    if not scoping.is_staff_over(user, approval.organization):
        raise ValidationError(_("You are not office staff of this organization."))
    status = ExportApproval.Status.APPROVED if approve else ExportApproval.Status.REJECTED
    expires = now + ExportApproval.VALID_FOR if approve else None
    pending = ExportApproval.objects.filter(pk=approval.pk, status=ExportApproval.Status.PENDING)
    if pending.update(status=status, decided_by=user, decided_at=now, expires_at=expires) != 1:
        raise ValidationError(_("This request has already been decided."))
    approval.refresh_from_db()
    return approval


def export_approval_use(*, approval: ExportApproval, user: User, now) -> ExportApproval:
    """Claim an approved request for its one download, by the requester, before it expires.

    Run it in the transaction that builds the workbook: a failed build gives the download back.
    """
    if approval.requested_by_id != user.pk:
        raise ValidationError(_("Only the staff member who asked may download this export."))
    usable = ExportApproval.objects.filter(pk=approval.pk, status=ExportApproval.Status.APPROVED, expires_at__gt=now)
    if usable.update(status=ExportApproval.Status.USED, downloaded_at=now) != 1:
        raise ValidationError(_("This approval has expired, was not given, or has already been used."))
    approval.refresh_from_db()
    return approval
