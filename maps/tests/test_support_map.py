import datetime
import json
import re

import pytest
from django.urls import reverse

from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import appeal_at
from maps.tests.factories import SupportRecordFactory, support_kind

pytestmark = pytest.mark.django_db
URL = reverse("maps:support_map")


@pytest.fixture
def housed(support_a, talent_a, talent_b):
    """张三: a housing subsidy recorded and a housing appeal closed in 2026; 李四 (绿水乡) housed too."""
    appeal_at(Appeal.Status.CLOSED, talent=talent_a, category=AppealCategory.objects.get(code="housing"))
    SupportRecordFactory(talent=talent_b, kind=support_kind("housing"), date=datetime.date(2026, 5, 1))


def test_staff_see_talents_per_kind(client, staff_a, housed):
    client.force_login(staff_a)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    rows = {r["kind"].code: (r["talents"], r["record"], r["appeal"]) for r in response.context["kind_rows"]}
    assert rows["housing"] == (1, 1, 1)  # one talent, shown by two sources
    assert response.context["panorama"].supported == 1
    chart = json.loads(re.search(r'id="maps-support-data"[^>]*>(.*?)</script>', response.content.decode())[1])
    assert chart["talents"][:2] == [1, 0]  # numbers, not strings


def test_drill_down_lists_the_talents_of_a_kind(client, staff_a, housed, talent_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": 2026, "kind": support_kind("housing").pk})
    assert [t.name for t in response.context["page"]] == ["张三"]
    assert reverse("maps:talent_support", args=[talent_a.pk]) in response.content.decode()


def test_invalid_year_shows_this_year(client, staff_a, housed):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "x"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404_for_township_a(client, staff_b, township_a, housed):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404
    response = client.get(URL, {"year": 2026, "kind": support_kind("housing").pk})
    assert [t.name for t in response.context["page"]] == ["李四"]


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_queries_do_not_grow_with_the_talents(client, county_staff, county, housed, grow, queries_of):
    client.force_login(county_staff)
    views = [{"year": 2026}, {"year": 2026, "kind": support_kind("housing").pk}]
    small = [queries_of(URL, params) for params in views]
    grow(30)
    assert [queries_of(URL, params) for params in views] == small
    assert max(small) <= 12


def test_drill_down_pages_count_what_the_panorama_counts(client, county_staff, county, housed, grow):
    grow(30)  # 90 talents with a housing appeal closed, and 张三 and 李四 housed
    client.force_login(county_staff)
    housing = support_kind("housing").pk
    response = client.get(URL, {"year": 2026, "kind": housing})
    assert response.context["page"].paginator.count == response.context["kind_rows"][0]["talents"] == 92
    names = [
        t.pk for n in (1, 2, 3, 4) for t in client.get(URL, {"year": 2026, "kind": housing, "page": n}).context["page"]
    ]
    assert len(names) == len(set(names)) == 92


@pytest.mark.parametrize("query", [{}, {"organization": ""}])
def test_the_year_box_shows_the_year_shown(client, staff_a, housed, query):
    client.force_login(staff_a)
    body = client.get(URL, query).content.decode()
    year = datetime.date.today().year
    assert re.search(rf'<input type="number" name="year" value="{year}"', body)
    assert f"{year} 年人才保障全景" in body or f"{year}年人才保障全景" in body
