"""Read a talent roster from Excel: find the header, validate every row in one pass, report bad rows.

Real rosters are typed by hand: title rows above the header, column names with spaces or
full-width brackets, dates as Excel dates or text such as ``1978.05``, ID numbers stored as numbers.
``parse_roster`` accepts those and never touches the database; ``roster_review`` adds the checks
that need it (ID numbers already registered, work units to create). The service that writes is
``talents.services.roster_import``.

The parts every Excel import shares live here too (``liaison.imports`` reads pairings and contact
ledgers with them): ``read_workbook`` opens a file safely, ``find_table`` finds the header,
``data_rows`` and ``read_cells`` walk the rows, ``cell_date``, ``id_text`` and ``choice_code``
read cells, ``row_error`` words a bad row and ``write_template`` writes a template.
"""

import datetime
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from accounts import scoping
from talents.excel import UnsafeWorkbook, check_xlsx
from talents.models import Talent, TalentCategory, WorkUnit, mask_id_number, mask_phone
from talents.validators import parse_id_number, validate_phone

HEADER_SCAN_ROWS = 10
MAX_COLUMNS = 50
MAX_ROWS = 50_000
# Beyond this an ID number read as a float has lost digits (doubles hold 15 significant digits).
FLOAT_SAFE_LIMIT = 10**15
# Whatever a damaged or hand-crafted workbook makes openpyxl, zipfile or the XML parser raise.
READ_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
)


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translation: the header written in the template
    aliases: tuple[str, ...]  # Chinese header names seen in real rosters, normalised
    width: int = 12
    required: bool = False


COLUMNS = (
    Column("name", pgettext_lazy("roster column", "Talent name"), ("姓名",), 10, required=True),
    Column("gender", pgettext_lazy("roster column", "Sex"), ("性别",), 6),
    Column("birth_date", pgettext_lazy("roster column", "Date of birth"), ("出生日期", "出生年月", "出生年月日"), 12),
    Column("ethnicity", pgettext_lazy("roster column", "Ethnic group"), ("民族",), 8),
    Column("political_status", pgettext_lazy("roster column", "Political affiliation"), ("政治面貌",), 12),
    Column("education", pgettext_lazy("roster column", "Highest education"), ("学历", "最高学历", "文化程度"), 10),
    Column("degree", pgettext_lazy("roster column", "Academic degree"), ("学位", "最高学位"), 8),
    Column("professional_title", pgettext_lazy("roster column", "Technical title"), ("职称", "专业技术职称"), 14),
    Column("categories", pgettext_lazy("roster column", "Category of talent"), ("人才类别", "类别", "人才类型"), 16),
    Column("level", pgettext_lazy("roster column", "Talent level"), ("人才层级", "层级", "级别", "人才级别"), 10),
    Column("field", pgettext_lazy("roster column", "Field or sector"), ("行业领域", "领域", "行业", "专业领域"), 12),
    Column(
        "work_unit", pgettext_lazy("roster column", "Employer"), ("所在单位", "工作单位", "单位", "单位名称"), 24, True
    ),
    Column("post", pgettext_lazy("roster column", "Job post"), ("职务", "岗位", "现任职务"), 14),
    Column(
        "phone",
        pgettext_lazy("roster column", "Mobile or phone"),
        ("手机号码", "手机", "手机号", "联系电话", "电话"),
        14,
    ),
    Column("email", pgettext_lazy("roster column", "E-mail address"), ("电子邮箱", "邮箱", "电子邮件", "email"), 20),
    Column("address", pgettext_lazy("roster column", "Postal address"), ("通讯地址", "地址", "家庭住址"), 24),
    Column(
        "id_number",
        pgettext_lazy("roster column", "Resident ID number"),
        ("身份证号码", "身份证号", "公民身份号码"),
        22,
    ),
    Column("notes", pgettext_lazy("roster column", "Remarks"), ("备注",), 20),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}

