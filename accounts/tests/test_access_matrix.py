"""Every URL of the project, with every kind of user, against the objects of township A (DESIGN.md "Access").

The test walks the URL resolver: a pattern missing from ``ACCESS`` fails it, so a new view cannot be
added without saying who may use it. Each pattern is requested with GET and POST by:

- ``anonymous``;
- ``staff_b``: staff of the sibling township B;
- ``other_leader``: a leader of township A who is not paired with the talent;
- ``other_liaison``: the liaison officer of another work unit of township A;
- ``auditor``: the security auditor of the county (三员分立: the audit log, no talent data);
- ``account_admin``: the account administrator of township A (三员分立: organizations and accounts of
  township A, no talent data although the talent is in the same township);
- the right users: ``staff_a``, ``leader_a`` (paired with talent_a), ``liaison_a`` (talent_a's unit).

A combination missing from the table must answer a redirect to the login page, 403, 404 or 405. No
response to the first five holds township A's data (the talent's name or whole phone number); a
combination in the table must not be refused. Every request runs in a savepoint that is rolled back,
so one request's writes (an archive, a delete) never change what the next one sees.
"""

import datetime
import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from activities.models import ActivityPhoto
from activities.tests.factories import GroupActivityFactory
from liaison.models import AnnualReport, CalendarDay, Notification, ReportFile, VisitTask, WebhookChannel
from liaison.tests.factories import ContactLogFactory, LeaderFactory
from maps.models import GrowthRecord, SupportKind, SupportRecord, TalentNeed
from talents.models import ExportApproval, ImportBatch, MajorEvent
from talents.tests.factories import MajorEventFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db

G, P, GP = {"GET"}, {"POST"}, {"GET", "POST"}
HOSTILE = ("anonymous", "staff_b", "other_leader", "other_liaison", "auditor", "account_admin")
RIGHT = ("staff_a", "leader_a", "liaison_a")
PERSONAS = HOSTILE + RIGHT
SECRETS = ("张三", "13812345678")
EVERYONE = {persona: GP for persona in PERSONAS}
SIGNED_IN = {persona: G for persona in PERSONAS if persona != "anonymous"}
STAFF = {"staff_a": GP, "staff_b": GP}  # a staff page; staff_b sees township B's rows only
STAFF_GET = {"staff_a": G, "staff_b": G}

