"""A small, hand-made year 2026 for the annual report tests; every expected number is written in a test.

Township A (青山镇, staff_a) with its village 青山村; sibling township B (绿水乡, staff_b).
- leader_a (党委书记, township A) is paired with 张三 (青山村) and 王五 (township A itself; post "=1+1").
- 张三: two confirmed 2026 contacts (面对面交流 03-01, 电话联系 05-10), one pending, one in 2025;
  two 2026 appeals (one assigned and overdue, one closed and satisfied); two visit tasks (one done,
  one overdue). 王五: no contact: below the minimum.
- Township B: leader_b ↔ 李四 with one 2026 contact and one appeal; nothing of it may appear in A's report.
"""

import datetime

import pytest

from liaison.models import Appeal, ContactMethod, Holiday, VisitTask
from liaison.tests.factories import (
    AppealFactory,
    ContactLogFactory,
    LeaderFactory,
    PairingFactory,
    TermFactory,
    appeal_at,
)
from talents.tests.factories import TalentFactory, WorkUnitFactory

YEAR = 2026
TODAY = datetime.date(2026, 12, 20)


def _method(code):
    return ContactMethod.objects.get(code=code)


@pytest.fixture
def world(pairing_a, talent_a, talent_b, township_a, township_b, leader_a_record, staff_a, staff_b, county_staff):
    unit = WorkUnitFactory(name="青山镇卫生院", organization=township_a)
    wang = TalentFactory(name="王五", work_unit=unit, post="=1+1", phone="13700001111")
    pairing_c = PairingFactory(term=pairing_a.term, leader=leader_a_record, talent=wang)
    ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 3, 1), method=_method("talk"))
    ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 5, 10), method=_method("phone"), summary="-2+3")
    ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 6, 1), confirmed_at=None)
    ContactLogFactory(pairing=pairing_a, date=datetime.date(2025, 11, 1))
    appeal_at(Appeal.Status.ASSIGNED, talent=talent_a)  # deadline 2026-03-23: overdue on TODAY
    appeal_at(Appeal.Status.CLOSED, talent=talent_a)  # satisfied
    holiday = Holiday.objects.get(name="春节")  # seeded by a migration
    common = {"pairing": pairing_a, "leader": leader_a_record, "talent": talent_a, "holiday": holiday}
    VisitTask.objects.create(
        key="t1", kind=VisitTask.Kind.HOLIDAY, window_start=datetime.date(2026, 2, 10),
        due_date=datetime.date(2026, 2, 17), done_at=datetime.date(2026, 2, 12), **common,
    )  # fmt: skip
    VisitTask.objects.create(key="t2", kind=VisitTask.Kind.ACHIEVEMENT, window_start=datetime.date(2026, 9, 1),
                             due_date=datetime.date(2026, 9, 16), pairing=pairing_a, leader=leader_a_record,
                             talent=talent_a)  # fmt: skip
    term_b = TermFactory(organization=township_b, name="2025—2026")
    pairing_b = PairingFactory(term=term_b, leader=LeaderFactory(organization=township_b), talent=talent_b)
    ContactLogFactory(pairing=pairing_b, date=datetime.date(2026, 4, 1), summary="绿水乡的联系")
    AppealFactory(talent=talent_b, description="绿水乡的诉求")
    return {"pairing_a": pairing_a, "pairing_c": pairing_c, "pairing_b": pairing_b, "wang": wang}
