"""The talent page's timeline, assembled from sources that each app registers.

``talents`` knows achievements, major events and recommendations; ``liaison`` adds pairings,
contacts and appeals from its AppConfig.ready(), ``activities`` and ``maps`` theirs, so this app
never imports them. The rows of every source are read in one query (a UNION ALL), so the page
costs the same number of queries however many sources and rows there are.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.urls import reverse
from django.utils.translation import gettext as _

from talents.models import MajorEvent, Recommendation


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # a short code used for the icon and colour
    label: str  # the kind, as the user reads it
    title: str
    body: str = ""
    url: str = ""
    badge: str = ""


@dataclass(frozen=True)
class Source:
    """One kind of row on the timeline.

    ``rows(talent, user)`` returns the talent's rows the user may see. ``fields`` names what each row
    carries (a lookup or an expression); they are read as JSON, so dates arrive as ISO strings.
    ``entries(rows)`` turns all the rows of this source (dicts of ``pk`` and the fields) into entries,
    and may read more for them in one query.
    """

    rows: Callable[[Any, Any], QuerySet]
    fields: Mapping[str, Any]
    entries: Callable[[list[dict]], Iterable[Entry]]


_sources: list[Source] = []


def register(*, rows: Callable[[Any, Any], QuerySet], **fields):
    """Register the decorated ``entries(rows)`` as the source of ``rows(talent, user)`` carrying ``fields``."""

    def decorator(entries):
        if all(source.entries is not entries for source in _sources):
            _sources.append(Source(rows, fields, entries))
        return entries

    return decorator


def entries_for(talent, user) -> list[Entry]:
    """Return every entry of every source for ``talent`` as ``user`` may see it, newest first.

    Entries of the same day keep the order of registration, then the newest row first.
    """
    branches = [
        source.rows(talent, user)
        .order_by()
        .annotate(timeline_source=Value(index), timeline_pk=F("pk"), timeline_data=JSONObject(**source.fields))
        .values_list("timeline_source", "timeline_pk", "timeline_data")
        for index, source in enumerate(_sources)
    ]
    if not branches:
        return []
    rows = [[] for _source in _sources]
    for index, pk, data in branches[0].union(*branches[1:], all=True).order_by("timeline_source", "-timeline_pk"):
        rows[index].append({"pk": pk, **data})
    entries = [entry for source, found in zip(_sources, rows, strict=True) if found for entry in source.entries(found)]
    return sorted(entries, key=lambda e: e.date, reverse=True)


def day(value: str | None) -> datetime.date | None:
    """A date field of a row (JSON holds it as an ISO string)."""
    return datetime.date.fromisoformat(value) if value else None


def display(model, name: str, value) -> str:
    """The label of a choice field's ``value``, as ``get_<name>_display()`` gives it."""
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def user_name(path: str):
    """The ``str()`` of the user at ``path``: the name, else the username."""
    return Coalesce(NullIf(F(f"{path}__name"), Value("")), F(f"{path}__username"))


@register(rows=lambda talent, user: talent.achievements.all(), date="date", title="title", description="description")
def _achievements(rows):
    for row in rows:
        yield Entry(day(row["date"]), "achievement", _("Achievement"), row["title"], row["description"])


@register(
    rows=lambda talent, user: talent.major_events.all(), date="date", kind="kind", description="description",
    discharged_on="discharged_on", reported_by=user_name("reported_by"),
)  # fmt: skip
def _major_events(rows):
    description = MajorEvent._meta.get_field("description")  # encrypted: JSON holds the stored text
    for row in rows:
        discharge = row["kind"] == MajorEvent.Kind.HEALTH and not row["discharged_on"]
        yield Entry(
            day(row["date"]), "event", _("Major event"), display(MajorEvent, "kind", row["kind"]),
            description.from_db_value(row["description"], None, None), badge=row["reported_by"],
            url=reverse("talents:major_event_discharge", args=[row["pk"]]) if discharge else "",
        )  # fmt: skip
        if row["discharged_on"]:
            yield Entry(day(row["discharged_on"]), "event", _("Major event"), _("Discharged from hospital"))


@register(
    rows=lambda talent, user: talent.recommendations.all(), year="year", body="body", status="status", notes="notes"
)
def _recommendations(rows):
    for row in rows:
        title = f"{row['year']} {display(Recommendation, 'body', row['body'])}"  # as str(recommendation)
        yield Entry(datetime.date(row["year"], 1, 1), "recommendation", _("Recommendation"), title, row["notes"],
                    badge=display(Recommendation, "status", row["status"]))  # fmt: skip
