"""The talent page's timeline, assembled from providers that each app registers.

``talents`` knows achievements and major events; ``liaison`` adds pairings, contacts, appeals and
visits from its AppConfig.ready(), so this app never imports that one.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # a short code used for the icon and colour
    label: str  # the kind, as the user reads it
    title: str
    body: str = ""
    url: str = ""
    badge: str = ""


Provider = Callable[..., Iterable[Entry]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider ``f(talent, user) -> entries``; usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entries_for(talent, user) -> list[Entry]:
    """Return every entry of every provider for ``talent`` as ``user`` may see it, newest first."""
    entries = [entry for provider in _providers for entry in provider(talent, user)]
    return sorted(entries, key=lambda e: e.date, reverse=True)


@register
def _talent_records(talent, user):
    from django.utils.translation import gettext as _

    for achievement in talent.achievements.all():
        yield Entry(achievement.date, "achievement", _("Achievement"), achievement.title, achievement.description)
    for event in talent.major_events.select_related("reported_by"):
        discharge = event.kind == event.Kind.HEALTH and not event.discharged_on
        yield Entry(
            event.date, "event", _("Major event"), event.get_kind_display(), event.description,
            badge=str(event.reported_by),
            url=reverse("talents:major_event_discharge", args=[event.pk]) if discharge else "",
        )  # fmt: skip
        if event.discharged_on:
            yield Entry(event.discharged_on, "event", _("Major event"), _("Discharged from hospital"))
    for rec in talent.recommendations.all():
        yield Entry(datetime.date(rec.year, 1, 1), "recommendation", _("Recommendation"), str(rec), rec.notes,
                    badge=rec.get_status_display())  # fmt: skip
