"""Read leaders' pairings and historical contact logs (last year's paper ledger) from Excel.

The roster import's parts do the reading (``talents.imports``): the header found among title rows by
its aliases, blank rows skipped, dates and ID numbers as people type them, every bad row explained.
``parse_pairings`` and ``parse_contacts`` check each row on its own and touch the database only for
the reference lists they are given; ``pairings_review`` and ``contacts_review`` match names to
leaders, talents and pairings and apply the rules of ``liaison.services`` to every row, so a preview
lists every bad row before anything is written. The services that write are
``liaison.services.pairings_import`` and ``contacts_import``.
"""

import dataclasses
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import Membership, Role, User
from liaison.models import ContactLog, ContactMethod, ContactTopic, Leader, Pairing
from liaison.services import contact_check, pairing_check
from talents.imports import (
    COLUMNS_BY_FIELD,
    Column,
    ParseResult,
    RowError,
    cell_date,
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
    squeeze,
    write_template,
)
from talents.models import Talent, WorkUnit, mask_id_number

LEADER = Column(
    "leader",
    pgettext_lazy("import column", "Leader"),
    ("联系领导", "领导", "领导姓名", "联系领导姓名", "结对领导", "班子成员", "联系领导干部"),
    10,
    required=True,
)
LEADER_ACCOUNT = Column(
    "leader_username",
    pgettext_lazy("import column", "Leader's account"),
    ("领导账号", "账号", "用户名", "登录账号", "领导用户名"),
    14,
)
TALENT = Column(
    "talent",
    pgettext_lazy("import column", "Paired talent"),
    ("联系人才", "人才", "人才姓名", "联系对象", "结对人才", "联系对象姓名"),
    10,
    required=True,
)
ID_NUMBER = COLUMNS_BY_FIELD["id_number"]
WORK_UNIT = dataclasses.replace(COLUMNS_BY_FIELD["work_unit"], required=False)
PAIRING_COLUMNS = (
    LEADER,
    LEADER_ACCOUNT,
    Column("post", pgettext_lazy("import column", "Leader's post"), ("职务", "领导职务", "现任职务", "职位"), 16),
    Column("portfolio", pgettext_lazy("import column", "Portfolio"), ("分管领域", "分管工作", "分管", "分管范围"), 20),
    TALENT,
    ID_NUMBER,
    WORK_UNIT,
    Column("start", pgettext_lazy("import column", "Start date"), ("开始日期", "结对日期", "结对时间", "起始日期"), 12),
)
CONTACT_COLUMNS = (
    Column(
        "date",
        pgettext_lazy("import column", "Contact date"),
        ("联系日期", "日期", "联系时间", "时间", "走访日期"),
        12,
        required=True,
    ),
    LEADER,
    LEADER_ACCOUNT,
    TALENT,
    ID_NUMBER,
    WORK_UNIT,
    Column("method", pgettext_lazy("import column", "Contact method"), ("联系方式", "方式", "联系形式"), 12, True),
    Column("topics", pgettext_lazy("import column", "Contact content"), ("联系内容", "内容", "联系事项"), 20),
    Column(
        "summary",
        pgettext_lazy("import column", "What happened"),
        ("联系情况", "情况", "主要情况", "联系情况摘要", "交流情况", "谈话内容"),
        40,
        required=True,
    ),
    Column(
        "opinions",
        pgettext_lazy("import column", "Opinions and suggestions"),
        ("意见建议", "意见和建议", "意见及建议", "收集意见建议", "收集的意见建议"),
        30,
    ),
    Column("initiated_by", pgettext_lazy("import column", "Initiated by"), ("发起方", "发起人", "主动方"), 8),
    Column("place", pgettext_lazy("import column", "Place"), ("地点", "联系地点", "走访地点"), 16),
)
LABELS = {column.field: column.label for column in (*PAIRING_COLUMNS, *CONTACT_COLUMNS)}
# The database column each text cell goes to, for its length limit.
TEXT_FIELDS = {
    "leader": User._meta.get_field("name"),
    "leader_username": User._meta.get_field("username"),
    "post": Leader._meta.get_field("post"),
    "portfolio": Leader._meta.get_field("portfolio"),
    "talent": Talent._meta.get_field("name"),
    "work_unit": WorkUnit._meta.get_field("name"),
    "place": ContactLog._meta.get_field("place"),
}
# How paper ledgers write the contact methods of the reference list (DOMAIN.md rule 4), by code.
METHOD_ALIASES = {
    "talk": ("面谈", "面对面", "当面交流", "谈心谈话", "谈话", "面对面交谈"),
    "appointment": ("约谈", "双向约谈"),
    "visit": ("走访", "慰问", "走访慰问", "上门走访", "看望"),
    "phone": ("电话", "电话联系", "打电话", "通话"),
    "email": ("邮件", "电子邮件", "email", "e-mail"),
    "letter": ("书信", "信件", "书信往来", "来信"),
    "inspection_visit": ("顺访", "调研顺访", "下村检查", "调研", "检查顺访"),
    "symposium": ("座谈", "座谈会"),
    "gathering": ("团拜", "团拜会"),
    "wechat": ("微信", "qq", "微信群", "qq群", "微信/qq"),
}
# Words that name a topic of the reference list (DOMAIN.md rule 5), by code, wherever they stand.
TOPIC_KEYWORDS = {
    "guidance": ("思想", "引导", "政策"),
    "opinions": ("意见", "建议"),
    "service": ("服务", "平台", "困难", "帮扶"),
}
INITIATOR_ALIASES = {
    ContactLog.Initiator.LEADER: ("领导", "领导主动", "联系领导", "班子成员"),
    ContactLog.Initiator.TALENT: ("人才", "人才主动", "人才反映", "联系人才"),
}
# Cells whose line breaks are kept: the rest is read as one line.
MULTILINE = ("summary", "opinions")


