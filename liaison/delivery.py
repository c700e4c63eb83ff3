"""Sending notifications: one Delivery per channel, claimed with compare-and-set, retried with backoff.

Channels: e-mail through Django's backend, and the group robots of enterprise WeChat (企业微信) and
DingTalk (钉钉) configured per organization. A page never sends: it only creates rows.
"""

import base64
import datetime
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison.models import Delivery, Notification, WebhookChannel

MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
WEBHOOK_TIMEOUT_SECONDS = 10


class SendError(Exception):
    """A channel refused or failed to take a message; the delivery is retried."""


def _text(notification: Notification) -> str:
    link = f"\n{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link and settings.SITE_URL else ""
    body = f"\n{notification.body}" if notification.body else ""
    return f"【人才联系服务】{notification.title}{body}{link}"


def send_email(notification: Notification, webhook=None) -> None:
    sent = send_mail(notification.title, _text(notification), None, [notification.recipient.email])
    if sent != 1:
        raise SendError("the e-mail backend accepted no message")


def _post_json(url: str, payload: dict) -> dict:
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise SendError(f"not an http(s) address: {url}")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=json.dumps(payload, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise SendError(str(error)) from error


def send_wecom(notification: Notification, webhook: WebhookChannel) -> None:
    """Post to an enterprise WeChat group robot; it answers errcode 0 when it took the message."""
    answer = _post_json(webhook.url, {"msgtype": "text", "text": {"content": _text(notification)}})
    if answer.get("errcode") != 0:
        raise SendError(f"企业微信: {answer}")


def dingtalk_signed_url(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) as query parameters."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}&timestamp={now_ms}&sign={sign}" if "?" in url else f"{url}?timestamp={now_ms}&sign={sign}"


def send_dingtalk(notification: Notification, webhook: WebhookChannel) -> None:
    url = dingtalk_signed_url(webhook.url, webhook.secret, int(time.time() * 1000)) if webhook.secret else webhook.url
    answer = _post_json(url, {"msgtype": "text", "text": {"content": _text(notification)}})
    if answer.get("errcode") != 0:
        raise SendError(f"钉钉: {answer}")


CHANNELS = {
    Delivery.Channel.EMAIL: send_email,
    Delivery.Channel.WECOM: send_wecom,
    Delivery.Channel.DINGTALK: send_dingtalk,
}


def deliveries_create(*, notifications) -> list[Delivery]:
    """Create the deliveries of new notifications and queue their sending after the commit.

    E-mail when the recipient has an address; each active group robot of the organizations where
    the recipient holds a role.
    """
    notifications = list(notifications.select_related("recipient").prefetch_related("recipient__memberships"))
    org_ids = {m.organization_id for n in notifications for m in n.recipient.memberships.all()}
    hooks = {}
    for hook in WebhookChannel.objects.filter(organization_id__in=org_ids, is_active=True):
        hooks.setdefault(hook.organization_id, []).append(hook)
    rows = []
    for n in notifications:
        if n.recipient.email:
            rows.append(Delivery(notification=n, channel=Delivery.Channel.EMAIL))
        for membership in n.recipient.memberships.all():
            rows += [
                Delivery(notification=n, channel=h.kind, webhook=h) for h in hooks.get(membership.organization_id, [])
            ]
    created = Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ids = list(
        Delivery.objects.filter(notification__in=notifications, status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: queue(ids))
    return created


def queue(ids: list[int]) -> None:
    """Hand deliveries to the worker; with the broker down they wait for the pending sweep instead."""
    from liaison.tasks import send_delivery

    for pk in ids:
        try:
            send_delivery.delay(pk)
        except Exception:
            return


def claim(pk: int, now: datetime.datetime) -> bool:
    """Claim a delivery for sending; False when another worker holds it or it is done."""
    stale = now - CLAIM_TIMEOUT
    return (
        Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
        == 1
    )


def send(pk: int) -> str:
    """Send one delivery if it can be claimed; record success or the error. Raise SendError to retry."""
    now = timezone.now()
    if not claim(pk, now):
        return "skipped"
    delivery = Delivery.objects.select_related("notification__recipient", "webhook").get(pk=pk)
    try:
        CHANNELS[delivery.channel](delivery.notification, delivery.webhook)
    except Exception as error:
        failed = delivery.attempts + 1 >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            attempts=delivery.attempts + 1, last_error=str(error)[:2000], claimed_at=None,
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
        )  # fmt: skip
        if failed:
            return "failed"
        raise SendError(str(error)) from error
    Delivery.objects.filter(pk=pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
    )
    return "sent"


def pending_ids(now: datetime.datetime) -> list[int]:
    """Deliveries waiting and not held by a live claim: what a lost queue message left behind."""
    stale = now - CLAIM_TIMEOUT
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(created_at__lt=now - datetime.timedelta(minutes=1))
        .values_list("pk", flat=True)[:5000]
    )
