"""The sweeps over every pairing insert with INSERT ... SELECT: the same number of queries for 3 rows as
for 30, and exactly the rows the sweeps made one by one in Python before (keys, titles, links,
recipients, deliveries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from liaison import sweeps
from liaison.models import (
    Appeal,
    AppealCategory,
    ContactMethod,
    Delivery,
    Holiday,
    Notification,
    ReminderPolicy,
    VisitTask,
    WebhookChannel,
)
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory, TermFactory
from talents.models import MajorEvent
from talents.tests.factories import MajorEventFactory, TalentFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db

MY_TALENTS = "/liaison/my/"


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def world(county, township_a, work_unit_a, staff_a, county_staff):
    """Return a builder of ``n`` pairings in a 2025-2027 term, three to a leader.

    Even pairings are in work_unit_a (village A: staff_a is the nearest staff), odd ones in 白云镇, a
    township without staff (county_staff is). Even leaders have an e-mail address; township A has an
    active robot and an inactive one, and every leader is a member there.
    """

    def build(n: int) -> list:
        term = TermFactory(organization=township_a, start=d("2025-01-01"), end=d("2027-12-31"))
        unit_c = WorkUnitFactory(name="白云小学", organization=OrganizationFactory(parent=county, name="白云镇"))
        WebhookChannel.objects.create(organization=township_a, kind="wecom", url="http://127.0.0.1:9/send")
        WebhookChannel.objects.create(organization=township_a, kind="dingtalk", url="http://127.0.0.1:9/robot",
                                      is_active=False)  # fmt: skip
        leaders = []
        for i in range(n // 3 + 1):
            user = UserFactory(email=f"leader{i}@example.gov.cn" if i % 2 == 0 else "")
            MembershipFactory(user=user, organization=township_a, role="leader")
            leaders.append(LeaderFactory(user=user, organization=township_a))
        return [
            PairingFactory(term=term, leader=leaders[i // 3], start=d("2025-01-01"),
                           talent=TalentFactory(name=f"人才{i}", work_unit=work_unit_a if i % 2 == 0 else unit_c))
            for i in range(n)
        ]  # fmt: skip

    return build


def _run(sweep, day: str) -> tuple[int, int]:
    """Run ``sweep`` for ``day``; return what it created and its number of queries."""
    policies = sweeps.PolicyMap.load()
    with CaptureQueriesContext(connection) as queries:
        created = sweep(d(day), policies)
    return created, len(queries)


def _notifications(kind: str) -> set:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient_id", "title", "body", "link", "dedupe_key")
    )


def _deliveries_expected(kind: str) -> set:
    """E-mail to a recipient with an address, the active robot of township A to its members."""
    expected = set()
    for note in Notification.objects.filter(kind=kind).select_related("recipient"):
        if note.recipient.email:
            expected.add((note.dedupe_key, "email", None))
        for hook in WebhookChannel.objects.filter(is_active=True, organization__memberships__user=note.recipient):
            expected.add((note.dedupe_key, hook.kind, hook.pk))
    return expected


def _deliveries(kind: str) -> set:
    return set(
        Delivery.objects.filter(notification__kind=kind, status="pending").values_list(
            "notification__dedupe_key", "channel", "webhook_id"
        )
    )


@pytest.mark.parametrize("n", [3, 30])
def test_contact_reminders_one_per_leader_in_a_fixed_number_of_queries(world, n):
    pairings = world(n)
    ContactLogFactory(pairing=pairings[1], date=d("2026-03-01"))  # met the minimum: not named
    created, queries = _run(sweeps.contact_reminders, "2026-07-01")
    names = {}
    for pairing in pairings[:1] + pairings[2:]:
        names.setdefault(pairing.leader.user_id, []).append(pairing.talent.name)
    assert created == len(names)
    assert _notifications("contact_reminder") == {
        (uid, f"本年度还有 {len(due)} 名结对人才尚未完成联系", "、".join(due), MY_TALENTS, f"contact:{uid}:2026-07-01")
        for uid, due in names.items()
    }
    assert _deliveries("contact_reminder") == _deliveries_expected("contact_reminder") != set()
    assert queries == 4  # organizations, the INSERT ... SELECT, the deliveries and those to queue
    assert _run(sweeps.contact_reminders, "2026-07-01") == (0, 2)


def test_contact_reminder_names_the_first_twenty_newest_first(world):
    pairings = world(24)
    leader = pairings[0].leader
    for number, pairing in enumerate(pairings):
        pairing.leader, pairing.start = leader, d("2025-01-01") + datetime.timedelta(days=number)
        pairing.save()
    sweeps.contact_reminders(d("2026-07-01"), sweeps.PolicyMap.load())
    note = Notification.objects.get()
    assert note.title == "本年度还有 24 名结对人才尚未完成联系"
    assert note.body == "、".join(f"人才{i}" for i in range(23, 3, -1)) + "……"


@pytest.mark.parametrize("n", [3, 30])
def test_no_contact_reminders_once_per_silence_in_a_fixed_number_of_queries(world, county, n):
    pairings = world(n)
    ReminderPolicy.objects.create(organization=county, no_contact_days=60)
    ContactLogFactory(pairing=pairings[0], date=d("2026-01-10"))
    ContactLogFactory(pairing=pairings[1], date=d("2026-04-20"))  # 11 days before: not quiet
    created, queries = _run(sweeps.no_contact_reminders, "2026-05-01")
    quiet = [p for p in pairings if p != pairings[1]]
    assert created == len(quiet)
    assert _notifications("no_contact") == {
        (p.leader.user_id, f"已超过 60 天未联系{p.talent.name}", "", MY_TALENTS,
         f"quiet:{p.pk}:{'2026-01-10' if p == pairings[0] else 'never'}")
        for p in quiet
    }  # fmt: skip
    assert _deliveries("no_contact") == _deliveries_expected("no_contact")
    assert queries == 4  # organizations, the INSERT ... SELECT, the deliveries and those to queue
    assert _run(sweeps.no_contact_reminders, "2026-05-01") == (0, 2)


@pytest.mark.parametrize("n", [3, 30])
def test_holiday_campaign_tasks_and_notices_in_a_fixed_number_of_queries(world, n):
    pairings = world(n)
    mid_autumn = Holiday.objects.get(name="中秋节").pk  # 2026-09-25, 7 days' notice
    visit = ContactMethod.objects.get(code="visit")
    visited = ContactLogFactory(pairing=pairings[0], date=d("2026-09-19"), method=visit)
    created, queries = _run(sweeps.holiday_campaigns, "2026-09-18")
    assert created == n
    tasks = VisitTask.objects.filter(holiday=mid_autumn)
    assert set(tasks.values_list("key", "kind", "pairing", "leader", "talent", "window_start", "due_date")) == {
        (f"holiday:{mid_autumn}:2026:{p.pk}", "holiday", p.pk, p.leader_id, p.talent_id, d("2026-09-18"),
         d("2026-09-25"))
        for p in pairings
    }  # fmt: skip
    assert set(tasks.exclude(done_at=None).values_list("pairing", "done_at", "contact")) == {
        (pairings[0].pk, d("2026-09-19"), visited.pk)
    }
    per_leader = {}
    for pairing in pairings:
        per_leader[pairing.leader] = per_leader.get(pairing.leader, 0) + 1
    assert _notifications("visit_task") == {
        (leader.user_id, f"中秋节走访慰问：{count} 名人才，请于 2026-09-25 前完成", "", MY_TALENTS,
         f"tasks:holiday:{mid_autumn}:2026:{leader.pk}")
        for leader, count in per_leader.items()
    }  # fmt: skip
    assert _deliveries("visit_task") == _deliveries_expected("visit_task")
    assert queries == 7  # holidays, their categories, tasks, visits, notices, deliveries (2)
    assert _run(sweeps.holiday_campaigns, "2026-09-18") == (0, 3)


@pytest.mark.parametrize("n", [3, 30])
def test_must_visits_for_every_recent_event_in_a_fixed_number_of_queries(world, staff_a, n):
    pairings = world(n)
    events = []
    for i, pairing in enumerate(pairings):
        if i % 2:
            events.append(MajorEventFactory(talent=pairing.talent, kind="achievement", date=d("2026-11-10"),
                                            reported_by=staff_a))  # fmt: skip
        else:
            events.append(MajorEventFactory(talent=pairing.talent, kind="health", date=d("2026-11-01"),
                                            discharged_on=d("2026-11-18"), reported_by=staff_a))  # fmt: skip
    alone = MajorEventFactory(kind="health", date=d("2026-11-10"), reported_by=staff_a)  # no pairing: no task
    PairingFactory(talent=alone.talent, end=d("2026-06-30"))
    created, queries = _run(sweeps.must_visits, "2026-11-21")
    expected = set()
    for pairing, event in zip(pairings, events, strict=True):
        if event.kind == "achievement":
            expected.add(("achievement", event, pairing, d("2026-11-10"), d("2026-11-25")))
        else:
            expected.add(("illness", event, pairing, d("2026-11-01"), d("2026-11-08")))
            expected.add(("discharge", event, pairing, d("2026-11-18"), d("2026-11-25")))
    assert created == len(expected)
    assert set(VisitTask.objects.values_list("key", "kind", "pairing", "leader", "talent", "major_event",
                                             "window_start", "due_date")) == {
        (f"{kind}:{e.pk}:{p.pk}", kind, p.pk, p.leader_id, p.talent_id, e.pk, start, due)
        for kind, e, p, start, due in expected
    }  # fmt: skip
    labels = {"achievement": "取得重大成就必访", "illness": "罹患重病必访", "discharge": "出院后走访"}
    assert _notifications("visit_task") == {
        (p.leader.user_id, f"请于 {due} 前走访{p.talent.name}：{labels[kind]}", "", MY_TALENTS,
         f"tasks:{kind}:{e.pk}:{p.leader_id}")
        for kind, e, p, _start, due in expected
    }  # fmt: skip
    assert _deliveries("visit_task") == _deliveries_expected("visit_task")
    assert queries == 9  # organizations twice (policies), 3 kinds of tasks, visits, notices, deliveries (2)
    assert _run(sweeps.must_visits, "2026-11-21") == (0, 5)


@pytest.mark.parametrize("n", [3, 30])
def test_overdue_escalations_in_a_fixed_number_of_queries(world, staff_a, county_staff, liaison_a, n):
    pairings = world(n)
    sweeps.holiday_campaigns(d("2026-09-18"), sweeps.PolicyMap.load())  # due 2026-09-25
    school = AppealCategory.objects.get(code="school")
    appeals = [
        Appeal.objects.create(
            talent=p.talent, organization=p.talent.organization, category=school, description="子女入学",
            source="liaison", received_on=d("2026-08-01"), deadline=d(deadline), status="in_progress",
            handler=handler, created_by=staff_a,
        )
        for p, deadline, handler in [(pairings[0], "2026-09-30", liaison_a), (pairings[1], "2026-09-20", liaison_a),
                                     (pairings[2], "2026-10-01", None)]
    ]  # fmt: skip
    created, queries = _run(sweeps.overdue_escalations, "2026-10-02")  # tasks and the first two appeals a week late
    nearest = {p.pk: staff_a.pk if p.talent.work_unit.name == "青山农业合作社" else county_staff.pk for p in pairings}
    expected = set()
    for task in VisitTask.objects.select_related("talent", "leader"):
        title = f"走访超期：{task.talent.name}（节日走访），应于 2026-09-25 前完成"
        link = f"/talents/{task.talent_id}/"
        expected.add((task.leader.user_id, title, "", link, f"visit-late:{task.pk}:1"))
        uid = nearest[task.pairing_id]
        expected.add((uid, title, "", link, f"visit-late:{task.pk}:2:{uid}"))
    assert _notifications("visit_overdue") == expected
    expected = set()
    for appeal, pairing in zip(appeals, pairings, strict=False):
        title = f"诉求办理超期：{appeal.talent.name}，子女入学，办理时限 {appeal.deadline}"
        key = f"appeal-late:{appeal.pk}:1:{appeal.deadline:%Y%m%d}"
        link = f"/liaison/appeals/{appeal.pk}/"
        if appeal.handler_id:
            expected.add((liaison_a.pk, title, "", link, f"{key}:1"))
        if appeal.deadline <= d("2026-09-25") or not appeal.handler_id:
            uid = nearest[pairing.pk]
            expected.add((uid, title, "", link, f"{key}:2:{uid}"))
    assert _notifications("appeal_overdue") == expected
    assert created == Notification.objects.filter(kind__in=["visit_overdue", "appeal_overdue"]).count()
    assert _deliveries("visit_overdue") == _deliveries_expected("visit_overdue")
    assert queries == 8  # staff, organizations, 4 INSERT ... SELECT, the deliveries (2)
    assert _run(sweeps.overdue_escalations, "2026-10-02") == (0, 6)


def test_an_event_of_a_talent_without_active_pairing_makes_no_task(staff_a):
    event = MajorEventFactory(kind=MajorEvent.Kind.HEALTH, date=d("2026-11-10"), reported_by=staff_a)
    PairingFactory(talent=event.talent, end=d("2026-06-30"))
    assert sweeps.must_visits(d("2026-11-21"), sweeps.PolicyMap.load()) == 0
    assert not VisitTask.objects.exists()
