"""Sending: e-mail, the two group robots against a local HTTP server, retry, compare-and-set claims."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from liaison import delivery
from liaison.models import Delivery, Notification, WebhookChannel

pytestmark = pytest.mark.django_db


class Robot(BaseHTTPRequestHandler):
    """A stand-in for the robot API: answers errcode from the queue, records what it got."""

    answers: list = []
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append((self.path, json.loads(body)))
        answer = Robot.answers.pop(0) if Robot.answers else {"errcode": 0, "errmsg": "ok"}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    Robot.answers, Robot.received = [], []
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _notification(user, key="k1"):
    return Notification.objects.create(recipient=user, kind="contact_reminder", title="3 名人才本年度尚未联系",
                                       dedupe_key=key)  # fmt: skip


def test_email_and_wecom_deliveries_are_created_and_sent(
    leader_a, township_a, robot, django_capture_on_commit_callbacks
):
    leader_a.email = "zhao@example.gov.cn"
    leader_a.save()
    WebhookChannel.objects.create(organization=township_a, kind="wecom", url=f"{robot}/cgi-bin/webhook/send?key=x")
    note = _notification(leader_a)
    delivery.deliveries_create(notifications=Notification.objects.filter(pk=note.pk))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "wecom"]
    for pk in Delivery.objects.values_list("pk", flat=True):
        assert delivery.send(pk) == "sent"
    assert mail.outbox[0].to == ["zhao@example.gov.cn"]
    path, payload = Robot.received[0]
    assert path.startswith("/cgi-bin/webhook/send") and "3 名人才本年度尚未联系" in payload["text"]["content"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_dingtalk_is_signed(leader_a, township_a, robot):
    url = f"{robot}/robot/send?access_token=t"
    hook = WebhookChannel.objects.create(organization=township_a, kind="dingtalk", url=url, secret="SEC123")
    note = _notification(leader_a)
    row = Delivery.objects.create(notification=note, channel="dingtalk", webhook=hook)
    assert delivery.send(row.pk) == "sent"
    query = parse_qs(urlsplit(Robot.received[0][0]).query)
    assert query["access_token"] == ["t"] and query["timestamp"] and query["sign"]


def test_failed_send_is_recorded_and_retried(leader_a, township_a, robot):
    hook = WebhookChannel.objects.create(organization=township_a, kind="wecom", url=f"{robot}/send")
    row = Delivery.objects.create(notification=_notification(leader_a), channel="wecom", webhook=hook)
    Robot.answers = [{"errcode": 45009, "errmsg": "api freq out of limit"}]
    with pytest.raises(delivery.SendError):
        delivery.send(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 1, None)
    assert "45009" in row.last_error
    assert delivery.send(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_unreachable_robot_fails_after_the_last_attempt(leader_a, township_a):
    hook = WebhookChannel.objects.create(organization=township_a, kind="wecom", url="http://127.0.0.1:9/send")
    row = Delivery.objects.create(notification=_notification(leader_a), channel="wecom", webhook=hook,
                                  attempts=delivery.MAX_ATTEMPTS - 1)  # fmt: skip
    assert delivery.send(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.last_error


def test_a_claimed_delivery_is_not_sent_twice(leader_a):
    row = Delivery.objects.create(notification=_notification(leader_a), channel="email")
    now = timezone.now()
    assert delivery.claim(row.pk, now) is True
    assert delivery.claim(row.pk, now) is False
    assert delivery.send(row.pk) == "skipped"
    # A claim left by a dead worker expires.
    assert delivery.claim(row.pk, now + delivery.CLAIM_TIMEOUT * 2) is True


def test_a_non_http_webhook_is_refused(leader_a, township_a):
    hook = WebhookChannel.objects.create(organization=township_a, kind="wecom", url="file:///etc/passwd")
    row = Delivery.objects.create(notification=_notification(leader_a), channel="wecom", webhook=hook)
    with pytest.raises(delivery.SendError):
        delivery.send(row.pk)
