"""Entries that the liaison work adds to a talent's timeline (see talents.timeline)."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.models import Appeal, ContactLog, Pairing
from talents.timeline import Entry, day, display, register, user_name


@register(
    rows=lambda talent, user: Pairing.objects.visible_to(user).filter(talent=talent),
    start="start", end="end", end_reason="end_reason", leader=user_name("leader__user"), term="term__name",
)  # fmt: skip
def pairings(rows):
    """Pairings the user may see, on the day they started and the day they ended."""
    for row in rows:
        yield Entry(day(row["start"]), "pairing", _("Pairing"), _("Paired with %(leader)s") % {"leader": row["leader"]},
                    badge=row["term"])  # fmt: skip
        if row["end"]:
            yield Entry(day(row["end"]), "pairing", _("Pairing"), _("Pairing with %(leader)s ended") % {
                "leader": row["leader"]}, badge=display(Pairing, "end_reason", row["end_reason"]))  # fmt: skip


@register(
    rows=lambda talent, user: ContactLog.objects.visible_to(user).filter(talent=talent),
    date="date", method="method__name", summary="summary", opinions="opinions", confirmed_at="confirmed_at",
    leader=user_name("leader__user"),
)  # fmt: skip
def contacts(rows):
    """Every contact the user may see, titled by its topics, with pending ones marked."""
    topics = defaultdict(list)
    links = ContactLog.topics.through.objects.filter(contactlog__in=[row["pk"] for row in rows])
    for contact, topic in links.order_by("contacttopic__sort_order", "contacttopic__name").values_list(
        "contactlog", "contacttopic__name"
    ):
        topics[contact].append(topic)
    for row in rows:
        opinions = _("Opinions: %(text)s") % {"text": row["opinions"]} if row["opinions"] else ""
        body = "\n".join(filter(None, [row["summary"], opinions]))
        pending = _("Pending confirmation") if row["confirmed_at"] is None else ""
        badge = " · ".join(filter(None, [row["leader"], pending]))
        yield Entry(day(row["date"]), "contact", row["method"], "、".join(topics[row["pk"]]) or _("Contact"), body,
                    badge=badge)  # fmt: skip


@register(
    rows=lambda talent, user: Appeal.objects.visible_to(user).filter(talent=talent),
    received_on="received_on", category="category__name", description="description", status="status",
)  # fmt: skip
def appeals(rows):
    """The talent's appeals the user may see, on the day received, with their status."""
    for row in rows:
        url = reverse("liaison:appeal_detail", args=[row["pk"]])
        yield Entry(day(row["received_on"]), "appeal", _("Talent appeal"), row["category"], row["description"],
                    url=url, badge=display(Appeal, "status", row["status"]))  # fmt: skip
