"""Read an activity's sign-in sheet (签到表) from Excel and match its people (DOMAIN.md rule 16).

The roster import's parts do the reading (``talents.imports``): the header found among title rows,
blank rows skipped, ID numbers as people type them, every bad row explained. ``parse_attendance``
checks each row on its own without the database; ``attendance_review`` matches the rows to talents
the user may see and to leaders, both of the organizer's subtree, so the preview lists every bad row
before anything is written. The service that writes is ``activities.services.attendance_import``.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from activities.services import participants_in_scope
from liaison.models import Leader
from talents.imports import (
    COLUMNS_BY_FIELD,
    Column,
    ParseResult,
    RowError,
    cell_text,
    choice_code,
    choice_lookup,
    data_rows,
    find_table,
    id_number_info,
    id_text,
    limited,
    person_name,
    read_cells,
    read_workbook,
    row_error,
    write_template,
)
from talents.models import Talent, WorkUnit, mask_id_number, mask_phone
from talents.validators import validate_phone

TALENT, LEADER = "talent", "leader"
ROLE_ALIASES = {
    TALENT: ("人才", "专家", "联系对象", "人才代表", "优秀人才"),
    LEADER: ("领导干部", "领导", "联系领导", "班子成员", "干部", "县级领导"),
}
ROLE_CHOICES = [(TALENT, "人才"), (LEADER, "领导干部")]
NAME = Column("name", pgettext_lazy("sign-in column", "Name"), ("姓名", "名字", "参会人员", "人员姓名"), 10, True)
ID_NUMBER = COLUMNS_BY_FIELD["id_number"]
PHONE = Column(
    "phone", pgettext_lazy("sign-in column", "Mobile number"), ("手机号", "手机号码", "手机", "联系电话", "电话"), 14
)
WORK_UNIT = Column(
    "work_unit", pgettext_lazy("sign-in column", "Work unit"), ("所在单位", "工作单位", "单位", "单位名称"), 24
)
ROLE = Column("role", pgettext_lazy("sign-in column", "Role"), ("身份", "人员类别", "类别", "参会身份", "人员类型"), 10)
COLUMNS = (NAME, ID_NUMBER, PHONE, WORK_UNIT, ROLE)
LABELS = {column.field: column.label for column in COLUMNS}
CHUNK = 5000


@dataclass
class AttendanceRow:
    """A row valid on its own, and the talent or leader the review matched it to."""

    row_number: int
    values: dict
    talent: Talent | None = None
    leader: Leader | None = None

    @property
    def role(self) -> str:
        return self.values.get("role", TALENT)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.values.get("id_number", ""))

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.values.get("phone", ""))


@dataclass
class AttendanceReview:
    """Who a sheet adds to an activity, who is there already, and the bad rows that stop it."""

    result: ParseResult
    errors: list[RowError]
    rows: list[AttendanceRow]
    talents: list[Talent] = field(default_factory=list)  # everyone matched, once each
    leaders: list[Leader] = field(default_factory=list)
    new_talents: int = 0
    new_leaders: int = 0

    @property
    def already_present(self) -> int:
        return len(self.talents) + len(self.leaders) - self.new_talents - self.new_leaders


# --- reading ----------------------------------------------------------------------------------


def parse_attendance(fileobj, *, today: datetime.date) -> ParseResult:
    """Read and check every row of a sign-in sheet, collecting all bad rows at once.

    Raise ``UnsafeWorkbook`` with a message for the user when the file as a whole cannot be used
    (not .xlsx, too large, a decompression bomb, no header); a bad row becomes a RowError.
    """
    return read_workbook(fileobj, lambda workbook: _parse(workbook, today=today))


def _parse(workbook, *, today: datetime.date) -> ParseResult:
    table = find_table(workbook, columns=COLUMNS, required=("name",))
    result = ParseResult(sheet_title=table.sheet_title, header_row=table.header_row)
    roles = choice_lookup(ROLE_CHOICES, ROLE_ALIASES)
    for row_number, cells in data_rows(table):
        values, problems = read_cells(cells, COLUMNS, lambda name, cell: _convert(name, cell, roles))
        if values.get("id_number"):
            id_number_info(values["id_number"], today=today, problems=problems, label=str(ID_NUMBER.label))
        if problems:
            result.errors.append(row_error(row_number, problems))
        else:
            result.rows.append(AttendanceRow(row_number, values))
    return result


def _convert(name: str, cell, roles: dict):
    label = str(LABELS[name])
    if name == "id_number":
        return id_text(cell.value, label=label)
    text = cell_text(cell.value)
    if name == "role":
        return choice_code(text, lookup=roles, offered=[label for _code, label in ROLE_CHOICES], label=label)
    if name == "phone":
        try:
            return validate_phone(text)
        except ValidationError:
            message = _("%(column)s “%(value)s” is neither an 11-digit mobile number nor a landline with its area code")
            raise ValidationError(message % {"column": label, "value": text}) from None
    if name == "name":
        return limited(person_name(text), label=label, max_length=Talent._meta.get_field("name").max_length)
    return limited(text, label=label, max_length=WorkUnit._meta.get_field("name").max_length)


# --- matching ---------------------------------------------------------------------------------


class Talents:
    """The talents of the organizer's subtree the user may see, by ID number, phone and name."""

    def __init__(self, rows: list[AttendanceRow], *, activity, user):
        pool, _leaders = participants_in_scope(activity)
        pool = pool.filter(pk__in=Talent.objects.visible_to(user).values("pk")).select_related("work_unit")
        self.organization = activity.organization
        self.by_id: dict[str, Talent] = {}
        self.by_phone: dict[str, list[Talent]] = defaultdict(list)
        self.by_name: dict[str, list[Talent]] = defaultdict(list)
        talent_rows = [row for row in rows if row.role == TALENT]
        ids = sorted({row.values["id_number"] for row in talent_rows if row.values.get("id_number")})
        phones = sorted({row.values["phone"] for row in talent_rows if row.values.get("phone")})
        names = sorted({row.values["name"] for row in talent_rows})
        for start in range(0, len(ids), CHUNK):
            self.by_id.update((t.id_number, t) for t in pool.with_id_numbers(ids[start : start + CHUNK]))
        for start in range(0, len(phones), CHUNK):
            for talent in pool.filter(phone__in=phones[start : start + CHUNK]):
                self.by_phone[talent.phone].append(talent)
        for start in range(0, len(names), CHUNK):
            for talent in pool.filter(name__in=names[start : start + CHUNK]):
                self.by_name[person_name(talent.name)].append(talent)

    def find(self, values: dict) -> Talent:
        """Return the talent a row names: by ID number, else phone, else name (and work unit)."""
        name, number, phone = values["name"], values.get("id_number", ""), values.get("phone", "")
        if number:
            found = [self.by_id[number]] if number in self.by_id else []
            if not found:
                # Also for a number registered outside the user's scope: say nothing of where it is.
                raise self._unknown(ID_NUMBER)
        elif phone:
            found = self.by_phone.get(phone, [])
            if not found:
                raise self._unknown(PHONE)
            if len(found) > 1:
                message = _("%(count)d talents have this %(column)s; fill in the %(id)s")
                raise ValidationError(message % {"count": len(found), "column": PHONE.label, "id": ID_NUMBER.label})
        else:
            return self._by_name(values)
        talent = found[0]
        if person_name(talent.name) != name:
            message = _("the %(column)s belongs to %(name)s, not %(value)s")
            column = ID_NUMBER.label if number else PHONE.label
            raise ValidationError(message % {"column": column, "name": talent.name, "value": name})
        return talent

    def _unknown(self, column: Column) -> ValidationError:
        message = _("no talent of %(organization)s in your talent database has this %(column)s")
        return ValidationError(message % {"organization": self.organization.name, "column": column.label})

    def _by_name(self, values: dict) -> Talent:
        name, unit = values["name"], values.get("work_unit", "")
        found = [t for t in self.by_name.get(name, ()) if not unit or t.work_unit.name == unit]
        if not found:
            message = _(
                "no talent named %(value)s%(unit)s of %(organization)s is in your talent database; "
                "if this is a leader, write %(leader)s in the %(role)s column"
            )
            raise ValidationError(message % {"value": name, "unit": f"（{unit}）" if unit else "", "leader": "领导干部",
                                             "organization": self.organization.name, "role": ROLE.label})  # fmt: skip
        if len(found) > 1:
            message = _("%(count)d talents are named %(value)s; fill in the %(id)s, the %(phone)s or the %(unit)s")
            raise ValidationError(message % {"count": len(found), "value": name, "id": ID_NUMBER.label,
                                             "phone": PHONE.label, "unit": WORK_UNIT.label})  # fmt: skip
        return found[0]


