"""Excel plumbing shared by every export and import: streaming writes, formula safety, safe reading.

Exports use openpyxl's write-only mode fed by iterators, so memory stays flat whatever the row count.
"""

import datetime
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Text beginning with one of these is read by Excel (or LibreOffice) as a formula or a DDE call.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One worksheet: a title, column headers with widths, and an iterator of row tuples."""

    title: str
    columns: list[tuple[str, int]]  # (header, width in characters)
    rows: Iterable[Iterable] = field(default_factory=list)


def neutralize(value):
    """Return ``value`` safe to put in a cell: text that could run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(ws, value):
    """Return what to append for ``value``: the value itself when openpyxl types it as we would, else a cell.

    A plain value is the fast path (openpyxl tries every appended cell object as a value first and
    catches the error). Dates get ``yyyy-mm-dd`` from openpyxl itself; datetimes (Shanghai time, to the
    minute) and text openpyxl would take for an error code (``#N/A``) need a cell of their own.
    """
    if type(value) is str:
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
        if not value.startswith("#") or value not in ERROR_CODES:
            return value
    elif not isinstance(value, str | datetime.datetime):
        return value
    value = neutralize(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # Excel has no time zones: Shanghai time
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # A literal string cell: never parsed as a formula, even without the leading quote.
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def write_workbook(target, sheets: Iterable[Sheet]) -> int:
    """Write ``sheets`` to ``target`` (a path or binary file) in write-only mode; return the data rows written."""
    wb = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        ws.freeze_panes = "A2"
        for index, (_header, width) in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        header = []
        for title, _width in sheet.columns:
            cell = WriteOnlyCell(ws, value=title)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(vertical="center")
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_cell(ws, value) for value in row])
            written += 1
    wb.save(target)
    return written


def xlsx_file(sheets: Iterable[Sheet]) -> tuple:
    """Build the workbook in a temporary file; return the file, rewound, and the data rows written."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115  (the response that sends it closes it)
    rows = write_workbook(tmp, sheets)
    tmp.seek(0)
    return tmp, rows


def xlsx_download(workbook, filename: str) -> FileResponse:
    """Stream a built workbook file to the browser as a download named ``filename``."""
    response = FileResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """Build the workbook in a temporary file and stream it to the browser as a download."""
    return xlsx_download(xlsx_file(sheets)[0], filename)


def iter_in_chunks(queryset, size: int = 2000) -> Iterator:
    """Iterate a queryset with a server-side cursor (PostgreSQL) so rows are never all in memory."""
    return queryset.iterator(chunk_size=size)


# --- reading ---------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class UnsafeWorkbook(ValueError):
    """The file is not an .xlsx workbook we are willing to open; the message is for the user."""


def check_xlsx(fileobj, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse what is not a plain .xlsx zip, is too large, or would expand like a decompression bomb.

    Reads only the zip directory, so a bomb is caught before a byte of it is inflated.
    """
    from django.utils.translation import gettext as _

    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise UnsafeWorkbook(_("The file is empty."))
    if size > max_bytes:
        raise UnsafeWorkbook(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)})
    if fileobj.read(4) != b"PK\x03\x04":
        fileobj.seek(0)
        raise UnsafeWorkbook(_("This is not an Excel .xlsx file. Save it as .xlsx (Excel 2007 or later) and retry."))
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except zipfile.BadZipFile:
        raise UnsafeWorkbook(_("The file is damaged and cannot be opened.")) from None
    finally:
        fileobj.seek(0)
    if "xl/workbook.xml" not in names:
        raise UnsafeWorkbook(_("This is not an Excel .xlsx file. Save it as .xlsx (Excel 2007 or later) and retry."))
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise UnsafeWorkbook(_("The file expands to an unreasonable size and was refused."))
