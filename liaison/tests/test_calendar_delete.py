import datetime

import pytest
from django.urls import reverse

from liaison.models import CalendarDay
from liaison.workdays import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrong_day():
    """A day entered by mistake: 2027-03-01 is no holiday."""
    return CalendarDay.objects.create(date=datetime.date(2027, 3, 1), kind=CalendarDay.Kind.HOLIDAY, name="误录")


def _url(day):
    return reverse("liaison:calendar_delete", args=[day.pk])


def test_staff_delete_a_wrongly_entered_day(client, staff_a, wrong_day):
    assert add_working_days(datetime.date(2027, 2, 26), 1) == datetime.date(2027, 3, 2)
    client.force_login(staff_a)
    response = client.post(_url(wrong_day))
    assert response.status_code == 302 and response.url.endswith("?year=2027")
    assert not CalendarDay.objects.filter(pk=wrong_day.pk).exists()
    assert add_working_days(datetime.date(2027, 2, 26), 1) == datetime.date(2027, 3, 1)


def test_an_unknown_day_is_404(client, staff_a, wrong_day):
    client.force_login(staff_a)
    url = _url(wrong_day)
    wrong_day.delete()
    assert client.post(url).status_code == 404


def test_leader_gets_403(client, leader_a, wrong_day):
    client.force_login(leader_a)
    assert client.post(_url(wrong_day)).status_code == 403
    assert CalendarDay.objects.filter(pk=wrong_day.pk).exists()


def test_anonymous_goes_to_login(client, wrong_day):
    assert client.post(_url(wrong_day)).status_code == 302
    assert CalendarDay.objects.filter(pk=wrong_day.pk).exists()


def test_get_is_405(client, staff_a, wrong_day):
    client.force_login(staff_a)
    assert client.get(_url(wrong_day)).status_code == 405
