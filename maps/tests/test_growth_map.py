import datetime

import pytest
from django.urls import reverse

from maps import services
from maps.tests.factories import GrowthRecordFactory, MentorshipFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("maps:growth_map")


@pytest.fixture
def roadmap(talent_a, term_a, leader_a_record, growth_a, work_unit_a):
    """张三 has a mentor for 2025—2026 and a 2026 course; 赵六 has neither; a 2025 award is last year's."""
    MentorshipFactory(talent=talent_a, term=term_a, mentor_leader=leader_a_record)
    zhao = TalentFactory(name="赵六", work_unit=work_unit_a)
    GrowthRecordFactory(talent=zhao, kind="award", date=datetime.date(2025, 9, 1), title="县级技术能手")
    return zhao


def test_staff_see_who_has_a_mentor_and_the_years_records(client, staff_a, roadmap, growth_a):
    client.force_login(staff_a)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["talents"], counts["mentored"], counts["unmentored"], counts["records"]) == (2, 1, 1, 1)
    assert dict(counts["by_kind"])["培训"] == 1
    assert [(t.name, t.has_mentor, t.records_in_year) for t in response.context["page"]] == [
        ("赵六", False, 0), ("张三", True, 1)]  # fmt: skip
    assert list(response.context["records"]) == [growth_a]


def test_filter_talents_without_a_mentor(client, staff_a, roadmap):
    client.force_login(staff_a)
    response = client.get(URL, {"year": 2026, "mentor": "no"})
    assert [t.name for t in response.context["page"]] == ["赵六"]


def test_a_term_that_ended_gives_no_mentor_in_a_later_year(client, staff_a, roadmap):
    client.force_login(staff_a)
    assert client.get(URL, {"year": 2027}).context["counts"]["mentored"] == 0


def test_invalid_year_shows_this_year(client, staff_a, roadmap):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "1"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404_for_township_a(client, staff_b, township_a, roadmap):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404
    assert "张三" not in client.get(URL).content.decode()


def test_liaison_gets_403(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(URL).status_code == 403


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_queries_do_not_grow_with_the_talents(client, county_staff, county, roadmap, grow, queries_of):
    client.force_login(county_staff)
    views = [{"year": 2026, "mentor": "no"}, {"year": 2026, "mentor": "yes"}, {"year": 2026}]
    small = [queries_of(URL, params) for params in views]  # the page holds talents without and with a mentor
    grow(30)
    large = [queries_of(URL, params) for params in views]  # the first page holds talents without a mentor only
    assert large[:2] == small[:2]
    assert large[2] == small[2] - 1
    assert max(small) <= 12


def test_pages_list_talents_without_a_mentor_then_with_one(client, county_staff, county, grow):
    grow(30)  # 60 talents in 青山镇's tree, 20 with a mentor; 30 in 绿水乡, none
    client.force_login(county_staff)
    rows = []
    for number in (1, 2, 3, 4):  # page 3 is read through the reversed ordering
        page = client.get(URL, {"year": 2026, "page": number}).context["page"]
        rows += [(t.has_mentor, t.name_pinyin, t.pk) for t in page]
    assert len(rows) == 90
    assert rows == sorted(rows)  # without a mentor first, then by pinyin and id
    mentored = client.get(URL, {"year": 2026, "mentor": "yes"}).context["page"]
    assert [(t.has_mentor, t.name_pinyin, t.pk) for t in mentored] == rows[70:]


def test_the_whole_tree_counts_what_its_filters_would_keep(client, county_staff, county, township_b, roadmap):
    """County staff of the only top-level organization: the counts leave out the subtree filters, same figures."""
    TalentFactory(work_unit__organization=township_b)
    client.force_login(county_staff)
    counts = client.get(URL, {"year": 2026}).context["counts"]
    assert counts == services.growth_counts(county, 2026) == services.growth_counts(county, 2026, whole_tree=True)
    assert (counts["talents"], counts["mentored"], counts["records"]) == (3, 1, 1)
