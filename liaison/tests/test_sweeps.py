import datetime

import pytest

from liaison import services, sweeps
from liaison.models import (
    Appeal,
    AppealCategory,
    ContactMethod,
    Holiday,
    Notification,
    ReminderPolicy,
    SweepRun,
    VisitTask,
)
from liaison.tests.factories import ContactLogFactory, PairingFactory
from talents.models import MajorEvent, TalentCategory
from talents.services import major_event_discharge, major_event_report
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def pairing(pairing_a):
    """pairing_a in a term covering 2025-2027, with no contact yet."""
    term = pairing_a.term
    term.start, term.end = d("2025-01-01"), d("2027-12-31")
    term.save()
    return pairing_a


@pytest.mark.parametrize(
    ("year", "spring", "mid_autumn"),
    [(2025, "2025-01-29", "2025-10-06"), (2026, "2026-02-17", "2026-09-25"), (2027, "2027-02-06", "2027-09-15"),
     (2028, "2028-01-26", "2028-10-03"), (2029, "2029-02-13", "2029-09-22"), (2030, "2030-02-03", "2030-09-12")],
)  # fmt: skip
def test_lunar_holidays_fall_on_the_known_dates(year, spring, mid_autumn):
    assert sweeps.holiday_date(Holiday.objects.get(name="春节"), year) == d(spring)
    assert sweeps.holiday_date(Holiday.objects.get(name="中秋节"), year) == d(mid_autumn)


def test_reminder_only_on_a_checkpoint_and_only_once(pairing, leader_a):
    assert sweeps.run_day(d("2026-06-30"), ["contact_reminders"]) == {"contact_reminders": 0}
    assert sweeps.run_day(d("2026-07-01"), ["contact_reminders"]) == {"contact_reminders": 1}
    assert sweeps.run_day(d("2026-07-01"), ["contact_reminders"]) == {"contact_reminders": 0}
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (leader_a, "contact_reminder")
    assert "张三" in note.body


def test_no_reminder_once_the_minimum_is_met(pairing):
    ContactLogFactory(pairing=pairing, date=d("2026-03-01"))
    assert sweeps.run_day(d("2026-07-01"), ["contact_reminders"]) == {"contact_reminders": 0}


def test_an_organizations_policy_moves_the_checkpoints(pairing, township_a):
    ReminderPolicy.objects.create(organization=township_a, checkpoints="06-15")
    assert sweeps.run_day(d("2026-07-01"), ["contact_reminders"])["contact_reminders"] == 0
    assert sweeps.run_day(d("2026-06-15"), ["contact_reminders"])["contact_reminders"] == 1


def test_catch_up_after_downtime_creates_each_missed_reminder_once(pairing):
    SweepRun.objects.create(name="contact_reminders", day=d("2026-06-27"), finished_at=datetime.datetime(2026, 6, 27,
                            tzinfo=datetime.UTC))  # fmt: skip
    assert sweeps.days_to_sweep(d("2026-07-03"))[0] == d("2026-06-28")
    totals = sweeps.run_all(d("2026-07-03"))
    assert totals["contact_reminders"] == 1
    assert sweeps.run_all(d("2026-07-03"))["contact_reminders"] == 0
    assert Notification.objects.filter(kind="contact_reminder").count() == 1


def test_staff_summary_on_15_december(pairing, staff_a, county_staff):
    sweeps.run_day(d("2026-12-15"), ["staff_summaries"])
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles["staff_a"] == "青山镇：本年度尚有 1 个结对未达到最少联系次数"
    assert titles["county_staff"] == "示范县：本年度尚有 1 个结对未达到最少联系次数"
    assert sweeps.run_day(d("2026-12-15"), ["staff_summaries"])["staff_summaries"] == 0


def test_no_contact_rule_is_off_by_default_and_fires_once(pairing, township_a):
    assert sweeps.run_day(d("2026-05-01"), ["no_contact_reminders"])["no_contact_reminders"] == 0
    ReminderPolicy.objects.create(organization=township_a, no_contact_days=60)
    assert sweeps.run_day(d("2026-05-01"), ["no_contact_reminders"])["no_contact_reminders"] == 1
    assert sweeps.run_day(d("2026-05-02"), ["no_contact_reminders"])["no_contact_reminders"] == 0


def test_holiday_campaign_creates_tasks_in_the_notice_window(pairing):
    # 中秋 2026-09-25 with 7 days' notice: nothing on 09-17, the task on 09-18, once.
    assert sweeps.run_day(d("2026-09-17"), ["holiday_campaigns"])["holiday_campaigns"] == 0
    assert sweeps.run_day(d("2026-09-18"), ["holiday_campaigns"])["holiday_campaigns"] == 1
    assert sweeps.run_day(d("2026-09-19"), ["holiday_campaigns"])["holiday_campaigns"] == 0
    task = VisitTask.objects.get()
    assert (task.holiday.name, task.window_start, task.due_date) == ("中秋节", d("2026-09-18"), d("2026-09-25"))
    assert Notification.objects.filter(kind="visit_task").count() == 1


def test_profession_day_only_for_its_category(pairing, work_unit_a):
    teacher = TalentFactory(name="周老师", work_unit=work_unit_a)
    teacher.categories.add(TalentCategory.objects.get(code="teacher"))
    PairingFactory(term=pairing.term, leader=pairing.leader, talent=teacher, start=d("2025-01-01"))
    sweeps.run_day(d("2026-09-05"), ["holiday_campaigns"])
    assert [t.talent.name for t in VisitTask.objects.filter(holiday__name="教师节")] == ["周老师"]


