import datetime

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import GroupActivity
from activities.tests.conftest import TODAY
from activities.tests.factories import GroupActivityFactory, kind
from liaison.models import ContactLog, Pairing
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def _counted(activity):
    return list(ContactLog.objects.filter(activity=activity))


def test_pairing_present_together_counts_as_one_confirmed_contact(together_a, pairing_a):
    [contact] = _counted(together_a)
    assert (contact.pairing, contact.leader, contact.talent) == (pairing_a, pairing_a.leader, pairing_a.talent)
    assert contact.date == datetime.date(2026, 3, 10)
    assert contact.method == kind("symposium").contact_method
    assert contact.confirmed_at is not None
    assert "优秀人才座谈会" in contact.summary and contact.place == "镇政府三楼会议室"


def test_counts_once_however_often_synced_or_saved(together_a, leader_a_record, talent_a):
    services.activity_contacts_sync(activity=together_a)
    services.activity_set_participants(activity=together_a, talents=[talent_a], leaders=[leader_a_record])
    services.activity_add_participants(activity=together_a, talents=[talent_a], leaders=[leader_a_record])
    services.activity_update(activity=together_a, today=TODAY, title="人才座谈会（二）")
    assert len(_counted(together_a)) == 1
    assert "人才座谈会（二）" in _counted(together_a)[0].summary


def test_a_second_sync_adds_nothing(together_a):
    assert services.activity_contacts_sync(activity=together_a) == (0, 0)


def test_each_pairing_present_counts_once(activity_a, pairing_a, township_a, talent_a, leader_a_record, term_a):
    second_talent = TalentFactory(work_unit=talent_a.work_unit)
    PairingFactory(term=term_a, leader=leader_a_record, talent=second_talent)
    other_leader = LeaderFactory(organization=township_a)
    PairingFactory(term=term_a, leader=other_leader, talent=TalentFactory(work_unit=talent_a.work_unit))
    services.activity_set_participants(
        activity=activity_a, talents=[talent_a, second_talent], leaders=[leader_a_record, other_leader]
    )
    # other_leader's talent stayed away: that pairing does not count.
    assert sorted(c.talent_id for c in _counted(activity_a)) == sorted([talent_a.pk, second_talent.pk])


def test_leader_or_talent_alone_counts_nothing(activity_a, pairing_a, talent_a, leader_a_record):
    services.activity_set_participants(activity=activity_a, talents=[talent_a], leaders=[])
    assert _counted(activity_a) == []
    services.activity_set_participants(activity=activity_a, talents=[], leaders=[leader_a_record])
    assert _counted(activity_a) == []


def test_removing_a_participant_removes_the_counted_contact(together_a, leader_a_record):
    services.activity_set_participants(activity=together_a, talents=[], leaders=[leader_a_record])
    assert _counted(together_a) == []
    assert together_a.leaders.count() == 1


def test_hand_typed_contacts_are_never_touched(together_a, pairing_a, leader_a_record):
    typed = ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 3, 10))
    services.activity_set_participants(activity=together_a, talents=[], leaders=[])
    services.activity_delete(activity=GroupActivity.objects.get(pk=together_a.pk))
    typed.refresh_from_db()
    assert typed.activity is None and ContactLog.objects.filter(pk=typed.pk).exists()


def test_moving_the_date_outside_the_pairing_removes_the_contact(together_a, pairing_a):
    pairing_a.end = datetime.date(2026, 4, 30)
    pairing_a.save()
    services.activity_update(activity=together_a, today=TODAY, date=datetime.date(2026, 5, 20))
    assert _counted(together_a) == []
    services.activity_update(activity=together_a, today=TODAY, date=datetime.date(2026, 4, 30))
    [contact] = _counted(together_a)
    assert contact.date == datetime.date(2026, 4, 30)


def test_a_new_kind_carries_its_contact_method(together_a):
    services.activity_update(activity=together_a, today=TODAY, kind=kind("checkup"))
    assert _counted(together_a)[0].method.code == "group_activity"


def test_a_pairing_not_yet_started_does_not_count(activity_a, pairing_a, talent_a, leader_a_record):
    Pairing.objects.filter(pk=pairing_a.pk).update(start=datetime.date(2026, 3, 11))
    services.activity_set_participants(activity=activity_a, talents=[talent_a], leaders=[leader_a_record])
    assert _counted(activity_a) == []


def test_the_counted_contact_shows_in_compliance(together_a, pairing_a):
    row = Pairing.objects.filter(pk=pairing_a.pk).with_year_stats(2026).get()
    assert (row.contacts_this_year, row.met_minimum, row.last_contact) == (1, True, datetime.date(2026, 3, 10))
    services.activity_set_participants(activity=together_a, talents=[], leaders=[])
    row = Pairing.objects.filter(pk=pairing_a.pk).with_year_stats(2026).get()
    assert (row.contacts_this_year, row.met_minimum) == (0, False)


def test_deleting_the_activity_deletes_its_contacts(together_a):
    services.activity_delete(activity=together_a)
    assert not ContactLog.objects.filter(summary__contains="优秀人才座谈会").exists()


def test_participants_outside_the_organizer_are_refused(activity_a, talent_b):
    with pytest.raises(ValidationError, match="李四"):
        services.activity_set_participants(activity=activity_a, talents=[talent_b], leaders=[])
    assert activity_a.talents.count() == 0


def test_organizer_cannot_move_away_from_its_participants(together_a, village_a):
    other = GroupActivityFactory(organization=village_a)
    with pytest.raises(ValidationError):
        services.activity_update(activity=together_a, today=TODAY, organization=other.organization)


def test_an_activity_in_the_future_is_refused(township_a, staff_a):
    with pytest.raises(ValidationError):
        services.activity_create(
            organization=township_a, kind=kind(), title="团拜会", date=TODAY + datetime.timedelta(days=1),
            user=staff_a, today=TODAY,
        )  # fmt: skip


def test_visible_to_scopes_activities(together_a, staff_a, staff_b, county_staff, leader_a, liaison_a, township_b):
    GroupActivityFactory(organization=township_b, title="绿水乡团拜会")
    assert list(GroupActivity.objects.visible_to(staff_a)) == [together_a]
    assert list(GroupActivity.objects.visible_to(staff_b).values_list("title", flat=True)) == ["绿水乡团拜会"]
    assert GroupActivity.objects.visible_to(county_staff).count() == 2
    assert list(GroupActivity.objects.visible_to(leader_a)) == [together_a]
    assert list(GroupActivity.objects.visible_to(liaison_a)) == [together_a]


def test_with_counts_counts_without_multiplying(together_a, talent_a, leader_a_record):
    row = GroupActivity.objects.with_counts().get(pk=together_a.pk)
    assert (row.talent_count, row.leader_count, row.contact_count) == (1, 1, 1)