# URL name → {persona: methods that persona may use}. Everyone else is refused.
ACCESS = {
    # accounts
    "accounts:home": SIGNED_IN,
    "accounts:login": EVERYONE,
    "accounts:logout": {p: P for p in PERSONAS},
    "accounts:password_change": {p: GP for p in PERSONAS if p != "anonymous"},
    "accounts:totp_verify": {},  # only in the half-logged-in state after a right password
    "accounts:totp_enrol": {p: GP for p in PERSONAS if p != "anonymous"},
    "accounts:totp_disable": {p: GP for p in PERSONAS if p != "anonymous"},
    "accounts:audit_log": {"auditor": G},
    "accounts:org_list": STAFF_GET | {"account_admin": G},
    "accounts:org_detail": {"staff_a": G, "account_admin": G},
    "accounts:org_add": {"staff_a": GP, "account_admin": GP},
    "accounts:org_rename": {"staff_a": GP, "account_admin": GP},
    "accounts:org_second_factor": {"staff_a": P, "account_admin": P},
    "accounts:member_add": {"staff_a": GP, "account_admin": GP},
    "accounts:user_detail": {"staff_a": G, "account_admin": G},
    # talents
    "talents:talent_list": {p: G for p in PERSONAS if p != "anonymous"},
    "talents:talent_export": {"staff_a": G, "staff_b": G, "liaison_a": G, "other_liaison": G},
    "talents:roster_import": STAFF,
    "talents:roster_template": STAFF_GET,
    "talents:roster_import_preview": {"staff_a": G},
    "talents:roster_import_confirm": {"staff_a": P},
    "talents:talent_add": {"staff_a": GP, "staff_b": GP, "liaison_a": GP, "other_liaison": GP},
    "talents:talent_detail": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "talents:talent_edit": {"staff_a": GP, "liaison_a": GP},
    "talents:talent_reveal": {"staff_a": P, "liaison_a": P},
    "talents:talent_archive": {"staff_a": P},
    "talents:talent_restore": {"staff_a": P},
    "talents:talent_history": {"staff_a": G},
    "talents:talent_data_export": {"staff_a": G},
    "talents:talent_anonymise": {"staff_a": GP},
    "talents:export_request": STAFF,
    "talents:export_request_list": STAFF_GET,
    "talents:export_approve": {"staff_a": P},
    "talents:export_reject": {"staff_a": P},
    "talents:export_download": {"staff_a": P},
    "talents:major_event_add": {"staff_a": GP, "liaison_a": GP},
    "talents:major_event_discharge": {"staff_a": GP, "liaison_a": GP},
    "talents:achievement_add": {"staff_a": GP, "liaison_a": GP},
    "talents:recommendation_add": {"staff_a": GP},
    "talents:workunit_list": STAFF_GET,
    "talents:workunit_add": STAFF,
    "talents:workunit_edit": {"staff_a": GP},
    # liaison: leaders
    "liaison:my_talents": {"leader_a": G, "other_leader": G},
    "liaison:contact_add": {"leader_a": GP, "staff_a": GP, "liaison_a": GP},
    "liaison:contact_confirm": {"leader_a": P},
    # liaison: office staff
    "liaison:term_list": STAFF_GET,
    "liaison:term_add": STAFF,
    "liaison:term_next": {"staff_a": GP},
    "liaison:pairing_add": {"staff_a": GP},
    "liaison:leader_list": STAFF_GET,
    "liaison:leader_add": STAFF,
    "liaison:leader_handover": {"staff_a": GP},
    "liaison:pairing_list": STAFF_GET,
    "liaison:pairing_end": {"staff_a": GP},
    "liaison:pairing_reassign": {"staff_a": GP},
    "liaison:compliance": STAFF_GET,
    # liaison: the appeal ledger
    "liaison:appeal_list": {
        p: G for p in ("staff_a", "staff_b", "leader_a", "other_leader", *RIGHT[2:], "other_liaison")
    },
    "liaison:appeal_export": {"staff_a": G, "staff_b": G, "liaison_a": G, "other_liaison": G},
    "liaison:appeal_add": {"staff_a": GP, "leader_a": GP, "liaison_a": GP},
    "liaison:appeal_from_contact": {"staff_a": GP, "leader_a": GP, "liaison_a": GP},
    "liaison:appeal_from_event": {"staff_a": GP, "leader_a": GP, "liaison_a": GP},
    "liaison:appeal_detail": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "liaison:appeal_assign": {"staff_a": GP},
    "liaison:appeal_start": {"staff_a": GP},
    "liaison:appeal_progress": {"staff_a": GP},
    "liaison:appeal_resolve": {"staff_a": GP},
    "liaison:appeal_follow_up": {"staff_a": GP, "leader_a": GP, "liaison_a": GP},
    "liaison:appeal_close": {"staff_a": GP},
    "liaison:appeal_edit": {"staff_a": GP, "liaison_a": GP},
    # liaison: the working-day calendar (one for the whole country: any office staff keeps it)
    "liaison:calendar_list": STAFF_GET,
    "liaison:calendar_add": STAFF,
    "liaison:calendar_delete": {"staff_a": P, "staff_b": P},
    # liaison: imports
    "liaison:pairings_import": STAFF,
    "liaison:pairings_template": STAFF_GET,
    "liaison:pairings_import_preview": {"staff_a": G},
    "liaison:pairings_import_confirm": {"staff_a": P},
    "liaison:contacts_import": STAFF,
    "liaison:contacts_template": STAFF_GET,
    "liaison:contacts_import_preview": {"staff_a": G},
    "liaison:contacts_import_confirm": {"staff_a": P},
    # liaison: notifications and scheduled work
    "liaison:notification_list": SIGNED_IN,
    "liaison:notification_read": {"leader_a": P},
    "liaison:notification_read_all": {p: P for p in PERSONAS if p != "anonymous"},
    "liaison:delivery_list": STAFF_GET,
    "liaison:campaign_list": STAFF_GET,
    "liaison:policy_edit": STAFF,
    "liaison:webhook_list": STAFF,
    "liaison:webhook_delete": {"staff_a": P},
    # liaison: the annual report (township A's is reviewed by the county, not by staff_a) and the dashboard
    "liaison:dashboard": STAFF_GET,
    "liaison:report_detail": STAFF_GET,
    "liaison:report_download": STAFF_GET,
    "liaison:report_file_status": {"staff_a": G},
    "liaison:report_file_download": {"staff_a": G},
    "liaison:report_submit": {"staff_a": P},
    "liaison:report_accept": {},
    "liaison:report_return": {},
    # activities: group activities (DOMAIN.md rule 16); the activity has leader_a and talent_a taking part
    "activities:activity_list": STAFF_GET,
    "activities:activity_add": STAFF,
    "activities:activity_detail": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "activities:activity_edit": {"staff_a": GP},
    "activities:activity_attendance": {"staff_a": GP},
    "activities:activity_photos": {"staff_a": GP},
    "activities:activity_delete": {"staff_a": P},
    "activities:activity_photo": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "activities:activity_photo_delete": {"staff_a": P},
    "activities:attendance_template": STAFF_GET,
    "activities:attendance_import": {"staff_a": GP},
    "activities:attendance_import_preview": {"staff_a": G},
    "activities:attendance_import_confirm": {"staff_a": P},
    "activities:my_activities": {"leader_a": G, "other_leader": G},
    # maps: the demand map, the growth roadmap and the support panorama (DOMAIN.md rule 17)
    "maps:demand_map": STAFF_GET,
    "maps:need_add": STAFF,
    "maps:need_edit": {"staff_a": GP},
    "maps:need_delete": {"staff_a": P},
    "maps:growth_map": STAFF_GET,
    "maps:talent_growth": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "maps:mentorship_edit": {"staff_a": GP},
    "maps:growth_add": {"staff_a": GP, "liaison_a": GP},
    "maps:growth_edit": {"staff_a": GP, "liaison_a": GP},
    "maps:growth_delete": {"staff_a": P, "liaison_a": P},
    "maps:support_map": STAFF_GET,
    "maps:talent_support": {"staff_a": G, "leader_a": G, "liaison_a": G},
    "maps:support_add": {"staff_a": GP, "liaison_a": GP},
    "maps:support_edit": {"staff_a": GP, "liaison_a": GP},
    "maps:support_delete": {"staff_a": P, "liaison_a": P},
}

