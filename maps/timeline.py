"""Entries that the growth roadmap and the support panorama add to a talent's timeline (see talents.timeline)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maps.models import GrowthRecord, SupportRecord
from talents.timeline import Entry, register


@register
def growth_and_support(talent, user):
    """The talent's growth records and own support records; who sees the talent sees them."""
    growth_url = reverse("maps:talent_growth", args=[talent.pk])
    for record in GrowthRecord.objects.visible_to(user).filter(talent=talent):
        yield Entry(record.date, "growth", _("Growth record"), record.title, record.description, url=growth_url,
                    badge=record.get_kind_display())  # fmt: skip
    support_url = reverse("maps:talent_support", args=[talent.pk])
    for record in SupportRecord.objects.visible_to(user).filter(talent=talent).select_related("kind"):
        yield Entry(record.date, "support", _("Support received"), record.kind.name, record.description,
                    url=support_url)  # fmt: skip
