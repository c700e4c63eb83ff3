"""Entries that the growth roadmap and the support panorama add to a talent's timeline (see talents.timeline)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maps.models import GrowthRecord, SupportRecord
from talents.timeline import Entry, day, display, register


@register(
    rows=lambda talent, user: GrowthRecord.objects.visible_to(user).filter(talent=talent),
    talent="talent_id", date="date", kind="kind", title="title", description="description",
)  # fmt: skip
def growth(rows):
    """The talent's growth records; who sees the talent sees them."""
    for row in rows:
        url = reverse("maps:talent_growth", args=[row["talent"]])
        yield Entry(day(row["date"]), "growth", _("Growth record"), row["title"], row["description"], url=url,
                    badge=display(GrowthRecord, "kind", row["kind"]))  # fmt: skip


@register(
    rows=lambda talent, user: SupportRecord.objects.visible_to(user).filter(talent=talent),
    talent="talent_id", date="date", kind="kind__name", description="description",
)  # fmt: skip
def support(rows):
    """The talent's own support records; who sees the talent sees them."""
    for row in rows:
        url = reverse("maps:talent_support", args=[row["talent"]])
        yield Entry(day(row["date"]), "support", _("Support received"), row["kind"], row["description"], url=url)
