import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import AppealFactory, appeal_at
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("liaison:appeal_list")
S = Appeal.Status


def _names(response):
    return [a.talent.name for a in response.context["page"]]


@pytest.fixture
def ledger(talent_a, talent_b, liaison_a, handler_a, work_unit_a):
    """Four appeals of township A in several states, one of township B."""
    wang = TalentFactory(name="王五", work_unit=work_unit_a)
    housing = AppealCategory.objects.get(code="housing")
    appeals = {
        "registered": appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a),
        "late": appeal_at(S.IN_PROGRESS, talent=wang, created_by=liaison_a, handler=handler_a, category=housing),
        "closed": appeal_at(S.CLOSED, talent=talent_a, created_by=liaison_a, handler=handler_a,
                            received_on=datetime.date(2025, 6, 1)),
        "b": appeal_at(S.REGISTERED, talent=talent_b, created_by=liaison_a),
    }  # fmt: skip
    Appeal.objects.filter(pk=appeals["late"].pk).update(deadline=datetime.date(2020, 1, 1))
    return appeals


def test_staff_see_their_ledger_with_counts(client, staff_a, ledger):
    client.force_login(staff_a)
    response = client.get(URL)
    body = response.content.decode()
    assert sorted(_names(response)) == ["张三", "张三", "王五"]
    counts = body.split('id="appeal-counts"')[1].split("appeal-filters")[0]
    assert "已登记 <strong>1</strong>" in counts and "办理中 <strong>1</strong>" in counts
    assert "已销号 <strong>1</strong>" in counts and "已超期 <strong>1</strong>" in counts
    assert "子女入学 <strong>2</strong>" in counts and "住房保障 <strong>1</strong>" in counts
    assert "李四" not in body


def test_county_staff_see_both_townships(client, county_staff, ledger):
    client.force_login(county_staff)
    assert len(_names(client.get(URL))) == 4


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "in_progress"}, ["王五"]),
        ({"category": "housing"}, ["王五"]),
        ({"overdue": "yes"}, ["王五"]),
        ({"overdue": "no"}, ["张三", "张三"]),
        ({"year": "2025"}, ["张三"]),
        ({"handler": "handler"}, ["王五", "张三"]),
        ({"organization": "township_a"}, ["王五", "张三", "张三"]),
    ],
)
def test_filters(request, client, staff_a, ledger, handler_a, query, expected):
    if "category" in query:
        query = {"category": AppealCategory.objects.get(code=query["category"]).pk}
    if "handler" in query:
        query = {"handler": handler_a.pk}
    if "organization" in query:
        query = {"organization": request.getfixturevalue("township_a").pk}
    client.force_login(staff_a)
    assert sorted(_names(client.get(URL, query))) == sorted(expected)


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "99999"}, {"status": "bogus"}, {"handler": "999999"}, {"category": "999999"},
     {"page": "x"}, {"page": "999"}],
)  # fmt: skip
def test_bad_filter_values_do_not_break_the_page(client, staff_a, ledger, query):
    client.force_login(staff_a)
    response = client.get(URL, query)
    assert response.status_code == 200 and len(_names(response)) == 3 == response.context["page"].paginator.count


def test_a_sibling_townships_organization_is_no_filter_choice(client, staff_a, ledger, township_b):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": township_b.pk})
    assert response.context["filter"].form.errors and "李四" not in response.content.decode()


def test_each_role_sees_its_own_appeals(client, leader_a, pairing_a, liaison_a, handler_a, ledger):
    client.force_login(leader_a)  # paired with 张三 only
    assert _names(client.get(URL)) == ["张三", "张三"]
    client.force_login(liaison_a)  # the unit's talents: 张三 and 王五
    assert sorted(_names(client.get(URL))) == ["张三", "张三", "王五"]
    client.force_login(handler_a)  # only what is assigned to them
    assert sorted(_names(client.get(URL))) == ["张三", "王五"]


def test_constant_queries_over_thirty_appeals(client, staff_a, talent_a, liaison_a, handler_a, co_handler_a,
                                              django_assert_max_num_queries):  # fmt: skip
    for status in list(S) * 5:
        appeal_at(status, talent=TalentFactory(work_unit=talent_a.work_unit), created_by=liaison_a,
                  handler=handler_a, co_handler=co_handler_a)  # fmt: skip
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"page": 2})
    assert len(response.context["page"]) == 5


def test_user_without_a_role_gets_403(client, ledger):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_new_appeal_shows_up(client, staff_a, talent_a, liaison_a):
    client.force_login(staff_a)
    assert _names(client.get(URL)) == []
    AppealFactory(talent=talent_a, created_by=liaison_a)
    assert _names(client.get(URL)) == ["张三"]