# Values of the choice columns as rosters write them; the first one is what the template offers.
CHOICE_ALIASES = {
    "gender": {Talent.Gender.MALE: ("男", "男性"), Talent.Gender.FEMALE: ("女", "女性")},
    "political_status": {
        Talent.Political.CPC: ("中共党员", "党员", "共产党员", "中国共产党党员"),
        Talent.Political.PROBATIONARY: ("中共预备党员", "预备党员"),
        Talent.Political.LEAGUE: ("共青团员", "团员"),
        Talent.Political.DEMOCRATIC: (
            "民主党派",
            "民主党派成员",
            "民革党员",
            "民盟盟员",
            "民建会员",
            "民进会员",
            "农工党党员",
            "致公党党员",
            "九三学社社员",
            "台盟盟员",
        ),
        Talent.Political.NONPARTISAN: ("无党派人士", "无党派"),
        Talent.Political.MASSES: ("群众",),
    },
    "education": {
        Talent.Education.DOCTORATE: ("博士研究生", "博士"),
        Talent.Education.MASTER: ("硕士研究生", "硕士", "研究生"),
        Talent.Education.BACHELOR: ("大学本科", "本科"),
        Talent.Education.COLLEGE: ("大学专科", "大专", "专科"),
        Talent.Education.SECONDARY: ("中专/高中", "中专", "高中", "职高", "技校", "中等专业学校"),
        Talent.Education.PRIMARY: ("初中及以下", "初中", "小学"),
    },
    "degree": {
        Talent.Degree.DOCTOR: ("博士", "博士学位"),
        Talent.Degree.MASTER: ("硕士", "硕士学位"),
        Talent.Degree.BACHELOR: ("学士", "学士学位"),
        Talent.Degree.NONE: ("无", "无学位"),
    },
    "level": {
        Talent.Level.NATIONAL: ("国家级", "国家"),
        Talent.Level.PROVINCIAL: ("省级", "省部级", "省"),
        Talent.Level.CITY: ("市级", "地市级", "市"),
        Talent.Level.COUNTY: ("县级", "县区级", "区级", "县"),
    },
}
CHOICE_MODEL_FIELDS = {
    "gender": Talent.Gender,
    "political_status": Talent.Political,
    "education": Talent.Education,
    "degree": Talent.Degree,
    "level": Talent.Level,
}
CATEGORY_SEPARATORS = re.compile(r"[、，,;；/]+")
BRACKETED = re.compile(r"\([^)]*\)|\[[^]]*\]|【[^】]*】|〔[^〕]*〕")
# 1978.05, 1978-5, 1978年5月, 1978/05/12, 1978-05-12, 1978年5月12日, optionally a time after it.
DATE_SEPARATED = re.compile(r"^(\d{4})[年./-](\d{1,2})[月./-]?(?:(?<=[月./-])(\d{1,2})日?)?(\d{1,2}:\d{2}(:\d{2})?)?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")  # 19780512 or 197805
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class RowError:
    row_number: int  # as Excel shows it
    message: str


@dataclass
class RosterRow:
    row_number: int
    name: str
    work_unit: str
    # Talent field → value, only for the cells filled in: a re-import leaves the others unchanged.
    values: dict = field(default_factory=dict)
    category_ids: list[int] | None = None  # None: no category given

    @property
    def id_number(self) -> str:
        return self.values.get("id_number", "")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.values.get("phone", ""))


@dataclass
class ParseResult:
    """The valid rows of a sheet, parsed, and one error for each bad row."""

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheet_title: str = ""
    header_row: int = 0


@dataclass
class RosterReview:
    """What an import of ``result`` would do for one user and organization, and what stops it."""

    result: ParseResult
    errors: list[RowError]
    to_create: list[RosterRow]
    to_update: list[RosterRow]
    units: dict  # work unit name → WorkUnit of the organization's subtree, or None when it will be created

    @property
    def new_units(self) -> list[str]:
        return sorted(name for name, unit in self.units.items() if unit is None)


