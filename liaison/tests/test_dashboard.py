"""The staff dashboard: the report's own figures, charts fed by json_script, overdue lists, in ≤ 12 queries."""

import datetime
import json

import pytest
from django.db.models import Q
from django.urls import reverse

from liaison.models import Appeal
from liaison.reports import report_summary
from liaison.tests.report_world import YEAR

pytestmark = pytest.mark.django_db
URL = reverse("liaison:dashboard")


@pytest.fixture
def in_2026(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2026, 12, 20))


def test_figures_equal_the_report(client, staff_a, world, township_a, in_2026):
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["total"] == report_summary(township_a, YEAR, datetime.date(2026, 12, 20))[-1]
    chart = response.context["chart"]
    assert chart["organizations"] == ["青山镇", "青山村"]
    assert chart["rates"] == [0.0, 100.0]
    assert chart["months"] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert ("已交办", 1) in chart["by_status"]
    assert chart["by_category"] == [("子女入学", 2)]
    body = response.content.decode()
    assert json.loads(body.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])["rates"]
    assert "js/dashboard.js" in body and "echarts-6.1.0/echarts.common.min.js" in body
    assert [a.talent.name for a in response.context["overdue_appeals"]] == ["张三"]
    assert [t.due_date for t in response.context["overdue_visits"]] == [datetime.date(2026, 9, 16)]
    assert response.context["holiday"] is not None
    assert "绿水乡" not in body


def test_at_most_12_queries(client, staff_a, world, in_2026, django_assert_max_num_queries):
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_home_and_navbar_link_the_dashboard_for_staff(client, staff_a):
    client.force_login(staff_a)
    assert URL in client.get(reverse("accounts:home")).content.decode()


def test_garbage_organization_falls_back(client, staff_a, world, in_2026):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": "x"})
    assert response.status_code == 200
    assert response.context["root"].name == "青山镇"


def test_anonymous_goes_to_login(client):
    assert "login" in client.get(URL).url


def test_outsider_gets_404(client, staff_b, world, township_a):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_the_open_deadline_index_names_the_open_statuses():
    index = next(i for i in Appeal._meta.indexes if i.name == "appeal_open_deadline")
    assert index.condition == Q(status__in=list(Appeal.OPEN_STATUSES))