# Which of township A's objects a ``pk`` stands for, by URL name (other parameters say it themselves).
PK_OBJECT = {
    "accounts:org_detail": "township",
    "accounts:org_add": "township",
    "accounts:org_rename": "township",
    "accounts:org_second_factor": "township",
    "accounts:member_add": "township",
    "accounts:user_detail": "user",
    "talents:roster_import_preview": "roster_batch",
    "talents:roster_import_confirm": "roster_batch",
    "talents:major_event_discharge": "event",
    "talents:workunit_edit": "work_unit",
    "talents:export_approve": "export_request",
    "talents:export_reject": "export_request",
    "talents:export_download": "export_approval",
    "liaison:contact_add": "pairing",
    "liaison:contact_confirm": "contact",
    "liaison:term_next": "term",
    "liaison:leader_handover": "leader",
    "liaison:pairing_end": "pairing",
    "liaison:pairing_reassign": "pairing",
    "liaison:calendar_delete": "calendar_day",
    "liaison:pairings_import_preview": "pairings_batch",
    "liaison:pairings_import_confirm": "pairings_batch",
    "liaison:contacts_import_preview": "contacts_batch",
    "liaison:contacts_import_confirm": "contacts_batch",
    "liaison:notification_read": "notification",
    "liaison:webhook_delete": "webhook",
    "liaison:report_file_status": "report_file",
    "liaison:report_file_download": "report_file",
    "liaison:report_accept": "annual_report",
    "liaison:report_return": "annual_report",
    "activities:activity_photo": "activity_photo",
    "activities:activity_photo_delete": "activity_photo",
    "maps:need_edit": "need",
    "maps:need_delete": "need",
    "maps:growth_edit": "growth_record",
    "maps:growth_delete": "growth_record",
    "maps:support_edit": "support_record",
    "maps:support_delete": "support_record",
}
PREFIX_OBJECT = {"talents:": "talent", "liaison:appeal": "appeal", "activities:": "activity"}
PARAMETER_OBJECT = {
    "talent_pk": "talent", "term_pk": "term", "contact_pk": "contact", "event_pk": "event", "org_pk": "township",
    "batch_pk": "attendance_batch",
}  # fmt: skip
PARAMETER_VALUE = {"year": 2025}
# The query string a page needs, by URL name: the pairings import carries its term there.
QUERY_OBJECT = {"liaison:pairings_import_preview": "term", "liaison:pairings_import_confirm": "term"}
# Pages whose answer to the right user is the login page.
ENDS_AT_LOGIN = {"accounts:logout"}


