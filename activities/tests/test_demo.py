import datetime

import pytest
from django.core.management import call_command

from activities.models import GroupActivity
from liaison.models import ContactLog

pytestmark = pytest.mark.django_db


def test_seed_makes_the_qingshan_activities_once_with_their_counted_contacts(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 11, 21))
    call_command("seed_demo")
    call_command("seed_demo")
    symposium = GroupActivity.objects.get(title="青山镇优秀人才座谈会")
    assert GroupActivity.objects.count() == 2
    assert (symposium.talents.count(), symposium.leaders.count()) == (3, 2)
    # Only 张建国 and qingshan_leader are a pair among those present.
    counted = ContactLog.objects.filter(activity=symposium).values_list("leader__user__username", "talent__name")
    assert sorted(counted) == [("qingshan_leader", "张建国")]
