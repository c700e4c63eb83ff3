import pytest

from talents.timeline import entries_for

pytestmark = pytest.mark.django_db


def test_talent_timeline_lists_the_activity_and_its_counted_contact(together_a, talent_a, staff_a):
    entries = entries_for(talent_a, staff_a)
    kinds = [(e.kind, e.title) for e in entries if e.date == together_a.date]
    assert ("activity", "优秀人才座谈会") in kinds
    assert any(kind == "contact" for kind, _title in kinds)


def test_outsider_timeline_has_no_activity(together_a, talent_a, staff_b):
    assert not [e for e in entries_for(talent_a, staff_b) if e.kind == "activity"]
