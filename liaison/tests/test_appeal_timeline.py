import pytest
from django.urls import reverse

from liaison.models import Appeal
from liaison.tests.factories import appeal_at

pytestmark = pytest.mark.django_db


def test_appeals_appear_on_the_talent_timeline(client, staff_a, leader_a, pairing_a, talent_a, liaison_a):
    appeal = appeal_at(Appeal.Status.IN_PROGRESS, talent=talent_a, created_by=liaison_a)
    for user in (staff_a, leader_a):
        client.force_login(user)
        body = client.get(reverse("talents:talent_detail", args=[talent_a.pk])).content.decode()
        entry = body.split("timeline-appeal")[1].split("</li>")[0]
        assert "人才诉求" in entry and "子女入学" in entry and "办理中" in entry and "2026-03-02" in entry
        assert reverse("liaison:appeal_detail", args=[appeal.pk]) in entry


def test_another_talents_appeal_stays_off(client, staff_a, talent_a, talent_b, liaison_a):
    appeal_at(Appeal.Status.REGISTERED, talent=talent_b, created_by=liaison_a)
    client.force_login(staff_a)
    assert "timeline-appeal" not in client.get(reverse("talents:talent_detail", args=[talent_a.pk])).content.decode()
