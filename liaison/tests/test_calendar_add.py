import datetime

import pytest
from django.urls import reverse

from liaison.models import CalendarDay
from liaison.workdays import add_working_days

pytestmark = pytest.mark.django_db
URL = reverse("liaison:calendar_add")


def test_staff_enter_next_years_holiday_and_deadlines_follow(client, staff_a):
    client.force_login(staff_a)
    response = client.post(URL, {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302 and response.url == reverse("liaison:calendar_list") + "?year=2027"
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 1))
    assert (day.kind, day.name) == ("holiday", "元旦")
    assert add_working_days(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 4)


def test_a_make_up_saturday(client, staff_a):
    client.force_login(staff_a)
    client.post(URL, {"date": "2027-02-20", "kind": "workday", "name": "春节"})
    assert add_working_days(datetime.date(2027, 2, 19), 1) == datetime.date(2027, 2, 20)


def test_invalid_form_is_re_rendered_with_errors(client, staff_a):
    client.force_login(staff_a)
    body = client.post(URL, {"date": "2026-02-17", "kind": "holiday", "name": "春节"}).content.decode()
    assert "该日期已在节假日安排中" in body
    body = client.post(URL, {"date": "2027-02-30", "kind": "feast"}).content.decode()
    assert "输入一个有效的日期" in body and "选择一个有效的选项" in body
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.post(URL, {"date": "2027-01-01", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_patch_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.patch(URL).status_code == 405
