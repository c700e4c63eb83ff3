"""The appeal workflow at the service level: every step, every persona, every status."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison import services
from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import ContactLogFactory, appeal_at
from talents.models import Talent
from talents.tests.factories import MajorEventFactory, TalentFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)
S = Appeal.Status
STAFF = {"staff_a", "county_staff"}
# Written out here, not read from liaison.workflow, so that a change to the table fails a test.
# step: (statuses it may start from, personas who may take it, status it leads to)
ALLOWED = {
    "assign": ({S.REGISTERED}, STAFF, S.ASSIGNED),
    "start": ({S.ASSIGNED}, STAFF | {"handler_a"}, S.IN_PROGRESS),
    "progress": ({S.ASSIGNED, S.IN_PROGRESS}, STAFF | {"handler_a", "co_handler_a"}, None),
    "resolve": ({S.IN_PROGRESS}, STAFF | {"handler_a"}, S.RESOLVED),
    "follow_up": ({S.RESOLVED}, STAFF | {"liaison_a", "leader_a"}, S.FOLLOWED_UP),
    "close": ({S.FOLLOWED_UP}, STAFF, S.CLOSED),
    "edit": (set(S) - {S.CLOSED}, STAFF | {"liaison_a"}, None),
}
PERSONAS = ["staff_a", "county_staff", "handler_a", "co_handler_a", "liaison_a", "leader_a", "staff_b"]


def _take(step, appeal, user, handler):
    v = appeal.version
    steps = {
        "assign": lambda: services.appeal_assign(
            appeal=appeal, user=user, version=v, lead_unit="教育局", handler=handler, today=TODAY
        ),
        "start": lambda: services.appeal_start(appeal=appeal, user=user, version=v),
        "progress": lambda: services.appeal_add_progress(appeal=appeal, user=user, note="已与学校沟通"),
        "resolve": lambda: services.appeal_resolve(appeal=appeal, user=user, version=v, result="已入学", today=TODAY),
        "follow_up": lambda: services.appeal_follow_up(
            appeal=appeal, user=user, version=v, satisfaction="satisfied", today=TODAY
        ),
        "close": lambda: services.appeal_close(appeal=appeal, user=user, version=v, today=TODAY),
        "edit": lambda: services.appeal_update(appeal=appeal, user=user, version=v, today=TODAY, measures="协调学位"),
    }
    steps[step]()


@pytest.mark.parametrize("step", list(ALLOWED))
def test_every_step_from_every_status_by_every_persona(
    request, step, talent_a, pairing_a, handler_a, co_handler_a, liaison_a, staff_b
):
    sources, allowed, target = ALLOWED[step]
    outcomes, expected = {}, {}
    for status in S:
        # Nobody handles a registered appeal yet.
        may = allowed - {"handler_a", "co_handler_a"} if status == S.REGISTERED else allowed
        for name in PERSONAS:
            appeal = appeal_at(
                status, talent=talent_a, handler=handler_a, co_handler=co_handler_a, created_by=liaison_a
            )
            try:
                _take(step, appeal, request.getfixturevalue(name), handler_a)
            except PermissionDenied:
                outcomes[status, name] = "403"
            except ValidationError:
                outcomes[status, name] = "refused"
            else:
                outcomes[status, name] = "done"
            expected[status, name] = "403" if name not in may else "done" if status in sources else "refused"
            done = expected[status, name] == "done"
            appeal.refresh_from_db()
            # A refused step changes nothing and leaves no trace on the timeline.
            assert (appeal.status, appeal.events.count()) == ((target or status, 1) if done else (status, 0)), (
                status, name, outcomes[status, name])  # fmt: skip
    assert outcomes == expected


@pytest.mark.parametrize(
    "name, allowed",
    [("staff_a", True), ("county_staff", True), ("liaison_a", True), ("leader_a", True), ("handler_a", False),
     ("staff_b", False)],
)  # fmt: skip
def test_who_may_register(request, name, allowed, talent_a, pairing_a):
    user = request.getfixturevalue(name)
    category = AppealCategory.objects.get(code="school")

    def register():
        return services.appeal_register(
            talent=talent_a, user=user, category=category, description="子女入学", source=Appeal.Source.TALENT,
            received_on=TODAY, today=TODAY,
        )  # fmt: skip

    if allowed:
        appeal = register()
        assert (appeal.organization, appeal.status, appeal.created_by) == (talent_a.organization, "registered", user)
        assert list(appeal.events.values_list("action", "to_status")) == [("register", "registered")]
    else:
        with pytest.raises(PermissionDenied):
            register()
        assert not Appeal.objects.exists()


def test_leader_raises_an_appeal_from_their_contact_after_the_pairing_ended(leader_a, pairing_a, talent_a):
    contact = ContactLogFactory(pairing=pairing_a, opinions="孩子入学难")
    pairing_a.end = datetime.date(2026, 3, 1)
    pairing_a.save()
    category = AppealCategory.objects.get(code="school")
    kwargs = {"talent": talent_a, "user": leader_a, "category": category, "description": "孩子入学难",
              "received_on": contact.date, "today": TODAY}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.appeal_register(source=Appeal.Source.TALENT, **kwargs)
    appeal = services.appeal_register(source=Appeal.Source.CONTACT, contact=contact, **kwargs)
    assert (appeal.contact, appeal.source) == (contact, "contact")


def test_register_refuses_bad_input(staff_a, talent_a, pairing_a):
    category = AppealCategory.objects.get(code="school")
    other_event = MajorEventFactory(talent=TalentFactory(work_unit=talent_a.work_unit))
    base = {"talent": talent_a, "user": staff_a, "category": category, "description": "x", "today": TODAY,
            "source": Appeal.Source.TALENT, "received_on": TODAY}  # fmt: skip
    cases = [
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on"),
        ({"description": "  "}, "description"),
        ({"source": Appeal.Source.CONTACT}, "source"),
        ({"source": Appeal.Source.MAJOR_EVENT, "major_event": other_event}, "__all__"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as error:
            services.appeal_register(**{**base, **change})
        assert field in error.value.message_dict
    Talent.objects.filter(pk=talent_a.pk).update(status=Talent.Status.ARCHIVED)
    talent_a.refresh_from_db()
    with pytest.raises(ValidationError, match="已归档"):
        services.appeal_register(**base)
    assert not Appeal.objects.exists()


def _register(talent, user, **kwargs):
    category = AppealCategory.objects.get(code="school")
    return services.appeal_register(
        talent=talent, user=user, category=category, description="子女入学", source=Appeal.Source.LIAISON,
        received_on=TODAY, today=TODAY, **kwargs,
    )  # fmt: skip


def test_the_whole_path_is_on_the_timeline(staff_a, liaison_a, leader_a, pairing_a, handler_a, co_handler_a, talent_a):
    appeal = _register(talent_a, liaison_a)
    services.appeal_assign(appeal=appeal, user=staff_a, version=1, lead_unit="教育局", handler=handler_a,
                           co_handlers=[co_handler_a], co_units="街道办", measures="协调学位", today=TODAY)  # fmt: skip
    services.appeal_start(appeal=appeal, user=handler_a, version=2, note="已受理")
    services.appeal_add_progress(appeal=appeal, user=co_handler_a, note="街道已对接学校")
    services.appeal_resolve(appeal=appeal, user=handler_a, version=3, result="已安排入学", today=TODAY)
    services.appeal_follow_up(appeal=appeal, user=leader_a, version=4, satisfaction="basic", today=TODAY)
    services.appeal_close(appeal=appeal, user=staff_a, version=5, today=TODAY)
    events = list(appeal.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert events == [
        ("register", "", "registered", "liaison_a"),
        ("assign", "registered", "assigned", "staff_a"),
        ("start", "assigned", "in_progress", "handler_a"),
        ("progress", "", "", "co_handler_a"),
        ("resolve", "in_progress", "resolved", "handler_a"),
        ("follow_up", "resolved", "followed_up", "leader_a"),
        ("close", "followed_up", "closed", "staff_a"),
    ]
    notes = [e.note for e in appeal.events.all()]
    assert "承办人：王明" in notes[1] and notes[3] == "街道已对接学校" and "已安排入学" in notes[4]
    assert "满意度：基本满意" in notes[5]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.satisfaction, appeal.closed_on, appeal.version) == ("closed", "basic", TODAY, 6)
    assert list(appeal.co_handlers.all()) == [co_handler_a]


def test_unsatisfied_reopens_for_a_second_round_and_a_second_follow_up(staff_a, liaison_a, handler_a, talent_a):
    appeal = appeal_at(S.RESOLVED, talent=talent_a, handler=handler_a, created_by=liaison_a)
    later = datetime.date(2026, 2, 13)  # a Friday before the Spring Festival
    services.appeal_follow_up(appeal=appeal, user=liaison_a, version=1, satisfaction="unsatisfied", note="学校太远",
                              today=later)  # fmt: skip
    appeal.refresh_from_db()
    assert (appeal.status, appeal.round, appeal.satisfaction, appeal.result, appeal.handler) == (
        "assigned", 2, "", "", handler_a)  # fmt: skip
    assert appeal.deadline == datetime.date(2026, 3, 12)  # 15 working days across 春节 and two 调休 Saturdays
    actions = list(appeal.events.values_list("action", "to_status"))
    assert actions == [("follow_up", "followed_up"), ("reopen", "assigned")]
    assert "不满意" in appeal.events.first().note and "学校太远" in appeal.events.first().note
    with pytest.raises(ValidationError):  # not closable while being handled again
        services.appeal_close(appeal=appeal, user=staff_a, version=appeal.version, today=TODAY)
    services.appeal_start(appeal=appeal, user=handler_a, version=appeal.version)
    services.appeal_resolve(appeal=appeal, user=handler_a, version=appeal.version, result="调剂至一小", today=TODAY)
    services.appeal_follow_up(appeal=appeal, user=liaison_a, version=appeal.version, satisfaction="satisfied",
                              today=TODAY)  # fmt: skip
    services.appeal_close(appeal=appeal, user=staff_a, version=appeal.version, today=TODAY)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.round, appeal.satisfaction, appeal.result) == ("closed", 2, "satisfied", "调剂至一小")
    assert [e.action for e in appeal.events.all()][-4:] == ["start", "resolve", "follow_up", "close"]


def test_close_needs_a_satisfied_follow_up(staff_a, handler_a, talent_a, liaison_a):
    appeal = appeal_at(S.FOLLOWED_UP, talent=talent_a, handler=handler_a, created_by=liaison_a)
    Appeal.objects.filter(pk=appeal.pk).update(satisfaction="")
    appeal.refresh_from_db()
    with pytest.raises(ValidationError, match="满意"):
        services.appeal_close(appeal=appeal, user=staff_a, version=appeal.version, today=TODAY)


def test_default_deadline_counts_working_days_and_urgent_is_shorter(staff_a, handler_a, talent_a, liaison_a):
    friday = datetime.date(2026, 2, 13)
    normal = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)
    urgent = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a, urgency=Appeal.Urgency.URGENT)
    for appeal in (normal, urgent):
        services.appeal_assign(appeal=appeal, user=staff_a, version=1, lead_unit="教育局", handler=handler_a,
                               today=friday)  # fmt: skip
    assert normal.deadline == datetime.date(2026, 3, 12)  # 15 working days
    assert urgent.deadline == datetime.date(2026, 2, 27)  # 5: 02-14 (调休), 02-24..02-27


def test_assign_refuses_a_past_deadline_and_resolve_an_empty_result(staff_a, handler_a, talent_a, liaison_a):
    appeal = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)
    with pytest.raises(ValidationError) as error:
        services.appeal_assign(appeal=appeal, user=staff_a, version=1, lead_unit="教育局", handler=handler_a,
                               deadline=TODAY - datetime.timedelta(days=1), today=TODAY)  # fmt: skip
    assert "deadline" in error.value.message_dict
    appeal = appeal_at(S.IN_PROGRESS, talent=talent_a, handler=handler_a, created_by=liaison_a)
    with pytest.raises(ValidationError) as error:
        services.appeal_resolve(appeal=appeal, user=handler_a, version=1, result=" ", today=TODAY)
    assert "result" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.appeal_follow_up(appeal=appeal, user=staff_a, version=1, satisfaction="happy", today=TODAY)


def test_overdue_is_past_the_deadline_and_not_resolved(talent_a, liaison_a, handler_a):
    deadline = datetime.date(2026, 3, 23)
    late = appeal_at(S.IN_PROGRESS, talent=talent_a, handler=handler_a, created_by=liaison_a)
    resolved = appeal_at(S.RESOLVED, talent=talent_a, handler=handler_a, created_by=liaison_a)
    appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)  # no deadline yet
    assert late.deadline == resolved.deadline == deadline
    assert not late.is_overdue(deadline)  # the deadline day itself is still in time
    assert late.is_overdue(deadline + datetime.timedelta(days=1))
    assert not resolved.is_overdue(deadline + datetime.timedelta(days=1))
    assert list(Appeal.objects.overdue(deadline + datetime.timedelta(days=1))) == [late]


def test_a_stale_edit_is_refused_and_keeps_the_first(staff_a, liaison_a, talent_a):
    appeal = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)
    mine, theirs = Appeal.objects.get(pk=appeal.pk), Appeal.objects.get(pk=appeal.pk)
    services.appeal_update(appeal=mine, user=liaison_a, version=1, measures="单位协调", today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.appeal_update(appeal=theirs, user=staff_a, version=1, measures="人才办协调", today=TODAY)
    assert error.value.code == "stale"
    assert "已被他人修改" in error.value.message
    appeal.refresh_from_db()
    assert (appeal.measures, appeal.version) == ("单位协调", 2)
    assert list(appeal.events.values_list("action", "note")) == [("edit", "修改了：针对性措施。")]


def test_two_assignments_at_once_keep_the_first(staff_a, county_staff, handler_a, co_handler_a, talent_a, liaison_a):
    appeal = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)
    first, second = Appeal.objects.get(pk=appeal.pk), Appeal.objects.get(pk=appeal.pk)
    services.appeal_assign(appeal=first, user=staff_a, version=1, lead_unit="教育局", handler=handler_a, today=TODAY)
    with pytest.raises(ValidationError):
        services.appeal_assign(appeal=second, user=county_staff, version=1, lead_unit="人社局", handler=co_handler_a,
                               today=TODAY)  # fmt: skip
    appeal.refresh_from_db()
    assert (appeal.lead_unit, appeal.handler, appeal.events.count()) == ("教育局", handler_a, 1)


def test_an_edit_without_changes_records_nothing(liaison_a, talent_a):
    appeal = appeal_at(S.REGISTERED, talent=talent_a, created_by=liaison_a)
    services.appeal_update(appeal=appeal, user=liaison_a, version=1, description=appeal.description, today=TODAY)
    appeal.refresh_from_db()
    assert (appeal.version, appeal.events.count()) == (1, 0)