@dataclass
class ImportRow:
    """A row whose cells are valid on their own: the values by field, and what the review matched."""

    row_number: int
    values: dict
    leader: Leader | None = None
    talent: Talent | None = None
    pairing: Pairing | None = None

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.values.get("id_number", ""))


@dataclass
class Review:
    """What an import of ``result`` would write for one user, and the bad rows that stop it."""

    result: ParseResult
    errors: list[RowError]
    rows: list[ImportRow]
    new_leaders: list[Leader] = field(default_factory=list)  # unsaved: the import registers them


# --- reading ----------------------------------------------------------------------------------


def parse_pairings(fileobj, *, today: datetime.date) -> ParseResult:
    """Read and check every row of a pairings workbook, collecting all bad rows at once.

    Raise ``UnsafeWorkbook`` when the file as a whole cannot be used; a bad row becomes a RowError.
    """
    convert = _converter(today=today)
    return read_workbook(fileobj, lambda workbook: _parse(workbook, PAIRING_COLUMNS, convert, today=today))


def read_contacts(fileobj, *, today: datetime.date) -> ParseResult:
    """Parse a contact ledger against the contact methods and topics in the database."""
    return parse_contacts(fileobj, methods=ContactMethod.objects.all(), topics=ContactTopic.objects.all(), today=today)


def parse_contacts(fileobj, *, methods, topics, today: datetime.date) -> ParseResult:
    """Read and check every row of a contact ledger, collecting all bad rows at once.

    ``methods`` and ``topics`` are the ContactMethod and ContactTopic rows a cell may name. A method
    no longer offered is still accepted: the ledger records what was done back then.
    """
    convert = _converter(today=today, methods=list(methods), topics=list(topics))
    return read_workbook(fileobj, lambda workbook: _parse(workbook, CONTACT_COLUMNS, convert, today=today))


def _parse(workbook, columns: tuple[Column, ...], convert, *, today: datetime.date) -> ParseResult:
    required = tuple(column.field for column in columns if column.required)
    table = find_table(workbook, columns=columns, required=required)
    result = ParseResult(sheet_title=table.sheet_title, header_row=table.header_row)
    for row_number, cells in data_rows(table):
        values, problems = read_cells(cells, columns, convert)
        if values.get("id_number"):
            id_number_info(values["id_number"], today=today, problems=problems, label=str(ID_NUMBER.label))
        if problems:
            result.errors.append(row_error(row_number, problems))
        else:
            result.rows.append(ImportRow(row_number, values))
    return result


