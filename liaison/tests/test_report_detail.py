"""The report page: summary of the chosen organization and year, workbooks, and the children's reports."""

import pytest
from django.urls import reverse

from liaison.models import AnnualReport
from liaison.tests.report_world import YEAR

pytestmark = pytest.mark.django_db
URL = reverse("liaison:report_detail")


def test_staff_sees_the_summary_of_their_township(client, staff_a, world, township_a):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": township_a.pk, "year": YEAR})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["name"], r["pairings"], r["met"], r["contacts"]) for r in rows] == [
        ("青山镇", 1, 0, 0), ("青山村", 1, 1, 2), ("合计", 2, 1, 2)]  # fmt: skip
    assert "绿水乡" not in response.content.decode()
    assert response.context["may_submit"] is True


def test_county_sees_which_townships_have_submitted(client, county_staff, world, county, township_a):
    AnnualReport.objects.create(organization=township_a, year=YEAR, status=AnnualReport.Status.SUBMITTED)
    client.force_login(county_staff)
    response = client.get(URL, {"organization": county.pk, "year": YEAR})
    status = {c["organization"].name: c["report"] and c["report"].status for c in response.context["children"]}
    assert status == {"青山镇": "submitted", "绿水乡": None}
    assert response.context["may_submit"] is False  # the top of the tree reports to no one


def test_garbage_year_shows_a_message_and_this_year(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert "输入整数" in response.content.decode()
    assert response.context["root"].name == "青山镇"


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response.url


def test_outsider_gets_404(client, staff_b, world, township_a):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404


def test_leader_gets_403(client, leader_a, world):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405