def normalize_header(text) -> str:
    """Reduce a header cell to its bare name: ``" 出生年月（年.月）*"`` → ``"出生年月"``."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))  # full-width brackets and letters → ASCII
    text = re.sub(r"\s+", "", text).replace("*", "")
    return BRACKETED.sub("", text).lower()


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Map each normalised header name a column may have, its label included, to its field."""
    lookup = {}
    for column in columns:
        for alias in (*column.aliases, str(column.label)):
            lookup.setdefault(normalize_header(alias), column.field)
    return lookup


def _choice_lookup() -> dict[str, dict[str, str]]:
    return {name: choice_lookup(choices.choices, CHOICE_ALIASES[name]) for name, choices in CHOICE_MODEL_FIELDS.items()}


def choice_lookup(choices, aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map each accepted spelling of a choice to its code: the label and code of each (code, label)
    pair of ``choices``, and the ``aliases`` of each code."""
    lookup = {}
    with translation.override("zh-hans"):
        for code, label in choices:
            lookup[squeeze(str(label))] = code
            lookup[code.lower()] = code
    for code, spellings in aliases.items():
        lookup.update({squeeze(spelling): code for spelling in spellings})
    return lookup


def choice_code(text: str, *, lookup: dict, offered: list[str], label: str):
    """Return what ``lookup`` maps ``text`` to; raise ValidationError listing what is ``offered``."""
    code = lookup.get(squeeze(text))
    if code is None:
        raise ValidationError(
            _("%(column)s “%(value)s” is not recognised; use one of: %(choices)s")
            % {"column": label, "value": text, "choices": "、".join(offered)}
        )
    return code


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


def parse_roster(fileobj, *, categories, today: datetime.date) -> ParseResult:
    """Read and validate every row of a roster workbook, collecting all bad rows at once.

    ``categories`` are the active TalentCategory objects a row may name. Raise ``UnsafeWorkbook``
    with a message for the user when the file as a whole cannot be used (not .xlsx, damaged, a
    decompression bomb, no header); a bad row never raises, it becomes a ``RowError``.
    """
    categories = {c.name: c.pk for c in categories}
    return read_workbook(fileobj, lambda workbook: _parse_workbook(workbook, categories=categories, today=today))


def read_workbook(fileobj, parse):
    """Open an uploaded .xlsx file safely and return ``parse(workbook)``.

    Raise ``UnsafeWorkbook`` with a message for the user when the file is not an .xlsx workbook, is
    too large, would expand like a decompression bomb, or is damaged anywhere ``parse`` reads.
    """
    check_xlsx(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except READ_ERRORS:
        raise UnsafeWorkbook(_("The workbook is damaged or is not a real Excel file, and cannot be read.")) from None
    try:
        return parse(workbook)
    except UnsafeWorkbook:
        raise
    except READ_ERRORS:
        raise UnsafeWorkbook(_("The workbook is damaged or is not a real Excel file, and cannot be read.")) from None
    finally:
        workbook.close()


@dataclass
class Table:
    """Where a sheet's data starts: the header row, the column of each field, the rows after it."""

    sheet_title: str
    header_row: int
    columns: dict[str, int]
    rows: Iterator


def find_table(workbook, *, columns: tuple[Column, ...], required: tuple[str, ...]) -> Table:
    """Find the first sheet with a header naming known columns; raise UnsafeWorkbook when none has one."""
    lookup = header_lookup(columns)
    labels = {column.field: str(column.label) for column in columns}
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "reset_dimensions"):
            continue  # a chartsheet
        # Hand-edited files often declare a wrong size; read what is really there.
        sheet.reset_dimensions()
        rows = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1)
        head = list(islice(rows, HEADER_SCAN_ROWS))
        found = _find_header(head, lookup)
        if found is None:
            continue
        header_row, indexes = found
        missing = [labels[f] for f in required if f not in indexes]
        if missing:
            raise UnsafeWorkbook(_("The header has no %(columns)s column.") % {"columns": "、".join(missing)})
        after_header = ((n, cells) for n, cells in head if n > header_row)
        return Table(sheet.title, header_row, indexes, _chain(after_header, rows))
    raise UnsafeWorkbook(
        _(
            "No header row with column names such as %(columns)s was found in the first %(rows)d rows. "
            "Download the template and compare."
        )
        % {"columns": "、".join(labels[f] for f in required), "rows": HEADER_SCAN_ROWS}
    )


