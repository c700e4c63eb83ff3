"""Entries that the liaison work adds to a talent's timeline (see talents.timeline)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.models import Appeal, ContactLog, Pairing
from talents.timeline import Entry, register


@register
def pairings_and_contacts(talent, user):
    """Pairings (start and end) and every contact the user may see, with pending ones marked."""
    for pairing in Pairing.objects.visible_to(user).filter(talent=talent).select_related("leader__user", "term"):
        yield Entry(pairing.start, "pairing", _("Pairing"), _("Paired with %(leader)s") % {"leader": pairing.leader},
                    badge=pairing.term.name)  # fmt: skip
        if pairing.end:
            yield Entry(pairing.end, "pairing", _("Pairing"), _("Pairing with %(leader)s ended") % {
                "leader": pairing.leader}, badge=pairing.get_end_reason_display())  # fmt: skip
    contacts = (
        ContactLog.objects.visible_to(user)
        .filter(talent=talent)
        .select_related("leader__user", "method", "created_by")
        .prefetch_related("topics")
    )
    for contact in contacts:
        opinions = _("Opinions: %(text)s") % {"text": contact.opinions} if contact.opinions else ""
        body = "\n".join(filter(None, [contact.summary, opinions]))
        pending = _("Pending confirmation") if contact.is_pending else ""
        badge = " · ".join(filter(None, [str(contact.leader), pending]))
        yield Entry(contact.date, "contact", contact.method.name, "、".join(t.name for t in contact.topics.all())
                    or _("Contact"), body, badge=badge)  # fmt: skip


@register
def appeals(talent, user):
    """The talent's appeals the user may see, on the day received, with their status."""
    for appeal in Appeal.objects.visible_to(user).filter(talent=talent).select_related("category"):
        url = reverse("liaison:appeal_detail", args=[appeal.pk])
        yield Entry(appeal.received_on, "appeal", _("Talent appeal"), appeal.category.name, appeal.description,
                    url=url, badge=appeal.get_status_display())  # fmt: skip
