import pytest
from django.urls import reverse

from maps.tests.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("maps:talent_growth", args=[talent.pk])


def test_staff_see_mentor_plan_records_and_forms(client, staff_a, talent_a, term_a, leader_a_record, growth_a):
    MentorshipFactory(talent=talent_a, term=term_a, mentor_leader=leader_a_record, plan="申报农艺师职称")
    client.force_login(staff_a)
    response = client.get(_url(talent_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert "赵志刚" in body and "申报农艺师职称" in body and "茶叶加工技术培训班" in body
    assert reverse("maps:mentorship_edit", args=[talent_a.pk]) in body
    assert reverse("maps:growth_add", args=[talent_a.pk]) in body


def test_liaison_may_add_records_but_not_set_the_mentor(client, liaison_a, talent_a, growth_a):
    client.force_login(liaison_a)
    body = client.get(_url(talent_a)).content.decode()
    assert reverse("maps:growth_add", args=[talent_a.pk]) in body
    assert reverse("maps:mentorship_edit", args=[talent_a.pk]) not in body


def test_paired_leader_reads_only(client, leader_a, pairing_a, talent_a, growth_a):
    client.force_login(leader_a)
    response = client.get(_url(talent_a))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert reverse("maps:growth_edit", args=[growth_a.pk]) not in response.content.decode()


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_unpaired_leader_gets_404(client, leader_a, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 404


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a)).status_code == 405