def _converter(*, today: datetime.date, methods=(), topics=()):
    method_by_code = {method.code: method for method in methods}
    method_codes = choice_lookup(
        [(method.code, method.name) for method in methods],
        {code: spellings for code, spellings in METHOD_ALIASES.items() if code in method_by_code},
    )
    initiators = choice_lookup(ContactLog.Initiator.choices, INITIATOR_ALIASES)

    def convert(name: str, cell):
        label = str(LABELS[name])
        if name in ("date", "start"):
            # A pairing may start in a term still to come; a contact cannot lie ahead.
            return cell_date(cell, label=label, today=today if name == "date" else None)
        if name == "id_number":
            return id_text(cell.value, label=label)
        if name in MULTILINE and isinstance(cell.value, str):
            return cell.value.strip()
        text = cell_text(cell.value)
        if name == "method":
            offered = [method.name for method in methods if method.is_active]
            return method_by_code[choice_code(text, lookup=method_codes, offered=offered, label=label)]
        if name == "topics":
            return _topics(text, topics, label=label)
        if name == "initiated_by":
            return choice_code(text, lookup=initiators, offered=["领导", "人才"], label=label)
        if name in ("leader", "talent"):
            text = person_name(text)
        model_field = TEXT_FIELDS.get(name)
        return limited(text, label=label, max_length=model_field.max_length if model_field else None)

    return convert


def _topics(text: str, topics, *, label: str) -> list[int]:
    """Find the topics a cell names, by a topic's name or by its keywords anywhere in the text."""
    squeezed = squeeze(text)
    found = []
    for topic in topics:
        words = (topic.name, *topic.name.split("、"), *TOPIC_KEYWORDS.get(topic.code, ()))
        if any(squeeze(word) in squeezed for word in words if word):
            found.append(topic.pk)
    if not found:
        raise ValidationError(
            _("%(column)s “%(value)s” names none of: %(choices)s")
            % {"column": label, "value": text, "choices": "、".join(topic.name for topic in topics)}
        )
    return found


# --- matching ---------------------------------------------------------------------------------


class Leaders:
    """The leaders of an organization's subtree, found by account or by full name.

    With ``register``, a user holding the leader role in the subtree who is not a registered leader
    yet is found too, as an unsaved Leader the import registers (one per user, however many rows).
    """

    def __init__(self, organization, *, register: bool):
        self.organization = organization
        self.register = register
        leaders = Leader.objects.filter(organization__path__startswith=organization.path).select_related("user")
        self.by_username = {leader.user.username: leader for leader in leaders}
        self.by_name = _grouped(leaders, lambda leader: leader.user.name)
        self.new: dict[int, Leader] = {}
        self.users: dict[int, Membership] = {}
        if register:
            memberships = (
                Membership.objects.filter(
                    role=Role.LEADER, organization__path__startswith=organization.path, user__leader__isnull=True
                )
                .select_related("user", "organization")
                .order_by("organization__path")
            )
            for membership in memberships:
                self.users.setdefault(membership.user_id, membership)  # the outermost organization

    def find(self, values: dict) -> Leader:
        """Return the leader a row names; raise ValidationError saying why none or several fit."""
        name, username = values["leader"], values.get("leader_username", "")
        if username:
            leader = self.by_username.get(username) or self._newcomer(
                next((m for m in self.users.values() if m.user.username == username), None)
            )
            if leader is None:
                raise ValidationError(self._unknown(str(LEADER_ACCOUNT.label), username))
            if leader.user.name and person_name(leader.user.name) != name:
                message = _("the account “%(account)s” belongs to %(name)s, not %(value)s")
                raise ValidationError(message % {"account": username, "name": leader.user.name, "value": name})
            return leader
        found = self.by_name.get(name) or [
            self._newcomer(m) for m in self.users.values() if person_name(m.user.name) == name
        ]
        if len(found) > 1:
            message = _("%(count)d leaders of %(organization)s are named %(value)s; fill in the %(column)s column")
            values = {"count": len(found), "organization": self.organization.name, "value": name}
            raise ValidationError(message % {**values, "column": LEADER_ACCOUNT.label})
        if not found:
            raise ValidationError(self._unknown(str(LEADER.label), name))
        return found[0]

    def _newcomer(self, membership: Membership | None) -> Leader | None:
        if membership is None:
            return None
        user = membership.user
        return self.new.setdefault(user.pk, Leader(user=user, organization=membership.organization, post=""))

    def _unknown(self, column: str, value: str) -> str:
        values = {"column": column, "value": value, "organization": self.organization.name}
        if self.register:
            message = _(
                "%(column)s “%(value)s” is neither a leader nor a user with the leader role in %(organization)s"
            )
        else:
            message = _("%(column)s “%(value)s” is not a registered leader of %(organization)s")
        return message % values


