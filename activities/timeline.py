"""Entries that group activities add to a talent's timeline (see talents.timeline)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from activities.models import GroupActivity
from talents.timeline import Entry, register


@register
def activities(talent, user):
    """The activities the talent took part in that the user may see, linked to their page."""
    for activity in GroupActivity.objects.visible_to(user).filter(talents=talent).select_related("kind"):
        place = _("Place: %(place)s") % {"place": activity.place} if activity.place else ""
        url = reverse("activities:activity_detail", args=[activity.pk])
        yield Entry(activity.date, "activity", _("Group activity"), activity.title, place, url=url,
                    badge=activity.kind.name)  # fmt: skip