def data_rows(table: Table) -> Iterator[tuple[int, dict]]:
    """Yield the row number and the cell of each known column for every row with something in one.

    Raise UnsafeWorkbook beyond MAX_ROWS rows, or when the header has no row under it.
    """
    count = 0
    for row_number, cells in table.rows:
        cell_at = {f: cells[i] for f, i in table.columns.items() if i < len(cells)}
        # Blank rows separate groups in hand-made files; a row with only its 序号 is blank too.
        if all(cell_text(cell.value) == "" for cell in cell_at.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            message = _("The file has more than %(max)d rows; split it into several files.")
            raise UnsafeWorkbook(message % {"max": MAX_ROWS})
        yield row_number, cell_at
    if not count:
        raise UnsafeWorkbook(_("The file has a header but no data rows."))


def read_cells(cells: dict, columns: tuple[Column, ...], convert) -> tuple[dict, list[str]]:
    """Convert the filled cells of a row with ``convert(field, cell)``; collect every problem of the row."""
    values: dict = {}
    problems: list[str] = []
    for column in columns:
        cell = cells.get(column.field)
        if cell is None or cell_text(cell.value) == "":
            if column.required:
                problems.append(_("%(column)s is missing") % {"column": str(column.label)})
            continue
        try:
            values[column.field] = convert(column.field, cell)
        except ValidationError as error:
            problems.extend(error.messages)
    return values, problems


def _parse_workbook(workbook, *, categories: dict[str, int], today: datetime.date) -> ParseResult:
    table = find_table(workbook, columns=COLUMNS, required=("name", "work_unit"))
    result = ParseResult(sheet_title=table.sheet_title, header_row=table.header_row)
    _parse_rows(result, data_rows(table), categories=categories, choices=_choice_lookup(), today=today)
    return result


def _chain(first, rest):
    yield from first
    yield from rest


def _find_header(head: list, lookup: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """Return the row number and column index of each field for the row naming the most known columns.

    A cell left empty under a merged two-row header takes its name from the row above.
    """
    best = None
    previous: tuple = ()
    for row_number, cells in head:
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = normalize_header(cell.value)
            if not name and index < len(previous):
                name = normalize_header(previous[index].value)
            field_name = lookup.get(name)
            if field_name and field_name not in columns:
                columns[field_name] = index
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (row_number, columns)
        previous = cells
    return best


def _parse_rows(result: ParseResult, rows, *, categories, choices, today) -> None:
    seen_ids: dict[str, int] = {}
    for row_number, cell_at in rows:
        row, problems = _parse_row(row_number, cell_at, categories=categories, choices=choices, today=today)
        if row and row.id_number:
            first = seen_ids.setdefault(row.id_number, row_number)
            if first != row_number:
                problems.append(_("%(column)s repeats row %(first)d") % {"column": _label("id_number"), "first": first})
        if problems:
            result.errors.append(row_error(row_number, problems))
        else:
            result.rows.append(row)


def bad_rows_error(errors: list[RowError]) -> ValidationError:
    """Return the error that refuses a file with bad rows, all of it."""
    return ValidationError(_("%(count)d rows of the file are wrong; nothing was imported.") % {"count": len(errors)})


def row_error(row_number: int, problems: list[str]) -> RowError:
    """Build the one message a bad row gets, all its problems in it: ``第12行：缺少姓名；…``."""
    # A service's message is a sentence; inside the list it loses its full stop.
    problems = [problem.rstrip("。.") for problem in problems]
    message = _("Row %(row)d: %(problems)s") % {"row": row_number, "problems": _("; ").join(problems)}
    return RowError(row_number, message)


def _label(field_name: str) -> str:
    return str(COLUMNS_BY_FIELD[field_name].label)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < FLOAT_SAFE_LIMIT:
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.date()
    return re.sub(r"\s+", " ", str(value)).strip()


def _parse_row(row_number, cells: dict, *, categories, choices, today) -> tuple[RosterRow | None, list[str]]:
    values, problems = read_cells(
        cells, COLUMNS, lambda name, cell: _convert(name, cell, categories=categories, choices=choices, today=today)
    )
    id_info = id_number_info(values["id_number"], today=today, problems=problems) if "id_number" in values else None
    if id_info:
        values.setdefault("birth_date", id_info.birth_date)
        values.setdefault("gender", id_info.gender)
    if problems:
        return None, problems
    return RosterRow(
        row_number=row_number,
        name=values.pop("name"),
        work_unit=values.pop("work_unit"),
        category_ids=values.pop("categories", None) or None,
        values=values,
    ), problems


def _convert(field_name: str, cell, *, categories, choices, today):
    """Turn one filled cell into the value of ``field_name``; raise ValidationError naming the column."""
    value = cell.value
    label = _label(field_name)
    if field_name == "birth_date":
        return cell_date(cell, label=label, today=today)
    if field_name == "id_number":
        return id_text(value, label=label)
    text = cell_text(value)
    if field_name in choices:
        offered = [aliases[0] for aliases in CHOICE_ALIASES[field_name].values()]
        return choice_code(text, lookup=choices[field_name], offered=offered, label=label)
    if field_name == "categories":
        return _categories(text, label=label, categories=categories)
    if field_name == "name":
        text = person_name(text)
    elif field_name == "phone":
        try:
            text = validate_phone(text)
        except ValidationError:
            raise ValidationError(
                _("%(column)s “%(value)s” is neither an 11-digit mobile number nor a landline with its area code")
                % {"column": label, "value": text}
            ) from None
    elif field_name == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                _("%(column)s “%(value)s” is not a valid e-mail address") % {"column": label, "value": text}
            ) from None
    model_field = WorkUnit._meta.get_field("name") if field_name == "work_unit" else Talent._meta.get_field(field_name)
    return limited(text, label=label, max_length=model_field.max_length)


def person_name(text: str) -> str:
    """Drop the spaces in a Chinese name: 张  三 is padded to line up with three-character names."""
    return text.replace(" ", "") if CJK.search(text) else text


def limited(text: str, *, label: str, max_length: int | None) -> str:
    """Return ``text``, or raise ValidationError when it is longer than its database column allows."""
    if max_length and len(text) > max_length:
        raise ValidationError(_("%(column)s is longer than %(max)d characters") % {"column": label, "max": max_length})
    return text


def _categories(text: str, *, label: str, categories: dict[str, int]) -> list[int]:
    ids = []
    for name in filter(None, (part.strip() for part in CATEGORY_SEPARATORS.split(text))):
        if name not in categories:
            raise ValidationError(
                _("%(column)s “%(value)s” does not exist or is no longer in use") % {"column": label, "value": name}
            )
        if categories[name] not in ids:
            ids.append(categories[name])
    return ids


def cell_date(cell, *, label: str, today: datetime.date | None) -> datetime.date:
    """Read an Excel date, an Excel serial number, or text such as 1978.05 / 1978年5月 / 19780512.

    A date after ``today`` is refused; with ``today=None`` a future date is accepted.
    """
    value = cell.value
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _date_text(cell)
        day = _date_from_text(text, label=label)
        if day is None and text.isdigit() and len(text) == 5:
            day = from_excel(int(text)).date()  # a date cell whose date format was lost
        if day is None:
            message = _("%(column)s “%(value)s” is not a date such as 1978-05-12 or 1978.05")
            raise ValidationError(message % {"column": label, "value": text})
    shown = _date_text(cell) if not isinstance(value, datetime.date) else f"{day:%Y-%m-%d}"
    if today and day > today:
        raise ValidationError(_("%(column)s “%(value)s” is in the future") % {"column": label, "value": shown})
    if day.year < 1900:
        raise ValidationError(_("%(column)s “%(value)s” is before 1900") % {"column": label, "value": shown})
    return day


def _date_text(cell) -> str:
    value = cell.value
    if isinstance(value, float) and not value.is_integer():
        # 1978.10 typed into a number cell is stored as 1978.1: read it as Excel shows it.
        decimals = (getattr(cell, "number_format", "") or "").partition(".")[2]
        return f"{value:.{len(decimals)}f}" if decimals.startswith("0") else repr(value)
    return unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")


def _date_from_text(text: str, *, label: str) -> datetime.date | None:
    match = DATE_SEPARATED.match(text) or DATE_COMPACT.match(text)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(column)s “%(value)s” does not exist in the calendar") % {"column": label, "value": text}
        ) from None


