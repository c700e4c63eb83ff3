"""Build pairing and contact-ledger workbooks for the import tests with the roster tests' builder."""

from talents.tests.roster_files import roster_bytes

PAIRING_HEADER = ["序号", "联系领导", "职务", "分管领域", "联系人才", "身份证号码", "所在单位", "开始日期"]
CONTACT_HEADER = [
    "序号", "联系日期", "联系领导", "联系人才", "身份证号码", "联系方式",
    "联系内容", "联系情况", "意见建议", "发起方", "地点",
]  # fmt: skip


def pairings_bytes(rows, *, header=PAIRING_HEADER, titles=()) -> bytes:
    """Return a pairings workbook: ``titles`` rows, the header, then ``rows`` (an empty one is blank)."""
    return roster_bytes(rows, header=header, titles=titles)


def contacts_bytes(rows, *, header=CONTACT_HEADER, titles=()) -> bytes:
    """Return a contact-ledger workbook: ``titles`` rows, the header, then ``rows``."""
    return roster_bytes(rows, header=header, titles=titles)
