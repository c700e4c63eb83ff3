import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.tests.factories import GroupActivityFactory
from liaison.models import ContactTopic, Pairing, VisitTask
from liaison.tests.factories import AppealFactory, ContactLogFactory
from maps.tests.factories import GrowthRecordFactory, SupportRecordFactory, TalentNeedFactory
from talents import timeline
from talents.models import Achievement, MajorEvent, Recommendation
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("talents:talent_detail", args=[talent.pk])


def test_timeline_shows_achievements_and_events_newest_first(client, staff_a, talent_a):
    Achievement.objects.create(talent=talent_a, date=datetime.date(2024, 6, 1), title="县级优秀人才")
    MajorEventFactory(talent=talent_a, date=datetime.date(2026, 3, 1), description="获省级科技进步奖")
    client.force_login(staff_a)
    entries = client.get(_url(talent_a)).context["entries"]
    assert [e.title for e in entries] == ["工作取得重大成就", "县级优秀人才"]


def test_page_masks_numbers_by_default(client, staff_a, talent_a):
    client.force_login(staff_a)
    body = client.get(_url(talent_a)).content.decode()
    assert "510***********1233" in body
    assert talent_a.id_number not in body


def test_paired_leader_reads_without_edit_buttons(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    response = client.get(_url(talent_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("talents:talent_edit", args=[talent_a.pk]) not in body
    assert reverse("talents:talent_reveal", args=[talent_a.pk]) not in body


def test_unpaired_leader_gets_404(client, leader_a, leader_a_record, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 404


def test_liaison_of_another_unit_gets_404(client, liaison_a, talent_b):
    client.force_login(liaison_a)
    assert client.get(_url(talent_b)).status_code == 404


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).status_code == 302


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a)).status_code == 405


def _history(talent, pairing, n: int, first: int = 0) -> None:
    """Give ``talent`` ``n`` rows of every kind the page may read: timeline records and the rest."""
    for i in range(first, first + n):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
        confirmed = None if i % 2 else datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
        contact = ContactLogFactory(pairing=pairing, date=day, confirmed_at=confirmed)
        contact.topics.set(ContactTopic.objects.all()[: i % 3])
        AppealFactory(talent=talent, received_on=day, created_by=pairing.leader.user)
        event = MajorEventFactory(talent=talent, date=day, kind=MajorEvent.Kind.HEALTH, reported_by=pairing.leader.user)
        VisitTask.objects.create(
            key=f"illness-{event.pk}", kind=VisitTask.Kind.ILLNESS, pairing=pairing, leader=pairing.leader,
            talent=talent, major_event=event, window_start=day, due_date=day + datetime.timedelta(days=7),
        )  # fmt: skip
        Achievement.objects.create(talent=talent, date=day, title=f"成果{i}")
        Recommendation.objects.create(talent=talent, year=2000 + i, body=Recommendation.Body.CPPCC)
        GrowthRecordFactory(talent=talent, date=day)
        SupportRecordFactory(talent=talent, date=day)
        GroupActivityFactory(organization=talent.organization, date=day).talents.add(talent)
        TalentNeedFactory(organization=talent.organization)


@pytest.mark.parametrize("persona", ["staff_a", "leader_a", "liaison_a"])
def test_query_count_does_not_grow_with_the_history(request, client, persona, pairing_a, talent_a):
    client.force_login(request.getfixturevalue(persona))
    counts, shown = [], []
    for first, n in [(0, 2), (2, 18)]:
        _history(talent_a, pairing_a, n, first)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(talent_a))
        counts.append(len(queries))
        shown.append(len(response.context["entries"]))
    assert shown[1] - shown[0] >= 18 * 4  # contacts, appeals, events, achievements... at least
    assert counts[0] == counts[1] <= 12


def test_timeline_entries_carry_what_each_record_says(staff_a, pairing_a, talent_a):
    pairing_a.end, pairing_a.end_reason = datetime.date(2026, 6, 30), Pairing.EndReason.ADJUSTMENT
    pairing_a.save()
    contact = ContactLogFactory(
        pairing=pairing_a, date=datetime.date(2026, 3, 5), opinions="希望增加培训", confirmed_at=None
    )
    contact.topics.set(ContactTopic.objects.order_by("sort_order", "name")[:2])
    MajorEventFactory(
        talent=talent_a, kind=MajorEvent.Kind.HEALTH, date=datetime.date(2026, 4, 1), description="住院治疗",
        discharged_on=datetime.date(2026, 4, 20), reported_by=staff_a,
    )  # fmt: skip
    Recommendation.objects.create(
        talent=talent_a, year=2026, body=Recommendation.Body.CPPCC, status=Recommendation.Status.ELECTED, notes="县政协"
    )
    with translation.override("en"):
        entries = timeline.entries_for(talent_a, staff_a)
    topics = "、".join(ContactTopic.objects.order_by("sort_order", "name").values_list("name", flat=True)[:2])
    assert [(e.date, e.kind, e.label, e.title, e.body, e.badge) for e in entries] == [
        (datetime.date(2026, 6, 30), "pairing", "Pairing", "Pairing with 赵志刚 ended", "", "Adjustment"),
        (datetime.date(2026, 4, 20), "event", "Major event", "Discharged from hospital", "", ""),
        (datetime.date(2026, 4, 1), "event", "Major event", "Serious health condition", "住院治疗", "李娜"),
        (datetime.date(2026, 3, 5), "contact", contact.method.name, topics, "了解工作进展\nOpinions: 希望增加培训",
         "赵志刚 · Pending confirmation"),
        (datetime.date(2026, 1, 1), "recommendation", "Recommendation", "2026 CPPCC member", "县政协", "Elected"),
        (datetime.date(2025, 1, 1), "pairing", "Pairing", "Paired with 赵志刚", "", "2025—2026"),
    ]  # fmt: skip
    assert entries[2].url == ""  # discharged: nothing left to report