def url_patterns(patterns=None, namespace=""):
    """Yield (qualified name, parameter names) for every pattern but the admin's."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, params in url_patterns(entry.url_patterns, inner):
                yield name, [*entry.pattern.regex.groupindex, *params]
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else repr(entry)), list(entry.pattern.regex.groupindex)


def argument(objects: dict, name: str, param: str):
    if param in PARAMETER_VALUE:
        return PARAMETER_VALUE[param]
    return objects[object_for(name, param)].pk


def object_for(name: str, param: str) -> str:
    if param in PARAMETER_OBJECT:
        return PARAMETER_OBJECT[param]
    if name in PK_OBJECT:
        return PK_OBJECT[name]
    for prefix, kind in PREFIX_OBJECT.items():
        if name.startswith(prefix):
            return kind
    raise AssertionError(f"say in PK_OBJECT which object {name}'s {param} is")


def test_every_url_is_in_the_table():
    names = {name for name, _params in url_patterns()}
    assert sorted(names - set(ACCESS)) == [], "add these URL names to ACCESS in test_access_matrix.py"
    assert sorted(set(ACCESS) - names) == [], "these URL names no longer exist"


@pytest.fixture
def township_a_objects(
    township_a, village_a, county, staff_a, staff_b, leader_a, leader_a_record, liaison_a, talent_a, term_a,
    pairing_a, appeal_a, settings, tmp_path,
):  # fmt: skip
    """One object of each kind in township A, and the hostile users."""
    settings.MEDIA_ROOT = tmp_path
    other_unit = WorkUnitFactory(name="青山小学", organization=village_a)
    other_liaison = _member(village_a, "liaison", "other_liaison")
    other_unit.liaison_officers.add(other_liaison)
    other_leader = _member(township_a, "leader", "other_leader")
    LeaderFactory(user=other_leader, organization=township_a, post="党委副书记")
    auditor = _member(county, "auditor", "auditor")
    account_admin = _member(township_a, "account_admin", "account_admin")
    contact = ContactLogFactory(pairing=pairing_a, created_by=leader_a, confirmed_at=None)
    event = MajorEventFactory(talent=talent_a, reported_by=liaison_a, kind=MajorEvent.Kind.HEALTH)
    batches = {
        f"{kind}_batch": ImportBatch.objects.create(
            kind=kind, organization=township_a, uploaded_by=staff_a, original_name=f"{kind}.xlsx"
        )
        for kind in ("roster", "pairings", "contacts", "attendance")
    }
    notification = Notification.objects.create(
        recipient=leader_a, kind=Notification.Kind.CONTACT_REMINDER, title="请联系张三 13812345678",
        dedupe_key="matrix-a",
    )  # fmt: skip
    VisitTask.objects.create(
        key="matrix-a", kind=VisitTask.Kind.ACHIEVEMENT, pairing=pairing_a, leader=leader_a_record, talent=talent_a,
        major_event=event, window_start=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 16),
    )  # fmt: skip
    webhook = WebhookChannel.objects.create(
        organization=township_a, kind=WebhookChannel.Kind.WECOM, url="https://example.com/hook?key=a"
    )
    report_file = ReportFile.objects.create(
        organization=township_a, year=2025, created_by=staff_a, status=ReportFile.Status.DONE,
        file=ContentFile(b"PK not a workbook", name="report.xlsx"),
    )  # fmt: skip
    annual_report = AnnualReport.objects.create(
        organization=township_a, year=2025, status=AnnualReport.Status.SUBMITTED, submitted_by=staff_a,
        summary={"talent": "张三"},
    )  # fmt: skip
    day = CalendarDay.objects.create(date=datetime.date(2030, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    # Unmasked exports: one asked by a second staff member of township A, one of staff_a's, approved.
    staff_a2 = _member(township_a, "staff", "staff_a2")
    export_request = ExportApproval.objects.create(requested_by=staff_a2, organization=township_a, reason="核对")
    export_approval = ExportApproval.objects.create(
        requested_by=staff_a, organization=township_a, reason="报送", status=ExportApproval.Status.APPROVED,
        decided_by=staff_a2, expires_at=timezone.now() + datetime.timedelta(hours=1),
    )  # fmt: skip
    activity = GroupActivityFactory(organization=township_a, title="张三参加的座谈会")
    activity.talents.add(talent_a)
    activity.leaders.add(leader_a_record)
    photo = ActivityPhoto.objects.create(activity=activity, image=ContentFile(b"\xff\xd8 not a photo", name="a.jpg"))
    maps_objects = {
        "need": TalentNeed.objects.create(organization=township_a, field="茶叶加工", count=2, created_by=staff_a),
        "growth_record": GrowthRecord.objects.create(
            talent=talent_a, kind=GrowthRecord.Kind.TRAINING, date=datetime.date(2026, 4, 10), title="制茶培训"
        ),
        "support_record": SupportRecord.objects.create(
            talent=talent_a, kind=SupportKind.objects.get(code="housing"), date=datetime.date(2026, 5, 1),
            description="住房补贴",
        ),
    }  # fmt: skip
    objects = {
        "township": township_a, "user": liaison_a, "talent": talent_a, "work_unit": talent_a.work_unit,
        "pairing": pairing_a, "term": term_a, "leader": leader_a_record, "contact": contact, "appeal": appeal_a,
        "event": event, "notification": notification, "webhook": webhook, "calendar_day": day,
        "report_file": report_file, "annual_report": annual_report, "export_request": export_request,
        "export_approval": export_approval, **batches,
        "activity": activity, "activity_photo": photo, **maps_objects,
    }  # fmt: skip
    users = {
        "anonymous": None, "staff_a": staff_a, "staff_b": staff_b, "leader_a": leader_a, "liaison_a": liaison_a,
        "other_leader": other_leader, "other_liaison": other_liaison, "auditor": auditor,
        "account_admin": account_admin,
    }  # fmt: skip
    return objects, users


def _member(org, role, username):
    user = UserFactory(username=username, name=username)
    MembershipFactory(user=user, organization=org, role=role)
    return user


def unpacked(body: bytes) -> bytes:
    """An Excel file's XML, so a name inside a download is found too."""
    if not body.startswith(b"PK"):
        return body
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(archive.read(member) for member in archive.namelist())
    except zipfile.BadZipFile:
        return body


def refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_access_matrix(client, settings, township_a_objects, summary):
    objects, users = township_a_objects
    # Sessions in a signed cookie survive the rollback of each request's savepoint.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    problems, tried = [], 0
    for name, params in sorted(url_patterns()):
        table = ACCESS[name]
        url = reverse(name, kwargs={p: argument(objects, name, p) for p in params})
        if name in QUERY_OBJECT:
            url += f"?{QUERY_OBJECT[name]}={objects[QUERY_OBJECT[name]].pk}"
        for persona in PERSONAS:
            for method in ("GET", "POST"):
                with transaction.atomic():
                    client.logout()
                    if users[persona] is not None:
                        client.force_login(users[persona])
                    response = getattr(client, method.lower())(url)
                    body = unpacked(b"".join(response) if response.streaming else response.content)
                    transaction.set_rollback(True)
                tried += 1
                where = f"{method} {name} as {persona}: {response.status_code}"
                if os.environ.get("MATRIX_OBSERVE"):
                    print(where)
                allowed = method in table.get(persona, ())
                if response.status_code >= 500:
                    problems.append(f"{where} (server error)")
                elif allowed and refused(response) and name not in ENDS_AT_LOGIN:
                    problems.append(f"{where} (refused; the table allows it)")
                elif not allowed and not refused(response):
                    problems.append(f"{where} (answered; the table refuses it)")
                if persona in HOSTILE:
                    leaked = [s for s in SECRETS if s.encode() in body]
                    if leaked:
                        problems.append(f"{where} shows township A's {leaked}")
    print(f"access matrix: {tried} combinations")
    summary.append(f"access matrix: {tried} combinations, {len(problems)} problems")
    assert problems == [], "\n".join(problems)
    assert tried == len(ACCESS) * len(PERSONAS) * 2
