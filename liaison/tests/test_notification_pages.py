import pytest
from django.urls import reverse

from liaison.models import Delivery, Notification, ReminderPolicy, WebhookChannel

pytestmark = pytest.mark.django_db


def _note(user, key, link="/liaison/my/"):
    return Notification.objects.create(recipient=user, kind="contact_reminder", title=f"提醒{key}", dedupe_key=key,
                                       link=link)  # fmt: skip


def test_inbox_shows_own_notifications_and_the_unread_badge(client, leader_a, staff_a):
    _note(leader_a, "a")
    _note(staff_a, "b")
    client.force_login(leader_a)
    response = client.get(reverse("liaison:notification_list"))
    assert [n.title for n in response.context["page"]] == ["提醒a"]
    assert response.context["unread_notifications"] == 1
    assert "badge rounded-pill" in response.content.decode()


def test_reading_marks_read_and_follows_the_link(client, leader_a):
    note = _note(leader_a, "a")
    client.force_login(leader_a)
    response = client.post(reverse("liaison:notification_read", args=[note.pk]))
    note.refresh_from_db()
    assert response.url == "/liaison/my/" and note.read_at is not None


def test_a_foreign_link_is_never_followed(client, leader_a):
    note = _note(leader_a, "a", link="//evil.example.com/")
    client.force_login(leader_a)
    assert client.post(reverse("liaison:notification_read", args=[note.pk])).url == reverse("liaison:notification_list")


def test_another_users_notification_is_404(client, leader_a, staff_a):
    note = _note(staff_a, "b")
    client.force_login(leader_a)
    assert client.post(reverse("liaison:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all(client, leader_a):
    _note(leader_a, "a")
    _note(leader_a, "b")
    client.force_login(leader_a)
    client.post(reverse("liaison:notification_read_all"))
    assert not Notification.objects.unread().exists()


def test_inbox_methods_and_anonymous(client, leader_a):
    assert client.get(reverse("liaison:notification_list")).status_code == 302
    client.force_login(leader_a)
    assert client.get(reverse("liaison:notification_read_all")).status_code == 405
    assert client.post(reverse("liaison:notification_list")).status_code == 405


def test_delivery_page_is_scoped_and_shows_failures(client, staff_a, staff_b, leader_a, talent_b):
    mine = Delivery.objects.create(notification=_note(leader_a, "a"), channel="email", status="failed",
                                   last_error="SMTP 550")  # fmt: skip
    Delivery.objects.create(notification=_note(staff_b, "b"), channel="email")
    client.force_login(staff_a)
    response = client.get(reverse("liaison:delivery_list"))
    assert [d.pk for d in response.context["page"]] == [mine.pk]
    assert "SMTP 550" in response.content.decode()
    assert list(client.get(reverse("liaison:delivery_list"), {"status": "sent"}).context["page"]) == []


def test_campaign_page_lists_holidays_and_sweeps(client, staff_a):
    client.force_login(staff_a)
    body = client.get(reverse("liaison:campaign_list")).content.decode()
    assert "春节" in body and "节点联系提醒" in body


def test_policy_is_edited_for_the_staffs_organization(client, staff_a, township_a):
    client.force_login(staff_a)
    data = {"checkpoints": "10-01，07-01", "staff_summary_on": "12-15", "no_contact_days": "90",
            "achievement_visit_days": 15, "illness_visit_days": 7, "report_reminder_on": "12-20"}  # fmt: skip
    assert client.post(reverse("liaison:policy_edit"), data).status_code == 302
    policy = ReminderPolicy.objects.get(organization=township_a)
    assert (policy.checkpoints, policy.no_contact_days) == ("07-01,10-01", 90)


def test_bad_policy_dates_are_explained(client, staff_a):
    client.force_login(staff_a)
    data = {"checkpoints": "7月1日", "staff_summary_on": "13-40", "achievement_visit_days": 15,
            "illness_visit_days": 7, "report_reminder_on": "12-20"}  # fmt: skip
    body = client.post(reverse("liaison:policy_edit"), data).content.decode()
    assert "07-01,10-01,12-01" in body and "12-15" in body
    assert not ReminderPolicy.objects.exists()


def test_webhooks_are_added_and_turned_off_in_scope(client, staff_a, staff_b, township_a):
    client.force_login(staff_a)
    data = {"organization": township_a.pk, "kind": "wecom", "url": "https://qyapi.example/cgi-bin/webhook/send?key=1"}
    assert client.post(reverse("liaison:webhook_list"), data).status_code == 302
    hook = WebhookChannel.objects.get()
    client.force_login(staff_b)
    assert client.post(reverse("liaison:webhook_delete", args=[hook.pk])).status_code == 404
    client.force_login(staff_a)
    client.post(reverse("liaison:webhook_delete", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.is_active is False


def test_webhook_for_an_organization_out_of_scope_is_refused(client, staff_a, township_b):
    client.force_login(staff_a)
    data = {"organization": township_b.pk, "kind": "wecom", "url": "https://qyapi.example/x"}
    assert client.post(reverse("liaison:webhook_list"), data).status_code == 200
    assert not WebhookChannel.objects.exists()


@pytest.mark.parametrize("name", ["delivery_list", "campaign_list", "policy_edit", "webhook_list"])
def test_staff_pages_refuse_leaders_and_anonymous(client, leader_a, name):
    assert client.get(reverse(f"liaison:{name}")).status_code == 302
    client.force_login(leader_a)
    assert client.get(reverse(f"liaison:{name}")).status_code == 403