class Talents:
    """The talents a user may see that the rows name, by ID card number or by name (and work unit)."""

    def __init__(self, rows: list[ImportRow], user):
        visible = Talent.objects.visible_to(user).select_related("work_unit")
        numbers = sorted({row.values["id_number"] for row in rows if row.values.get("id_number")})
        names = sorted({row.values["talent"] for row in rows if not row.values.get("id_number")})
        self.by_id = {}
        for start in range(0, len(numbers), 5000):
            chunk = numbers[start : start + 5000]
            self.by_id.update((t.id_number, t) for t in visible.with_id_numbers(chunk))
        self.by_name: dict[str, list[Talent]] = defaultdict(list)
        for start in range(0, len(names), 5000):
            for talent in visible.filter(name__in=names[start : start + 5000]):
                self.by_name[talent.name].append(talent)

    def candidates(self, values: dict) -> list[Talent]:
        """Return the talents a row may mean; raise ValidationError when none fits."""
        name, number, unit = values["talent"], values.get("id_number", ""), values.get("work_unit", "")
        if number:
            talent = self.by_id.get(number)
            if talent is None:
                # Also for a number registered outside the user's scope: say nothing of where it is.
                raise ValidationError(_("no talent in your talent database has this %(column)s") % {
                    "column": ID_NUMBER.label})  # fmt: skip
            if person_name(talent.name) != name:
                message = _("the %(column)s belongs to %(name)s, not %(value)s")
                raise ValidationError(message % {"column": ID_NUMBER.label, "name": talent.name, "value": name})
            return [talent]
        found = [t for t in self.by_name.get(name, ()) if not unit or t.work_unit.name == unit]
        if not found:
            message = _("no talent named %(value)s%(unit)s is in your talent database")
            raise ValidationError(message % {"value": name, "unit": f"（{unit}）" if unit else ""})
        return found

    def one(self, values: dict) -> Talent:
        """Return the one talent a row names; several of the same name are an error."""
        found = self.candidates(values)
        if len(found) > 1:
            raise ValidationError(_ambiguous_talent(values["talent"], len(found)))
        return found[0]


def _ambiguous_talent(name: str, count: int) -> str:
    message = _("%(count)d talents are named %(value)s; fill in the %(id)s or the %(unit)s")
    return message % {"count": count, "value": name, "id": ID_NUMBER.label, "unit": WORK_UNIT.label}


def _grouped(items, key) -> dict[str, list]:
    groups = defaultdict(list)
    for item in items:
        groups[person_name(key(item))].append(item)
    return groups