def test_a_visit_in_the_window_completes_the_task(pairing, leader_a):
    sweeps.run_day(d("2026-09-18"), ["holiday_campaigns"])
    contact = services.contact_log_create(
        pairing=pairing, user=leader_a, date=d("2026-09-20"), method=ContactMethod.objects.get(code="visit"),
        summary="中秋走访", today=d("2026-09-20"),
    )  # fmt: skip
    task = VisitTask.objects.get()
    assert (task.done_at, task.contact) == (d("2026-09-20"), contact)


def test_a_visit_logged_before_the_sweep_still_counts(pairing):
    ContactLogFactory(pairing=pairing, date=d("2026-09-19"), method=ContactMethod.objects.get(code="visit"))
    sweeps.run_day(d("2026-09-20"), ["holiday_campaigns"])
    assert VisitTask.objects.get().done_at == d("2026-09-19")


def test_serious_illness_creates_visits_on_report_and_after_discharge(
    pairing, liaison_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = major_event_report(talent=pairing.talent, kind=MajorEvent.Kind.HEALTH, date=d("2026-11-10"),
                                   description="住院", user=liaison_a)  # fmt: skip
    assert list(VisitTask.objects.values_list("kind", flat=True)) == ["illness"]
    with django_capture_on_commit_callbacks(execute=True):
        major_event_discharge(event=event, on=d("2026-11-18"))
    task = VisitTask.objects.get(kind="discharge")
    assert (task.window_start, task.due_date) == (d("2026-11-18"), d("2026-11-25"))


def test_major_achievement_visit_due_in_15_days(pairing, liaison_a):
    MajorEvent.objects.create(talent=pairing.talent, kind="achievement", date=d("2026-05-01"), description="获奖",
                              reported_by=liaison_a)  # fmt: skip
    sweeps.run_day(d("2026-05-02"), ["must_visits"])
    assert VisitTask.objects.get().due_date == d("2026-05-16")
    assert sweeps.run_day(d("2026-05-03"), ["must_visits"])["must_visits"] == 0


def test_overdue_visit_escalates_once_per_step(pairing, staff_a, leader_a):
    sweeps.run_day(d("2026-09-18"), ["holiday_campaigns"])
    sweeps.run_day(d("2026-09-26"), ["overdue_escalations"])
    assert list(Notification.objects.filter(kind="visit_overdue").values_list("recipient", flat=True)) == [leader_a.pk]
    sweeps.run_day(d("2026-09-27"), ["overdue_escalations"])
    assert Notification.objects.filter(kind="visit_overdue").count() == 1
    sweeps.run_day(d("2026-10-02"), ["overdue_escalations"])
    assert set(Notification.objects.filter(kind="visit_overdue").values_list("recipient", flat=True)) == {
        leader_a.pk, staff_a.pk}  # fmt: skip
    sweeps.run_day(d("2026-10-03"), ["overdue_escalations"])
    assert Notification.objects.filter(kind="visit_overdue").count() == 2


def test_overdue_appeal_notifies_the_handler_then_the_staff(pairing, staff_a, liaison_a):
    Appeal.objects.create(
        talent=pairing.talent, organization=pairing.talent.organization,
        category=AppealCategory.objects.get(code="school"), description="子女入学", source="liaison",
        received_on=d("2026-08-01"), handler=liaison_a, deadline=d("2026-08-20"), status="in_progress",
        created_by=staff_a,
    )  # fmt: skip
    sweeps.run_day(d("2026-08-21"), ["overdue_escalations"])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [liaison_a.pk]
    sweeps.run_day(d("2026-08-28"), ["overdue_escalations"])
    sweeps.run_day(d("2026-08-29"), ["overdue_escalations"])
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted([liaison_a.pk, staff_a.pk])


def test_run_sweeps_command(pairing, capsys):
    from django.core.management import call_command

    call_command("run_sweeps", "--date", "2026-07-01")
    assert "contact_reminders: 1" in capsys.readouterr().out
    with pytest.raises(Exception, match="2026-12-15"):
        call_command("run_sweeps", "--date", "15/12/2026")


def test_the_first_confirmed_visit_in_the_window_completes_the_task(pairing):
    visit = ContactMethod.objects.get(code="visit")
    ContactLogFactory(pairing=pairing, date=d("2026-09-10"), method=visit)  # before the window
    ContactLogFactory(pairing=pairing, date=d("2026-09-19"), method=visit, confirmed_at=None)  # not confirmed
    ContactLogFactory(pairing=pairing, date=d("2026-09-20"))  # not a visit
    first = ContactLogFactory(pairing=pairing, date=d("2026-09-21"), method=visit)
    ContactLogFactory(pairing=pairing, date=d("2026-09-22"), method=visit)
    sweeps.run_day(d("2026-09-18"), ["holiday_campaigns"])
    task = VisitTask.objects.get()
    assert (task.done_at, task.contact) == (d("2026-09-21"), first)
    assert VisitTask.objects.complete_by_visits() == 0  # done tasks stay as they are


def test_a_second_run_reads_no_row_it_already_made(pairing, staff_a, django_assert_max_num_queries):
    policies = sweeps.PolicyMap.load()
    assert sweeps.holiday_campaigns(d("2026-09-18"), policies) == 1
    with django_assert_max_num_queries(4):  # the holidays, their categories, one anti-join per campaign
        assert sweeps.holiday_campaigns(d("2026-09-18"), policies) == 0
    assert sweeps.overdue_escalations(d("2026-10-02"), policies) == 2
    with django_assert_max_num_queries(6):  # staff; tasks and appeals, first step and staff step; keys sent
        assert sweeps.overdue_escalations(d("2026-10-02"), policies) == 0