def id_text(value, *, label: str) -> str:
    if isinstance(value, float):
        if value >= FLOAT_SAFE_LIMIT or not value.is_integer():
            message = _(
                "%(column)s was stored as a number and lost its last digits; "
                "format the column as text and type it again"
            )
            raise ValidationError(message % {"column": label})
        value = int(value)
    return unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "").upper()


def id_number_info(number: str, *, today: datetime.date, problems: list[str], label: str = ""):
    """Return what an ID number says (birth date, gender), or None after adding why it is invalid."""
    label = label or _label("id_number")
    try:
        return parse_id_number(number, today=today)
    except ValidationError as error:
        message = {
            "id_check_digit": _("%(column)s has a wrong check digit"),
            "id_birth": _("the birth date in the %(column)s does not exist or is impossible"),
        }.get(error.code, _("%(column)s must be 17 digits followed by a digit or X"))
        problems.append(message % {"column": label})
        return None


def roster_review(*, result: ParseResult, organization, user) -> RosterReview:
    """Sort the valid rows into creations and updates and add the errors only the database can show.

    A row whose ID number is already registered updates that talent, allowed only when the talent is
    visible to ``user``; otherwise the row is an error that does not say where the talent is. Work
    units are matched by name in ``organization``'s subtree, preferring one of ``organization`` itself.
    """
    problems: dict[int, list[str]] = {}
    ids = [row.id_number for row in result.rows if row.id_number]
    registered, visible = set(), set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        # Matched through the keyed hashes: the ID number column is encrypted.
        registered.update(Talent.objects.with_id_numbers(chunk).values_list("id_number", flat=True))
        visible.update(Talent.objects.visible_to(user).with_id_numbers(chunk).values_list("id_number", flat=True))
    units = _match_units({row.work_unit for row in result.rows}, organization)
    to_create, to_update = [], []
    for row in result.rows:
        if row.id_number in registered and row.id_number not in visible:
            problems.setdefault(row.row_number, []).append(
                _("this ID card number is already registered in the talent database of another organization")
            )
        if units.get(row.work_unit, "") == "ambiguous":
            message = _(
                "%(column)s “%(value)s” matches several units under %(organization)s; import into the one it belongs to"
            )
            values = {"column": _label("work_unit"), "value": row.work_unit, "organization": organization.name}
            problems.setdefault(row.row_number, []).append(message % values)
        (to_update if row.id_number in visible else to_create).append(row)
    errors = [*result.errors, *(row_error(n, p) for n, p in problems.items())]
    errors.sort(key=lambda e: e.row_number)
    units = {name: unit for name, unit in units.items() if unit != "ambiguous"}
    return RosterReview(result=result, errors=errors, to_create=to_create, to_update=to_update, units=units)


