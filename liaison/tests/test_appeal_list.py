import datetime

import pytest
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
    "query", [{"year": "abc"}, {"year": "99999"}, {"status": "bogus"}, {"handler": "999999"}, {"page": "x"}]
)
def test_bad_filter_values_do_not_break_the_page(client, staff_a, ledger, query):
    client.force_login(staff_a)
    assert client.get(URL, query).status_code == 200


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
