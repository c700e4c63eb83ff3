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


def test_work_unit_choices_wait_for_an_organization_when_there_are_many(
    client, county_staff, township_a, township_b, talent_a, talent_b, monkeypatch
):
    monkeypatch.setattr("talents.filters.CHOICES_MAX", 1)
    client.force_login(county_staff)
    field = client.get(URL).context["filter"].form["work_unit"]
    assert len(list(field)) == 1  # only "All"
    assert field.help_text
    field = client.get(URL, {"organization": township_a.pk}).context["filter"].form["work_unit"]
    assert [c.choice_label for c in field][1:] == [talent_a.work_unit.name]
    # A link to one unit still filters and shows that unit, whatever the scope's size.
    response = client.get(URL, {"work_unit": talent_b.work_unit_id})
    assert _names(response) == ["李四"]
    assert [c.choice_label for c in response.context["filter"].form["work_unit"]][1:] == [talent_b.work_unit.name]


def test_pages_past_the_middle_read_backwards_in_the_same_order(
    client, staff_a, work_unit_a, django_assert_max_num_queries
):
    for i in range(60):
        TalentFactory(name=f"人才{i:02d}", work_unit=work_unit_a)
    expected = list(Talent.objects.order_by("name_pinyin", "pk").values_list("name", flat=True))
    client.force_login(staff_a)
    pages = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(12):
            pages += _names(client.get(URL, {"page": number}))
    assert pages == expected