def _attempt(problems: list[str], check, *args, **kwargs):
    """Return ``check(...)``, or None after adding the messages of the ValidationError it raised."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        problems.extend(error.messages)
        return None


def _review(result: ParseResult, problems: dict[int, list[str]], **kwargs) -> Review:
    errors = [*result.errors, *(row_error(n, found) for n, found in problems.items() if found)]
    errors.sort(key=lambda error: error.row_number)
    rows = [row for row in result.rows if not problems.get(row.row_number)]
    return Review(result=result, errors=errors, rows=rows, **kwargs)


# --- reviewing --------------------------------------------------------------------------------


def pairings_review(*, result: ParseResult, term, user) -> Review:
    """Match every row to a leader and a talent, and check it with the rules of ``pairing_create``.

    Rows count in file order against the term's maximum per leader, after the leader's active
    pairings. A user with the leader role whom the file names is registered as a leader with the
    post (and portfolio) of the first of their rows that gives one.
    """
    leaders = Leaders(term.organization, register=True)
    talents = Talents(result.rows, user)
    problems: dict[int, list[str]] = defaultdict(list)
    seen: dict[tuple[int, int], int] = {}
    pending: Counter = Counter()
    first_rows: dict[int, int] = {}
    for row in result.rows:
        found = problems[row.row_number]
        row.leader = _attempt(found, leaders.find, row.values)
        row.talent = _attempt(found, talents.one, row.values)
        if row.leader and row.leader.pk is None:
            row.leader.post = row.leader.post or row.values.get("post", "")
            row.leader.portfolio = row.leader.portfolio or row.values.get("portfolio", "")
            first_rows.setdefault(row.leader.user_id, row.row_number)
        if not (row.leader and row.talent):
            continue
        first = seen.setdefault((row.leader.user_id, row.talent.pk), row.row_number)
        if first != row.row_number:
            found.append(_("the same pairing as row %(first)d") % {"first": first})
            continue
        on = row.values.get("start", term.start)
        _attempt(found, pairing_check, term=term, leader=row.leader, talent=row.talent, on=on,
                 pending=pending[row.leader.user_id])  # fmt: skip
        pending[row.leader.user_id] += 1
    for leader in leaders.new.values():
        if not leader.post:
            message = _("%(column)s is missing: %(leader)s is not registered as a leader yet, and needs a post")
            problems[first_rows[leader.user_id]].append(message % {"column": LABELS["post"], "leader": leader})
    return _review(result, problems, new_leaders=list(leaders.new.values()))


def contacts_review(*, result: ParseResult, organization, user, today: datetime.date) -> Review:
    """Match every row to the pairing of its leader and talent that covers its date (active or ended).

    Checked with the rules of ``contact_log_create``; a row that repeats an earlier row or a contact
    already recorded is refused, so importing the same ledger twice adds nothing.
    """
    leaders = Leaders(organization, register=False)
    talents = Talents(result.rows, user)
    problems: dict[int, list[str]] = defaultdict(list)
    matched = []
    for row in result.rows:
        found = problems[row.row_number]
        row.leader = _attempt(found, leaders.find, row.values)
        candidates = _attempt(found, talents.candidates, row.values)
        if row.leader and candidates:
            matched.append((row, {talent.pk: talent for talent in candidates}))
    pairings = _grouped_pairings(organization, {row.leader.pk for row, _candidates in matched})
    existing = _recorded(pairings, {row.values["date"] for row, _candidates in matched})
    seen: dict[tuple, int] = {}
    for row, candidates in matched:
        found = problems[row.row_number]
        row.pairing = _pairing_for(row, candidates, pairings[row.leader.pk], found, today=today)
        if row.pairing is None:
            continue
        key = (row.pairing.pk, row.values["date"], row.values["method"].pk, row.values["summary"])
        first = seen.setdefault(key, row.row_number)
        if first != row.row_number:
            found.append(_("the same contact as row %(first)d") % {"first": first})
        elif key in existing:
            found.append(_("this contact is already recorded"))
    return _review(result, problems)


def _grouped_pairings(organization, leader_ids: set[int]) -> dict[int, list[Pairing]]:
    grouped = defaultdict(list)
    pairings = Pairing.objects.filter(term__organization__path__startswith=organization.path, leader__in=leader_ids)
    for pairing in pairings.select_related("leader__user", "talent").order_by("-start", "-pk"):
        grouped[pairing.leader_id].append(pairing)
    return grouped


def _recorded(pairings: dict[int, list[Pairing]], dates: set) -> set[tuple]:
    ids = [pairing.pk for group in pairings.values() for pairing in group]
    contacts = ContactLog.objects.filter(pairing__in=ids, date__in=dates)
    return set(contacts.values_list("pairing_id", "date", "method_id", "summary"))


def _pairing_for(row: ImportRow, candidates: dict, pairings: list[Pairing], found: list[str], *, today):
    """Return the pairing of the row's leader and talent covering its date, the latest first."""
    paired = [pairing for pairing in pairings if pairing.talent_id in candidates]
    if not paired:
        message = _("%(leader)s has never been paired with %(talent)s")
        found.append(message % {"leader": row.leader, "talent": row.values["talent"]})
        return None
    talents = {pairing.talent_id for pairing in paired}
    if len(talents) > 1:
        found.append(_ambiguous_talent(row.values["talent"], len(talents)))
        return None
    problems: list[str] = []
    for pairing in paired:
        try:
            contact_check(pairing=pairing, date=row.values["date"], today=today)
        except ValidationError as error:
            problems.extend(error.messages)
        else:
            return pairing
    found.extend(dict.fromkeys(problems))  # each range once
    return None


