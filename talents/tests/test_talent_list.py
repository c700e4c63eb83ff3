import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from talents.models import Talent, WorkUnit
from talents.tests.factories import TalentCategoryFactory, TalentFactory, WorkUnitFactory

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


@pytest.fixture
def search_cases(talent_a, work_unit_a, village_a):
    """Talents whose names, pinyin and units a search could confuse; talent_a 张三 is in work_unit_a."""
    school = WorkUnitFactory(name="建国路小学", organization=village_a)
    it_centre = WorkUnitFactory(name="IT服务中心", organization=village_a)
    for name, unit in [("张建国", work_unit_a), ("王建国", work_unit_a), ("刘洋", school),
                       ("欧阳建国华", it_centre), ("Anna李", it_centre), ("王%五", work_unit_a)]:  # fmt: skip
        TalentFactory(name=name, work_unit=unit)


def _matched_before(text: str) -> set[int]:
    """The talents the search matched before the gram indexes: icontains on name and unit, pinyin prefixes."""
    q = Q(name__icontains=text) | Q(work_unit__name__icontains=text)
    if text.isascii() and text.isalpha():
        q |= Q(name_initials__startswith=text.lower()) | Q(name_pinyin__startswith=text.lower())
    return set(Talent.objects.filter(q).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("建国", {"张建国", "王建国", "欧阳建国华", "刘洋"}),  # 刘洋 by the unit 建国路小学
        ("建", {"张建国", "王建国", "欧阳建国华", "刘洋"}),
        ("国华", {"欧阳建国华"}),
        ("欧阳建国华", {"欧阳建国华"}),
        ("张", {"张三", "张建国"}),
        ("zs", {"张三"}),
        ("ZS", {"张三"}),
        ("zhang", {"张三", "张建国"}),
        ("wjg", {"王建国"}),
        ("jg", set()),  # initials and pinyin match from their start only
        ("路小", {"刘洋"}),
        ("it", {"欧阳建国华", "Anna李"}),
        ("anna", {"Anna李"}),
        ("%", {"王%五"}),
        ("_", set()),
        (" 王 ", {"王建国", "王%五"}),
        ("不存在", set()),
        ("张" * 201, set()),  # longer than any column searched
    ],
)
def test_search_matches_what_icontains_matched(search_cases, query, expected):
    found = Talent.objects.search(query)
    assert set(found.values_list("name", flat=True)) == expected
    assert set(found.values_list("pk", flat=True)) == _matched_before(query.strip())


def test_search_finds_a_renamed_unit_by_its_new_name(search_cases, work_unit_a):
    work_unit_a.name = "红旗公司"
    work_unit_a.save()
    assert set(Talent.objects.search("红旗").values_list("name", flat=True)) == {"张三", "张建国", "王建国", "王%五"}
    assert not Talent.objects.search("农业").exists()


@pytest.fixture
def analysed(search_cases, village_a):
    """400 more units and talents, analysed, so the planner weighs the indexes as it does on real tables."""
    units = WorkUnit.objects.bulk_create(WorkUnit(name=f"单位{i}", organization=village_a) for i in range(400))
    Talent.objects.bulk_create(
        Talent(name=f"人才{i}", name_initials="rc", name_pinyin=f"rencai{i}", work_unit=unit, organization=village_a)
        for i, unit in enumerate(units)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE talents_workunit, talents_talent")


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few hundred rows would still be read whole
    return queryset.explain()


@pytest.mark.parametrize("query", ["建国", "zs"])
def test_search_reads_the_gram_indexes(analysed, query):
    plan = _plan(Talent.objects.search(query))
    assert "talent_name_grams" in plan and "workunit_name_grams" in plan, plan


def test_search_computes_no_grams_for_the_rows_it_reads(analysed):
    # The index conditions imply the "found" condition, so only the exact test is left for each row.
    filters = [line for line in _plan(Talent.objects.search("建国")).splitlines() if "Filter:" in line]
    assert filters and not [line for line in filters if "search_grams" in line]


def test_search_pages_are_in_pinyin_order_both_ways(client, staff_a, work_unit_a, django_assert_max_num_queries):
    category = TalentCategoryFactory()
    for i in range(60):
        TalentFactory(name=f"张{i:02d}", work_unit=work_unit_a).categories.add(category)
    TalentFactory(name="李明", work_unit=work_unit_a)
    expected = list(
        Talent.objects.filter(name__startswith="张").order_by("name_pinyin", "pk").values_list("name", flat=True)
    )
    client.force_login(staff_a)
    pages = []
    for number in (1, 2, 3):  # page 3 is past the middle: read through the reversed ordering
        with django_assert_max_num_queries(12):
            pages += _names(client.get(URL, {"q": "张", "page": number}))
    assert pages == expected


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