class Leaders:
    """The leaders in post in the organizer's subtree, by full name."""

    def __init__(self, *, activity):
        _talents, pool = participants_in_scope(activity)
        self.organization = activity.organization
        self.by_name: dict[str, list[Leader]] = defaultdict(list)
        for leader in pool.select_related("user"):
            self.by_name[person_name(leader.user.name)].append(leader)

    def find(self, values: dict) -> Leader:
        name = values["name"]
        found = self.by_name.get(name, [])
        if not found:
            message = _("%(value)s is not a leader in post of %(organization)s or the organizations below it")
            raise ValidationError(message % {"value": name, "organization": self.organization.name})
        if len(found) > 1:
            message = _("%(count)d leaders of %(organization)s are named %(value)s; tick the right one by hand")
            raise ValidationError(message % {"count": len(found), "organization": self.organization.name,
                                             "value": name})  # fmt: skip
        return found[0]


def attendance_review(*, result: ParseResult, activity, user) -> AttendanceReview:
    """Match every row to a talent or a leader of the organizer's subtree; count who is new.

    A person listed twice, or already ticked for the activity, is added once: importing the same
    sheet again adds nobody.
    """
    talents = Talents(result.rows, activity=activity, user=user)
    leaders = Leaders(activity=activity)
    problems: dict[int, list[str]] = defaultdict(list)
    matched_talents: dict[int, Talent] = {}
    matched_leaders: dict[int, Leader] = {}
    for row in result.rows:
        try:
            if row.role == LEADER:
                row.leader = leaders.find(row.values)
                matched_leaders.setdefault(row.leader.pk, row.leader)
            else:
                row.talent = talents.find(row.values)
                matched_talents.setdefault(row.talent.pk, row.talent)
        except ValidationError as error:
            problems[row.row_number].extend(error.messages)
    errors = sorted([*result.errors, *(row_error(n, found) for n, found in problems.items())],
                    key=lambda error: error.row_number)  # fmt: skip
    present_talents = set(activity.talents.filter(pk__in=matched_talents).values_list("pk", flat=True))
    present_leaders = set(activity.leaders.filter(pk__in=matched_leaders).values_list("pk", flat=True))
    return AttendanceReview(
        result=result,
        errors=errors,
        rows=[row for row in result.rows if row.row_number not in problems],
        talents=list(matched_talents.values()),
        leaders=list(matched_leaders.values()),
        new_talents=len(set(matched_talents) - present_talents),
        new_leaders=len(set(matched_leaders) - present_leaders),
    )


# --- the template -----------------------------------------------------------------------------

EXAMPLE = {
    "name": "王小明",
    "id_number": "11010519780512003X",
    "phone": "13800000000",
    "work_unit": "青山农业合作社",
    "role": "人才",
}


def write_attendance_template(target) -> None:
    """Write the sign-in sheet template: a title row, the header, one example row, and instructions."""
    write_template(
        target,
        title=_("Sign-in sheet"),
        heading=_(
            "Activity sign-in sheet (columns marked * are required; delete the example in row 3 before importing)"
        ),
        columns=COLUMNS,
        example=EXAMPLE,
        notes={
            "name": _("Required."),
            "id_number": _("18 characters. The surest way to find a talent; leave it empty for a leader."),
            "phone": _("Used to find a talent when there is no ID card number."),
            "work_unit": _("Tells apart talents of the same name when there is no ID card number or mobile number."),
            "role": _("%(talent)s or %(leader)s; left empty, the row is a talent. Leaders are found by name.")
            % {"talent": "人才", "leader": "领导干部"},
        },
    )
