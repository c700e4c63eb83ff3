import pytest
from django.urls import reverse

from talents.models import WorkUnit
from talents.tests.factories import WorkUnitFactory

pytestmark = pytest.mark.django_db


def test_staff_list_their_units_only(client, staff_a, work_unit_a, work_unit_b):
    client.force_login(staff_a)
    body = client.get(reverse("talents:workunit_list")).content.decode()
    assert "青山农业合作社" in body and "郑小红" in body
    assert "绿水中学" not in body


def test_staff_add_a_unit_with_a_liaison_officer(client, staff_a, village_a, liaison_a):
    client.force_login(staff_a)
    data = {"name": "青山小学", "organization": village_a.pk, "address": "", "liaison_officers": [liaison_a.pk]}
    assert client.post(reverse("talents:workunit_add"), data).status_code == 302
    assert list(WorkUnit.objects.get(name="青山小学").liaison_officers.all()) == [liaison_a]


def test_duplicate_name_in_an_organization_is_refused(client, staff_a, work_unit_a, village_a):
    client.force_login(staff_a)
    data = {"name": "青山农业合作社", "organization": village_a.pk, "address": ""}
    response = client.post(reverse("talents:workunit_add"), data)
    assert response.status_code == 200
    assert "已有同名单位" in response.content.decode()


def test_moving_a_unit_moves_its_talents(client, staff_a, work_unit_a, talent_a, township_a):
    client.force_login(staff_a)
    data = {"name": "青山农业合作社", "organization": township_a.pk, "address": ""}
    assert client.post(reverse("talents:workunit_edit", args=[work_unit_a.pk]), data).status_code == 302
    talent_a.refresh_from_db()
    assert talent_a.organization == township_a


def test_sibling_staff_get_404(client, staff_b, work_unit_a):
    client.force_login(staff_b)
    assert client.get(reverse("talents:workunit_edit", args=[work_unit_a.pk])).status_code == 404


def test_organization_out_of_scope_is_refused(client, staff_a, township_b):
    client.force_login(staff_a)
    data = {"name": "入侵单位", "organization": township_b.pk, "address": ""}
    assert client.post(reverse("talents:workunit_add"), data).status_code == 200
    assert not WorkUnit.objects.filter(name="入侵单位").exists()


def test_liaison_gets_403(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(reverse("talents:workunit_list")).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(reverse("talents:workunit_add")).status_code == 302


def test_post_to_list_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(reverse("talents:workunit_list")).status_code == 405


def test_query_count_does_not_grow_with_the_units(client, staff_a, village_a, liaison_a, django_assert_max_num_queries):
    client.force_login(staff_a)
    counts = []
    for more in (2, 18):
        for _ in range(more):
            WorkUnitFactory(organization=village_a).liaison_officers.add(liaison_a)
        with django_assert_max_num_queries(12) as captured:
            page = client.get(reverse("talents:workunit_list")).context["page"]
        counts.append(len(captured))
    assert len(page) == 20
    assert counts[0] == counts[1]
