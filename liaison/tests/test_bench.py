import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from openpyxl import load_workbook

from liaison.management.commands.bench import _write_plain
from liaison.reports import report_sheets
from liaison.tests.report_world import TODAY, YEAR
from talents.excel import write_workbook

BASE_DIR = Path(__file__).resolve().parents[2]


def test_bench_prints_the_figures_at_a_tiny_scale(tmp_path):
    # A subprocess: the command switches the default database, which must not touch the test database.
    out = tmp_path / "bench.json"
    database = f"tl_bench_pytest_{os.getpid()}"
    subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "manage.py", "bench", "--scale", "0.001", "--requests", "2", "--database-name", database,
         "--json", str(out)],
        cwd=BASE_DIR, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    figures = json.loads(out.read_text(encoding="utf-8"))

    assert {"scale", "rows", "pages", "admin", "report", "sweeps", "machine"} <= figures.keys()
    assert figures["rows"]["talents"] == 100
    assert figures["rows"]["contacts"] == 1000
    page = figures["pages"]["talent_list:county_staff"]
    assert page["status"] == 200
    assert {"queries", "p50_ms", "p95_ms", "admin_alongside_p50_ms", "ratio_to_admin_alongside"} <= page.keys()
    assert page["ratio_to_admin_alongside"] == round(page["p50_ms"] / page["admin_alongside_p50_ms"], 2)
    assert all(0 < page["queries"] <= 12 for page in figures["pages"].values())
    assert figures["admin"]["talent_changelist"]["status"] == 200
    assert {"seconds", "peak_mb", "openpyxl_seconds", "ratio", "method"} <= figures["report"].keys()
    assert figures["report"]["rows"] == figures["report"]["openpyxl_rows"] > 0
    for name, sweep in figures["sweeps"].items():
        assert sweep["second_run_created"] == 0, name
    for name in ["contact_reminders", "staff_summaries", "no_contact_reminders", "holiday_campaigns", "must_visits",
                 "overdue_escalations"]:  # fmt: skip
        assert figures["sweeps"][name]["created"] > 0, name
        assert {"seconds", "queries", "second_run_seconds"} <= sweep.keys()


def test_bench_refuses_the_configured_database():
    configured = environ.Env.db_url_config(os.environ["DATABASE_URL"])["NAME"]
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "manage.py", "bench", "--database-name", configured],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "must differ" in result.stderr


@pytest.mark.django_db
def test_plain_peer_writes_the_reports_sheets_rows_and_columns(world, township_a, tmp_path):
    report = write_workbook(tmp_path / "report.xlsx", report_sheets(township_a, YEAR, TODAY))
    peer = _write_plain(township_a, YEAR, TODAY, str(tmp_path / "peer.xlsx"))

    # 3 summary rows, 2 pairings, 2 contacts, 2 appeals, 1 below the minimum, 2 visit tasks, 3 panorama rows.
    assert peer == report == 15
    report_sheets_read = load_workbook(tmp_path / "report.xlsx").worksheets
    peer_sheets_read = load_workbook(tmp_path / "peer.xlsx").worksheets
    assert [(ws.max_row, ws.max_column) for ws in peer_sheets_read] == [
        (ws.max_row, ws.max_column) for ws in report_sheets_read
    ]
