import pytest
from django.urls import reverse

from activities.tests.factories import GroupActivityFactory, kind

pytestmark = pytest.mark.django_db
URL = reverse("activities:activity_list")


def test_staff_sees_their_activities_with_counts(client, staff_a, together_a, township_b):
    GroupActivityFactory(organization=township_b, title="绿水乡团拜会")
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [together_a.pk]
    row = response.context["page"][0]
    assert (row.talent_count, row.leader_count, row.contact_count) == (1, 1, 1)
    assert response.context["totals"] == {"activities": 1, "contacts": 1}
    assert "绿水乡团拜会" not in response.content.decode()


def test_filters_by_year_kind_and_organization(client, staff_a, activity_a, village_a):
    village = GroupActivityFactory(organization=village_a, kind=kind("checkup"), title="健康体检")
    client.force_login(staff_a)
    assert [a.pk for a in client.get(URL, {"kind": kind("checkup").pk}).context["page"]] == [village.pk]
    assert [a.pk for a in client.get(URL, {"organization": village_a.pk}).context["page"]] == [village.pk]
    assert list(client.get(URL, {"year": 2025}).context["page"]) == []
    assert len(client.get(URL, {"year": 2026}).context["page"]) == 2


def test_invalid_filter_is_shown_not_crashed(client, staff_a, activity_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "abc"})
    assert response.status_code == 200 and response.context["filter"].errors


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_sees_none_of_township_a(client, staff_b, together_a):
    client.force_login(staff_b)
    assert list(client.get(URL).context["page"]) == []


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_query_count_does_not_grow_with_the_activities(
    client, staff_a, together_a, township_a, talent_a, leader_a_record, django_assert_max_num_queries
):
    client.force_login(staff_a)
    counts = []
    for more in (1, 18):
        for _ in range(more):
            activity = GroupActivityFactory(organization=township_a)
            activity.talents.add(talent_a)
            activity.leaders.add(leader_a_record)
        with django_assert_max_num_queries(12) as captured:
            page = client.get(URL).context["page"]
        counts.append(len(captured))
    assert len(page) == 20
    assert counts[0] == counts[1]
