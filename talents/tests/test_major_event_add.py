import pytest
from django.urls import reverse
from django.utils import timezone

from talents.models import Achievement, MajorEvent, Recommendation

pytestmark = pytest.mark.django_db


def _url(name, talent):
    return reverse(f"talents:{name}", args=[talent.pk])


def test_liaison_reports_a_major_event(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    data = {"kind": "health", "date": "2026-11-01", "description": "住院治疗"}
    response = client.post(_url("major_event_add", talent_a), data)
    event = MajorEvent.objects.get()
    assert response.status_code == 302
    assert (event.talent, event.kind, event.reported_by) == (talent_a, "health", liaison_a)


def test_future_date_is_refused(client, staff_a, talent_a):
    client.force_login(staff_a)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(_url("major_event_add", talent_a), {"kind": "health", "date": tomorrow, "description": "x"})
    assert response.status_code == 200
    assert "不能是将来的日期" in response.content.decode()
    assert not MajorEvent.objects.exists()


def test_form_defaults_to_today(client, staff_a, talent_a):
    client.force_login(staff_a)
    body = client.get(_url("major_event_add", talent_a)).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body


def test_leader_may_not_report(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.post(_url("major_event_add", talent_a), {}).status_code == 403


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url("major_event_add", talent_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url("major_event_add", talent_a)).status_code == 302


def test_patch_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.patch(_url("major_event_add", talent_a)).status_code == 405


def test_achievement_is_added_to_the_timeline(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    data = {"date": "2025-09-10", "title": "省级劳动模范", "description": ""}
    assert client.post(_url("achievement_add", talent_a), data).status_code == 302
    assert Achievement.objects.get().created_by == liaison_a
    assert "省级劳动模范" in client.get(_url("talent_detail", talent_a)).content.decode()


def test_recommendation_is_for_staff_and_checks_the_year(client, staff_a, liaison_a, talent_a):
    data = {"body": "cppcc", "year": "26", "status": "recommended", "notes": ""}
    client.force_login(liaison_a)
    assert client.post(_url("recommendation_add", talent_a), data).status_code == 403
    client.force_login(staff_a)
    assert "请输入年份" in client.post(_url("recommendation_add", talent_a), data).content.decode()
    assert client.post(_url("recommendation_add", talent_a), {**data, "year": "2026"}).status_code == 302
    assert Recommendation.objects.get().get_body_display() == "政协委员"