def _counts(response):
    return response.content.decode().split('id="appeal-counts"')[1].split("appeal-filters")[0]


def test_counts_and_total_follow_the_filters(client, staff_a, ledger):
    client.force_login(staff_a)
    response = client.get(URL, {"status": "in_progress"})
    counts = _counts(response)
    assert response.context["page"].paginator.count == 1 and "共 1 条" in response.content.decode()
    assert "办理中 <strong>1</strong>" in counts and "已登记 <strong>0</strong>" in counts
    assert "已销号 <strong>0</strong>" in counts and "已超期 <strong>1</strong>" in counts
    assert "住房保障 <strong>1</strong>" in counts and "子女入学" not in counts


def test_categories_are_counted_most_first(client, staff_a, talent_a, liaison_a):
    housing, school = (AppealCategory.objects.get(code=code) for code in ("housing", "school"))
    for category in [housing, school, school]:
        AppealFactory(talent=talent_a, created_by=liaison_a, category=category)
    client.force_login(staff_a)
    assert [name for name, _n in client.get(URL).context["by_category"]] == [school.name, housing.name]


def test_handler_choices_are_the_handlers_of_appeals_in_scope(client, staff_a, ledger, handler_a, talent_b):
    outsider = UserFactory(name="外乡办理人")
    appeal_at(S.ASSIGNED, talent=talent_b, created_by=outsider, handler=outsider)
    client.force_login(staff_a)
    choices = [label for _value, label in client.get(URL).context["filter"].form.fields["handler"].choices]
    assert choices == ["全部", "王明"]
    response = client.get(URL, {"handler": outsider.pk})
    assert response.context["filter"].form.errors and len(_names(response)) == 3


def test_appeal_seen_only_as_its_handler_is_listed_and_counted(client, staff_b, talent_a, talent_b, liaison_a):
    appeal_at(S.IN_PROGRESS, talent=talent_a, created_by=liaison_a, handler=staff_b)
    appeal_at(S.REGISTERED, talent=talent_b, created_by=liaison_a)
    appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)  # of township A, not staff_b's
    client.force_login(staff_b)
    response = client.get(URL)
    assert sorted(_names(response)) == ["张三", "李四"] and response.context["page"].paginator.count == 2
    assert "办理中 <strong>1</strong>" in _counts(response) and "已登记 <strong>1</strong>" in _counts(response)


def test_ledger_for_holds_the_rows_of_visible_to(
    staff_a, staff_b, county_staff, leader_a, pairing_a, liaison_a, handler_a, co_handler_a, ledger, talent_a
):
    appeal_at(S.ASSIGNED, talent=talent_a, created_by=liaison_a, handler=staff_b, co_handler=co_handler_a)
    no_role = UserFactory()
    appeal_at(S.ASSIGNED, talent=talent_a, created_by=liaison_a, handler=no_role)
    for user in [staff_a, staff_b, county_staff, leader_a, liaison_a, handler_a, co_handler_a, no_role]:
        visible = set(Appeal.objects.visible_to(user))
        assert set(Appeal.objects.ledger_for(user)) == visible and visible, user


def test_pages_past_the_middle_keep_the_order(client, staff_a, talent_a, liaison_a):
    for day in range(1, 31):
        AppealFactory(talent=talent_a, created_by=liaison_a, received_on=datetime.date(2026, 1, day))
    client.force_login(staff_a)
    page = client.get(URL, {"page": 2}).context["page"]
    assert [a.received_on.day for a in page] == [5, 4, 3, 2, 1] and page.paginator.num_pages == 2


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["staff_a", "county_staff", "leader_a", "liaison_a", "handler_a", "co_handler_a"])
@pytest.mark.parametrize("query", [{}, {"status": "in_progress", "handler": "handler_a"}])
def test_queries_do_not_grow_with_the_appeals(request, client, role, query, pairing_a, talent_a, talent_b, liaison_a,
                                              handler_a, co_handler_a, staff_a):  # fmt: skip
    def add(n):
        for i in range(n):
            appeal_at(list(S)[i % len(S)], talent=talent_a, created_by=liaison_a, handler=handler_a,
                      co_handler=co_handler_a, received_on=datetime.date(2026, 1, 1 + i % 28))  # fmt: skip

    # staff_a also handles an appeal outside township A: seen only as its handler.
    appeal_at(S.ASSIGNED, talent=talent_b, created_by=liaison_a, handler=staff_a)
    query = {**query, "handler": handler_a.pk} if query else query
    client.force_login(request.getfixturevalue(role))
    add(3)
    with_3 = _queries(client, query)
    add(27)
    assert _queries(client, query) == with_3 <= 12
    assert _queries(client, {**query, "page": 2}) == with_3
