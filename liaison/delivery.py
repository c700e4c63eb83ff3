"""Sending notifications: one Delivery per channel, claimed with compare-and-set, retried with backoff.

Channels: e-mail through Django's backend, and the group robots of enterprise WeChat (企业微信) and
DingTalk (钉钉) configured per organization. A page never sends: it only creates rows.

A claim is a lease: ``claimed_at`` marks it, and once ``CLAIM_TIMEOUT`` has passed without the row
being marked sent (its worker was killed, lost its database or hung), the pick-up (``send_pending``)
claims it again. Delivery is therefore at least once. The one window left is a worker dying after the
remote accepted a message and before the row is marked: the message goes out again, carrying the same
key (``Idempotency-Key`` header for the robots, a stable ``Message-ID`` for e-mail), so a receiver that
honours it drops the copy. The lease is far longer than any send may take (the timeouts below).
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.mail import EmailMessage
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from liaison.models import Delivery, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = datetime.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
# An unclaimed delivery younger than this probably has its queue message on the way.
PICKUP_AFTER = datetime.timedelta(seconds=settings.DELIVERY_PICKUP_AFTER_SECONDS)
WEBHOOK_TIMEOUT_SECONDS = 10
# After the broker refused a message, pages stop trying it for this long and leave sending to the pick-up.
BROKER_PAUSE_SECONDS = 30
_broker_paused_until = 0.0


class SendError(Exception):
    """A channel refused or failed to take a message; the delivery is retried."""


def _text(notification: Notification) -> str:
    link = f"\n{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link and settings.SITE_URL else ""
    body = f"\n{notification.body}" if notification.body else ""
    return f"【人才联系服务】{notification.title}{body}{link}"


def message_key(delivery: Delivery) -> str:
    """The delivery's idempotency key: the same on every attempt, so a receiver can drop a repeat."""
    return f"talentliaison-delivery-{delivery.pk}"


def message_id(delivery: Delivery) -> str:
    """A Message-ID fixed per delivery (RFC 5322 allows a resent copy to keep it)."""
    domain = urllib.parse.urlsplit(settings.SITE_URL).hostname or "talentliaison.localhost"
    return f"<{message_key(delivery)}.{delivery.notification_id}@{domain}>"


def send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    message = EmailMessage(notification.title, _text(notification), None, [notification.recipient.email],
                           headers={"Message-ID": message_id(delivery)})  # fmt: skip
    if message.send() != 1:
        raise SendError("the e-mail backend accepted no message")


def _post_json(url: str, payload: dict, key: str) -> dict:
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise SendError(f"not an http(s) address: {url}")
    # The robots ignore a header they do not know; a relay or receiver that knows it drops repeats.
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=json.dumps(payload, ensure_ascii=False).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise SendError(str(error)) from error


def send_wecom(delivery: Delivery) -> None:
    """Post to an enterprise WeChat group robot; it answers errcode 0 when it took the message."""
    text = {"content": _text(delivery.notification)}
    answer = _post_json(delivery.webhook.url, {"msgtype": "text", "text": text}, message_key(delivery))
    if answer.get("errcode") != 0:
        raise SendError(f"企业微信: {answer}")


def dingtalk_signed_url(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) as query parameters."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}&timestamp={now_ms}&sign={sign}" if "?" in url else f"{url}?timestamp={now_ms}&sign={sign}"


def send_dingtalk(delivery: Delivery) -> None:
    webhook = delivery.webhook
    url = dingtalk_signed_url(webhook.url, webhook.secret, int(time.time() * 1000)) if webhook.secret else webhook.url
    text = {"content": _text(delivery.notification)}
    answer = _post_json(url, {"msgtype": "text", "text": text}, message_key(delivery))
    if answer.get("errcode") != 0:
        raise SendError(f"钉钉: {answer}")


CHANNELS = {
    Delivery.Channel.EMAIL: send_email,
    Delivery.Channel.WECOM: send_wecom,
    Delivery.Channel.DINGTALK: send_dingtalk,
}


def deliveries_create(*, notifications) -> list[int]:
    """Create the deliveries of new notifications and queue their sending after the commit.

    E-mail when the recipient has an address; each active group robot of the organizations where
    the recipient holds a role. One INSERT ... SELECT whatever the number of notifications, then every
    pending delivery of ``notifications`` is queued; return their ids.
    """
    try:
        chosen, chosen_params = notifications.order_by().values("pk", "recipient").query.sql_with_params()
    except EmptyResultSet:
        return []
    now, pending = timezone.now(), Delivery.Status.PENDING.value
    # The notifications query is compiled by the ORM; every value is a parameter.
    sql = (
        f"WITH chosen (id, recipient_id) AS ({chosen})"  # noqa: S608
        " INSERT INTO liaison_delivery"
        " (notification_id, channel, webhook_id, status, attempts, last_error, created_at)"
        " SELECT n.id, %s, NULL, %s, 0, '', %s FROM chosen n JOIN accounts_user u ON u.id = n.recipient_id"
        " WHERE u.email <> ''"
        " UNION SELECT n.id, h.kind, h.id, %s, 0, '', %s FROM chosen n"
        " JOIN accounts_membership m ON m.user_id = n.recipient_id"
        " JOIN liaison_webhookchannel h ON h.organization_id = m.organization_id AND h.is_active"
        " ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*chosen_params, Delivery.Channel.EMAIL.value, pending, now, pending, now])
    ids = list(Delivery.objects.filter(notification__in=notifications, status=pending).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: queue(ids))
    return ids


def enqueue(task, *args) -> bool:
    """Hand one task to the worker; False when the broker is down, leaving the work to the pick-up.

    Never raises: it runs after a page's commit, and the rows the task works on are already safe in the
    database. A broker that failed is left alone for ``BROKER_PAUSE_SECONDS``, so the pages that follow
    do not each wait for its timeouts.
    """
    global _broker_paused_until

    if time.monotonic() < _broker_paused_until:
        return False
    try:
        task.delay(*args)
    except Exception as error:
        if not task.app.conf.task_always_eager:  # eager: the task itself failed, not the broker
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Could not queue %s%r, left to the pick-up: %s", task.name, args, error)
        return False
    return True


def queue(ids: list[int]) -> None:
    """Hand deliveries to the worker; with the broker down they wait for the pick-up instead."""
    from liaison.tasks import send_delivery

    for pk in ids:
        if not enqueue(send_delivery, pk):
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
        CHANNELS[delivery.channel](delivery)
    except Exception as error:
        failed = delivery.attempts + 1 >= MAX_ATTEMPTS
        _record(pk, now, attempts=delivery.attempts + 1, last_error=str(error)[:2000], claimed_at=None,
                status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING)  # fmt: skip
        if failed:
            return "failed"
        raise SendError(str(error)) from error
    _record(pk, now, status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1,
            last_error="")  # fmt: skip
    return "sent"


def _record(pk: int, claim_time: datetime.datetime, **fields) -> None:
    """Write the outcome of a send under our claim, reconnecting once if the database dropped us.

    The message is already out: losing this write would send it again after the lease, so a
    connection killed while the remote was answering gets one fresh connection.
    """
    rows = Delivery.objects.filter(pk=pk, claimed_at=claim_time)
    try:
        rows.update(**fields)
    except (OperationalError, InterfaceError):
        close_old_connections()
        rows.update(**fields)


def pending_ids(now: datetime.datetime) -> list[int]:
    """Deliveries waiting and not held by a live claim: what a lost queue message left behind."""
    stale = now - CLAIM_TIMEOUT
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(created_at__lt=now - PICKUP_AFTER)
        .values_list("pk", flat=True)[:5000]
    )
