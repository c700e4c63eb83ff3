import json
import re

import pytest
from django.urls import reverse

from maps.models import TalentNeed
from maps.tests.factories import TalentNeedFactory
from talents.models import TalentCategory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("maps:demand_map")


def test_staff_see_need_have_and_gap(client, staff_a, township_a, talent_a, need_a):
    talent_a.field = "茶叶加工"
    talent_a.save()
    client.force_login(staff_a)
    response = client.get(URL, {"year": need_a.created_at.year})
    assert response.status_code == 200
    assert [(r["field"], r["needed"], r["have"], r["gap"]) for r in response.context["rows"]] == [
        ("茶叶加工", 3, 1, 2), ("合计", 3, 1, 2)]  # fmt: skip
    chart = json.loads(re.search(r'id="maps-demand-data"[^>]*>(.*?)</script>', response.content.decode())[1])
    assert (chart["needed"], chart["have"], chart["gap"]) == ([3], [1], [2])  # numbers, not strings
    assert reverse("maps:need_edit", args=[need_a.pk]) in response.content.decode()


def test_parent_sees_the_sum_of_its_subtree(client, county_staff, county, township_a, township_b, need_a):
    TalentNeedFactory(organization=township_b, field="茶叶加工", count=2,
                      category=TalentCategory.objects.get(code="rural"))  # fmt: skip
    TalentFactory(field="茶叶加工")  # in no township of the county
    client.force_login(county_staff)
    response = client.get(URL, {"organization": county.pk, "year": need_a.created_at.year})
    rows = response.context["rows"]
    assert [(r["field"], r["category"], r["needed"], r["gap"]) for r in rows] == [
        ("茶叶加工", "", 3, 3), ("茶叶加工", "农村实用人才", 2, 2), ("合计", "", 5, 5)]  # fmt: skip
    # The category sits under the field, so that the gap column fits on a phone.
    assert '<td>茶叶加工<div class="small text-body-secondary">农村实用人才</div></td>' in response.content.decode()


def test_invalid_year_shows_this_year(client, staff_a, township_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_outsider_organization_gets_404(client, staff_b, township_a, need_a):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404


def test_outsider_sees_only_their_township(client, staff_b, need_a):
    client.force_login(staff_b)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_queries_do_not_grow_with_the_needs(client, county_staff, county, need_a, grow, queries_of):
    client.force_login(county_staff)
    small = queries_of(URL, {"year": 2026})
    grow(30)
    assert queries_of(URL, {"year": 2026}) == small <= 12


def test_needs_are_listed_25_a_page(client, staff_a, township_a, grow):
    grow(30)  # 30 needs of 青山镇 and 30 of 青山村
    client.force_login(staff_a)
    first = client.get(URL, {"year": 2026})
    page = first.context["page"]
    assert (len(page), page.paginator.count, page.paginator.num_pages) == (25, 60, 3)
    assert f"?organization={township_a.pk}&amp;year=2026&page=2" in first.content.decode()
    shown = [n.pk for number in (1, 2, 3) for n in client.get(URL, {"year": 2026, "page": number}).context["page"]]
    expected = (
        TalentNeed.objects.in_subtree(township_a)
        .order_by("organization__path", "field", "pk")
        .values_list("pk", flat=True)
    )
    assert shown == list(expected)