def _match_units(names: set[str], organization) -> dict:
    found: dict[str, list] = {name: [] for name in names}
    subtree = WorkUnit.objects.filter(organization__path__startswith=organization.path, name__in=names)
    for unit in subtree:
        found[unit.name].append(unit)
    matched = {}
    for name, candidates in found.items():
        own = [u for u in candidates if u.organization_id == organization.pk]
        if own or len(candidates) == 1:
            matched[name] = (own or candidates)[0]
        else:
            matched[name] = "ambiguous" if candidates else None
    return matched


def organization_may_import(*, organization, user) -> bool:
    """Tell whether ``user`` is office staff over ``organization`` (the only role that imports)."""
    return (
        scoping.sees_everything(user)
        or type(organization).objects.filter(scoping.organization_q(user, "path"), pk=organization.pk).exists()
    )


# --- the template -----------------------------------------------------------------------------

TEMPLATE_EXAMPLE = {
    "name": "王小明",
    "gender": "男",
    "birth_date": "1978.05",
    "ethnicity": "汉族",
    "political_status": "中共党员",
    "education": "大学本科",
    "degree": "学士",
    "professional_title": "高级农艺师",
    "categories": "农村实用人才、专业技术人才",
    "level": "县级",
    "field": "现代农业",
    "work_unit": "青山农业合作社",
    "post": "技术负责人",
    "phone": "13800000000",
    "email": "wangxm@example.com",
    "address": "青山镇青山村1组",
    "id_number": "11010519780512003X",
    "notes": "",
}


