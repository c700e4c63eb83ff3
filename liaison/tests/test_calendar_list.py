import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
URL = reverse("liaison:calendar_list")


def test_staff_see_a_years_holidays_and_make_up_days(client, staff_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "2026"})
    body = response.content.decode()
    dates = [d.date.isoformat() for d in response.context["days"]]
    assert "2026-02-17" in dates and "2026-02-14" in dates and "2025-10-01" not in dates
    assert "春节" in body and "调休上班日" in body and "法定节假日（休息）" in body


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_a_bad_year_shows_this_year(client, staff_a, year):
    client.force_login(staff_a)
    response = client.get(URL, {"year": year})
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year


def test_next_year_is_offered_even_before_it_has_days(client, staff_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "2030"})
    assert 2031 in response.context["years"] and list(response.context["days"]) == []
    assert "本年度尚未录入节假日安排" in response.content.decode()


def test_every_staff_sees_the_national_calendar(client, staff_b):
    # One State Council calendar for the whole country: no organization owns it.
    client.force_login(staff_b)
    assert client.get(URL).status_code == 200


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405
