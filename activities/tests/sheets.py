"""Build sign-in sheets for the import tests with the roster tests' builder."""

from talents.tests.roster_files import roster_bytes

HEADER = ["序号", "姓名", "身份证号", "手机号", "所在单位", "身份", "签到"]


def sheet_bytes(rows, *, header=HEADER, titles=("优秀人才座谈会签到表",)) -> bytes:
    """Return a sign-in sheet: a title row, the header, then ``rows``."""
    return roster_bytes(rows, header=header, titles=titles)


def row(name, *, id_number="", phone="", unit="", role="") -> list:
    return ["1", name, id_number, phone, unit, role, "✓"]
