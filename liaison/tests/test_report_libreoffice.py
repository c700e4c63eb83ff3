"""The real consumer: LibreOffice (Debian package libreoffice-calc-nogui) opens the workbook headless and
exports every sheet to CSV; the contents match the database, and formula-like text stays text."""

import csv
import shutil
import subprocess

import pytest

from liaison.reports import report_sheets
from liaison.tests.report_world import TODAY, YEAR
from talents.excel import write_workbook

pytestmark = pytest.mark.django_db
# Field separator 44 (,), quote 34 ("), UTF-8 (76), from line 1, ..., the trailing -1: every sheet.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _convert(tmp_path, root):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-calc-nogui"
    book = tmp_path / "report.xlsx"
    write_workbook(book, report_sheets(root, YEAR, TODAY))
    subprocess.run(  # noqa: S603  (the test's own file and a fixed filter)
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", CSV_FILTER,
         "--outdir", str(tmp_path / "csv"), str(book)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    return {
        p.stem.removeprefix("report-"): list(csv.reader(p.open(encoding="utf-8"))) for p in (tmp_path / "csv").iterdir()
    }


def test_libreoffice_reads_every_sheet_as_the_database_says(tmp_path, world, township_a):
    sheets = _convert(tmp_path, township_a)
    assert set(sheets) == {
        "汇总", "联系优秀人才情况一览表", "联系记录", "人才诉求台账", "未达标", "走访慰问", "保障全景",
    }  # fmt: skip
    summary = sheets["汇总"]
    assert summary[-1][:6] == ["合计", "1", "2", "2", "1", "50"]
    assert summary[2][:6] == ["青山村", "0", "1", "1", "1", "100"]
    table = {row[3]: row for row in sheets["联系优秀人才情况一览表"][1:]}
    assert table["张三"][7] == "138****5678"
    assert table["张三"][9:11] == ["2", "2026-05-10"]
    contacts = sheets["联系记录"][1:]
    assert [(r[1], r[3], r[5]) for r in contacts] == [
        ("2026-03-01", "张三", "面对面交流"),
        ("2026-05-10", "张三", "电话联系"),
    ]
    # talents.excel keeps its leading apostrophe on formula-like text: shown as text, never evaluated to 1
    assert contacts[1][7] == "'-2+3"
    assert table["王五"][5] == "'=1+1"
    assert len(sheets["人才诉求台账"]) == 3
    assert [r[4] for r in sheets["未达标"][1:]] == ["王五"]
    assert [r[9] for r in sheets["走访慰问"][1:]] == ["已完成", "已超期"]
