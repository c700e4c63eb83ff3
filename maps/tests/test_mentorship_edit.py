import pytest
from django.urls import reverse

from liaison.tests.factories import LeaderFactory
from maps.models import Mentorship
from maps.tests.factories import MentorshipFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("maps:mentorship_edit", args=[talent.pk])


def test_staff_give_a_leader_as_mentor(client, staff_a, talent_a, term_a, leader_a_record):
    client.force_login(staff_a)
    data = {"term": term_a.pk, "mentor_leader": leader_a_record.pk, "plan": "参加省级制茶技能竞赛"}
    response = client.post(_url(talent_a), data)
    assert response.status_code == 302
    mentorship = Mentorship.objects.get(talent=talent_a)
    assert (mentorship.mentor, mentorship.plan, mentorship.created_by) == (
        leader_a_record,
        "参加省级制茶技能竞赛",
        staff_a,
    )


def test_staff_change_the_mentor_to_an_expert(client, staff_a, talent_a, term_a, leader_a_record, work_unit_a):
    mentorship = MentorshipFactory(talent=talent_a, term=term_a, mentor_leader=leader_a_record)
    expert = TalentFactory(name="刘海涛", work_unit=work_unit_a)
    client.force_login(staff_a)
    response = client.post(_url(talent_a), {"term": term_a.pk, "mentor_expert": expert.pk, "plan": "一对一指导"})
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.mentor_leader, mentorship.mentor_expert, mentorship.plan) == (None, expert, "一对一指导")
    assert Mentorship.objects.count() == 1


def test_form_starts_from_the_current_mentorship(client, staff_a, talent_a, term_a, leader_a_record):
    MentorshipFactory(talent=talent_a, term=term_a, mentor_leader=leader_a_record, plan="计划")
    client.force_login(staff_a)
    form = client.get(_url(talent_a)).context["form"]
    assert form.initial["mentor_leader"] == leader_a_record


def test_invalid_form_is_shown_again(client, staff_a, talent_a, term_a, leader_a_record):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), {"term": term_a.pk, "mentor_leader": leader_a_record.pk,
                                            "mentor_expert": talent_a.pk})  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_a_leader_of_another_township_is_refused(client, county_staff, talent_a, term_a, township_b):
    other = LeaderFactory(organization=township_b)
    client.force_login(county_staff)
    response = client.post(_url(talent_a), {"term": term_a.pk, "mentor_leader": other.pk})
    assert response.status_code == 200
    assert "mentor_leader" in response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, talent_a, term_a, leader_a_record):
    client.force_login(staff_b)
    response = client.post(_url(talent_a), {"term": term_a.pk, "mentor_leader": leader_a_record.pk})
    assert response.status_code == 404
    assert not Mentorship.objects.exists()


def test_liaison_gets_403(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    assert client.get(_url(talent_a)).status_code == 403


def test_delete_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.delete(_url(talent_a)).status_code == 405