def write_roster_template(target, *, categories) -> None:
    """Write the roster template: a title row, the header, one example row, and a sheet of instructions."""
    write_template(
        target,
        title=_("Talent roster"),
        heading=_("Talent roster (columns marked * are required; delete the example in row 3 before importing)"),
        columns=COLUMNS,
        example=TEMPLATE_EXAMPLE,
        notes={column.field: _column_help(column, categories) for column in COLUMNS},
    )


def write_template(
    target, *, title: str, heading: str, columns: tuple[Column, ...], example: dict, notes: dict[str, str]
) -> None:
    """Write an import template: ``heading`` merged over the header (* marks required columns), an
    example row, text-formatted rows below it, and a sheet with the ``notes`` on each column's field."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=2, column=index, value=str(column.label) + ("*" if column.required else ""))
        header.font, header.fill = Font(bold=True), PatternFill("solid", fgColor="F2DCDB")
        cell = sheet.cell(row=3, column=index, value=example.get(column.field) or None)
        cell.number_format = "@"  # text, so ID numbers and dates keep every character
        for row in range(4, 504):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    instructions = workbook.create_sheet(_("Instructions"))
    instructions.append([_("Column"), _("What to write")])
    instructions.column_dimensions["A"].width, instructions.column_dimensions["B"].width = 16, 90
    for column in columns:
        instructions.append([str(column.label), notes.get(column.field, "")])
    workbook.save(target)


def _column_help(column: Column, categories) -> str:
    if column.field in CHOICE_ALIASES:
        return "、".join(aliases[0] for aliases in CHOICE_ALIASES[column.field].values())
    return {
        "name": _("Required."),
        "work_unit": _("Required. A unit not yet registered is created under the organization you import into."),
        "birth_date": _("Such as 1978-05-12, 1978.05 or 1978年5月; left empty, it is taken from the ID card number."),
        "categories": _("One or more of: %(names)s; separate several with 、")
        % {"names": "、".join(c.name for c in categories)},
        "id_number": _("18 characters. A talent already registered with this number is updated, not duplicated."),
        "phone": _("An 11-digit mobile number or a landline with its area code."),
    }.get(column.field, "")


def read_batch(batch, *, today: datetime.date) -> ParseResult:
    """Parse the roster stored on an import batch again, as it was uploaded."""
    categories = TalentCategory.objects.filter(is_active=True)
    return read_stored(batch, lambda stored: parse_roster(stored, categories=categories, today=today))


def read_stored(batch, parse):
    """Return ``parse(file)`` for the workbook stored on an import batch; UnsafeWorkbook if it is gone."""
    try:
        with batch.file.open("rb") as stored:
            return parse(stored)
    except (OSError, ValueError) as error:
        if isinstance(error, UnsafeWorkbook):
            raise
        raise UnsafeWorkbook(_("The uploaded file is no longer available; upload it again.")) from None
