"""Build roster workbooks for the import tests, clean or as messy as the real ones."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from talents.excel import XLSX_CONTENT_TYPE
from talents.validators import id_check_character

HEADER = ["姓名", "性别", "出生日期", "政治面貌", "学历", "人才类别", "人才层级", "所在单位", "手机号码", "身份证号码"]


def id_number(first17: str) -> str:
    """Complete 17 digits with their check character."""
    return first17 + id_check_character(first17)


def roster_bytes(rows, *, header=HEADER, titles=(), number_formats=None) -> bytes:
    """Return an .xlsx with ``titles`` rows merged across the header's width, the header, then ``rows``.

    ``number_formats`` maps (row index in ``rows``, column index) to an Excel number format.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人才名册"
    for title in titles:
        sheet.append([title])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(header))
    sheet.append(header)
    first_data_row = sheet.max_row + 1
    for values in rows:
        # An empty list is a blank row; append() would not leave one.
        sheet.append(list(values) if values else [None])
    for (row_index, column_index), number_format in (number_formats or {}).items():
        sheet.cell(row=first_data_row + row_index, column=column_index + 1).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def decompression_bomb(path, *, megabytes: int = 300) -> None:
    """Write to ``path`` a zip that passes for a workbook but inflates to ``megabytes`` of zeros."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)


def replace_number(content: bytes, placeholder: int, digits: str) -> bytes:
    """Put an exact 18-digit integer where ``placeholder`` was, as a tool writing integers does.

    openpyxl, like Excel, writes such a number as a float that has lost digits.
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(f"<v>{placeholder}</v>".encode(), f"<v>{digits}</v>".encode())
            archive.writestr(item, data)
    return buffer.getvalue()
