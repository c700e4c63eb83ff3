"""Entries that group activities add to a talent's timeline (see talents.timeline)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from activities.models import GroupActivity
from talents.timeline import Entry, day, register


@register(
    rows=lambda talent, user: GroupActivity.objects.visible_to(user).filter(talents=talent),
    date="date", title="title", place="place", kind="kind__name",
)  # fmt: skip
def activities(rows):
    """The activities the talent took part in that the user may see, linked to their page."""
    for row in rows:
        place = _("Place: %(place)s") % {"place": row["place"]} if row["place"] else ""
        url = reverse("activities:activity_detail", args=[row["pk"]])
        yield Entry(day(row["date"]), "activity", _("Group activity"), row["title"], place, url=url,
                    badge=row["kind"])  # fmt: skip