# --- the templates ----------------------------------------------------------------------------

PAIRING_EXAMPLE = {
    "leader": "赵志刚",
    "leader_username": "",
    "post": "党委书记",
    "portfolio": "全面工作",
    "talent": "王小明",
    "id_number": "11010519780512003X",
    "work_unit": "青山农业合作社",
    "start": "2025-01-01",
}
CONTACT_EXAMPLE = {
    "date": "2025-03-18",
    "leader": "赵志刚",
    "talent": "王小明",
    "id_number": "11010519780512003X",
    "work_unit": "青山农业合作社",
    "method": "面对面交流",
    "topics": "思想引导、征求意见建议",
    "summary": "了解合作社春耕准备情况，宣讲人才政策",
    "opinions": "希望增加农技培训",
    "initiated_by": "领导",
    "place": "青山农业合作社",
}


def _person_notes() -> dict[str, str]:
    return {
        "leader": _("Required. The leader's full name as registered in the system."),
        "leader_username": _("Needed only when two leaders share a name: the leader's login account."),
        "talent": _("Required. The talent's name as in the talent database."),
        "id_number": _("Best: the talent is found by it. Without it, by name, and by work unit if given."),
        "work_unit": _("Needed without the ID card number when two talents share a name."),
    }


def write_pairings_template(target) -> None:
    """Write the pairings template: a title row, the header, one example row, and instructions."""
    notes = {
        **_person_notes(),
        "post": _(
            "Needed for a user with the leader role who is not registered as a leader yet: the import "
            "registers them with this post."
        ),
        "portfolio": _("Used, like the post, when the import registers the leader."),
        "start": _("Such as 2025-01-01; left empty, the first day of the term."),
    }
    write_template(
        target,
        title=_("Pairings"),
        heading=_("Leaders and paired talents (columns marked * are required; delete the example in row 3)"),
        columns=PAIRING_COLUMNS,
        example=PAIRING_EXAMPLE,
        notes=notes,
    )


def write_contacts_template(target) -> None:
    """Write the contact ledger template: a title row, the header, one example row, and instructions."""
    methods, topics = ContactMethod.objects.filter(is_active=True), ContactTopic.objects.all()
    notes = {
        **_person_notes(),
        "date": _("Required. Such as 2025-03-18; the leader and the talent must have been paired on that day."),
        "method": _("Required. One of: %(names)s") % {"names": "、".join(m.name for m in methods)},
        "topics": _("One or more of: %(names)s; words such as 思想, 意见 or 服务 are understood.")
        % {"names": "、".join(t.name for t in topics)},
        "summary": _("Required. What was talked about or done."),
        "opinions": _("The opinions and suggestions the talent gave."),
        "initiated_by": _("领导 (the leader) or 人才 (the talent); left empty, 领导."),
    }
    write_template(
        target,
        title=_("Contact ledger"),
        heading=_("Contact ledger of past years (columns marked * are required; delete the example in row 3)"),
        columns=CONTACT_COLUMNS,
        example=CONTACT_EXAMPLE,
        notes=notes,
    )
