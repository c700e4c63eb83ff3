import pytest
from django.urls import reverse

from talents.models import Talent
from talents.tests.factories import TalentCategoryFactory, TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("talents:talent_list")


def _names(response):
    return [t.name for t in response.context["page"]]


def test_staff_see_their_subtree_only(client, staff_a, talent_a, talent_b):
    client.force_login(staff_a)
    assert _names(client.get(URL)) == ["张三"]


def test_county_staff_see_both(client, county_staff, talent_a, talent_b):
    client.force_login(county_staff)
    assert sorted(_names(client.get(URL))) == ["张三", "李四"]


def test_liaison_sees_only_their_units_talents(client, liaison_a, talent_a, village_a):
    from talents.tests.factories import WorkUnitFactory

    TalentFactory(name="王五", work_unit=WorkUnitFactory(name="别的单位", organization=village_a))
    client.force_login(liaison_a)
    assert _names(client.get(URL)) == ["张三"]


def test_leader_sees_only_paired_talents(client, leader_a, pairing_a, talent_b, work_unit_a):
    TalentFactory(name="王五", work_unit=work_unit_a)
    client.force_login(leader_a)
    assert _names(client.get(URL)) == ["张三"]


def test_list_masks_numbers(client, staff_a, talent_a):
    client.force_login(staff_a)
    body = client.get(URL).content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body
    assert talent_a.id_number not in body


@pytest.mark.parametrize("query", ["zs", "ZS", "zhang", "张", "农业合作社"])
def test_search_by_initials_pinyin_name_and_unit(client, staff_a, talent_a, work_unit_a, query):
    TalentFactory(name="李明", work_unit__organization=work_unit_a.organization)
    client.force_login(staff_a)
    assert _names(client.get(URL, {"q": query})) == ["张三"]


def test_filters_by_category_level_and_status(client, staff_a, talent_a, work_unit_a):
    rural = TalentCategoryFactory(code="rural", name="农村实用人才")
    talent_a.categories.add(rural)
    other = TalentFactory(name="王五", work_unit=work_unit_a, level=Talent.Level.PROVINCIAL)
    client.force_login(staff_a)
    assert _names(client.get(URL, {"category": rural.pk})) == ["张三"]
    assert _names(client.get(URL, {"level": "provincial"})) == ["王五"]
    other.status = Talent.Status.ARCHIVED
    other.save()
    assert _names(client.get(URL)) == ["张三"]
    assert _names(client.get(URL, {"status": "archived"})) == ["王五"]


def test_filter_by_organization_subtree(client, county_staff, talent_a, talent_b, township_a):
    client.force_login(county_staff)
    assert _names(client.get(URL, {"organization": township_a.pk})) == ["张三"]


def test_out_of_scope_filter_choice_is_an_error_not_a_leak(client, staff_a, talent_a, talent_b, township_b):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": township_b.pk})
    assert response.status_code == 200
    assert "李四" not in response.content.decode()


def test_query_count_is_constant(client, staff_a, work_unit_a, django_assert_max_num_queries):
    category = TalentCategoryFactory()
    for i in range(30):
        TalentFactory(name=f"人才{i}", work_unit=work_unit_a).categories.add(category)
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["page"]) == 25


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405
