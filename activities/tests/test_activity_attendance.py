import pytest
from django.urls import reverse

from liaison.models import ContactLog
from liaison.tests.factories import LeaderFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("activities:activity_attendance", args=[activity.pk])


def test_ticking_a_pair_counts_their_contact(client, staff_a, activity_a, pairing_a, talent_a, leader_a_record):
    client.force_login(staff_a)
    data = {"talents": [talent_a.pk], "shown_talents": [talent_a.pk], "leaders": [leader_a_record.pk],
            "shown_leaders": [leader_a_record.pk]}  # fmt: skip
    response = client.post(_url(activity_a), data)
    assert response.status_code == 302
    assert list(activity_a.talents.all()) == [talent_a]
    assert ContactLog.objects.filter(activity=activity_a, pairing=pairing_a).count() == 1


def test_unticking_removes_only_who_was_shown(client, staff_a, together_a, talent_a, leader_a_record):
    other = TalentFactory(name="钱七", work_unit=talent_a.work_unit)
    together_a.talents.add(other)
    client.force_login(staff_a)
    # The page showed only 张三 (a search), unticked: 钱七 was not on it and stays.
    response = client.post(_url(together_a), {"q": "张三", "shown_talents": [talent_a.pk]})
    assert response.status_code == 302 and "q=" in response.url
    assert list(together_a.talents.all()) == [other]
    assert list(together_a.leaders.all()) == [leader_a_record]
    assert not ContactLog.objects.filter(activity=together_a).exists()


def test_page_lists_a_page_of_candidates_and_searches(client, staff_a, activity_a, talent_a, leader_a_record):
    for number in range(40):
        TalentFactory(name=f"测试{number}", work_unit=talent_a.work_unit)
    client.force_login(staff_a)
    response = client.get(_url(activity_a))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 41 and len(response.context["page"]) == 30
    found = client.get(_url(activity_a), {"q": "张三"}).context["page"]
    assert [t.name for t in found] == ["张三"]


def test_someone_outside_the_organizer_is_refused_and_the_page_shown_again(client, staff_a, activity_a, talent_b):
    client.force_login(staff_a)
    response = client.post(_url(activity_a), {"talents": [talent_b.pk], "shown_talents": [talent_b.pk]})
    assert response.status_code == 200 and response.context["form"].errors
    assert activity_a.talents.count() == 0


def test_a_leader_of_another_township_cannot_be_ticked(client, staff_a, activity_a, township_b):
    stranger = LeaderFactory(organization=township_b)
    client.force_login(staff_a)
    response = client.post(_url(activity_a), {"leaders": [stranger.pk], "shown_leaders": [stranger.pk]})
    assert response.status_code == 200 and activity_a.leaders.count() == 0


def test_anonymous_goes_to_login(client, activity_a):
    response = client.get(_url(activity_a))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, activity_a):
    client.force_login(staff_b)
    assert client.get(_url(activity_a)).status_code == 404


def test_liaison_gets_403(client, liaison_a, together_a):
    client.force_login(liaison_a)
    assert client.get(_url(together_a)).status_code == 403


def test_put_is_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    assert client.put(_url(activity_a)).status_code == 405
