import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from liaison import reports
from liaison.models import Pairing
from liaison.tests.factories import ContactLogFactory
from talents.models import MajorEvent, Talent, TalentCategory
from talents.services import talent_anonymise
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db
SECRETS = ("张三", "13812345678", "510104197805121233", "zhangsan@example.com", "家属长期患病", "配偶重病住院")


def _url(talent):
    return reverse("talents:talent_anonymise", args=[talent.pk])


@pytest.fixture
def known_talent(talent_a, liaison_a):
    """talent_a with every kind of personal value, a category, a history, and a health event."""
    talent_a.email, talent_a.address, talent_a.notes = "zhangsan@example.com", "青山村1组", "家属长期患病"
    talent_a.gender, talent_a.level = "M", "city"
    talent_a.save()
    talent_a.categories.set([TalentCategory.objects.get_or_create(code="rural", defaults={"name": "农村实用人才"})[0]])
    MajorEventFactory(talent=talent_a, reported_by=liaison_a, kind="health", description="配偶重病住院")
    return talent_a


def test_staff_anonymise_and_the_talent_keeps_what_statistics_count(client, staff_a, known_talent, pairing_a):
    client.force_login(staff_a)
    assert "张三" in client.get(_url(known_talent)).content.decode()
    response = client.post(_url(known_talent), {"confirm": "on"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302 and response.url == reverse("talents:talent_detail", args=[known_talent.pk])
    known_talent.refresh_from_db()
    assert str(known_talent.pk) in known_talent.name and known_talent.name != "张三"
    assert (known_talent.id_number, known_talent.id_number_hash, known_talent.phone, known_talent.email) == (
        "",
        "",
        "",
        "",
    )
    assert (known_talent.address, known_talent.notes, known_talent.birth_date) == ("", "", None)
    assert (known_talent.status, known_talent.gender, known_talent.level) == ("archived", "M", "city")
    assert known_talent.anonymised_at is not None
    assert list(known_talent.categories.values_list("code", flat=True)) == ["rural"]
    assert Pairing.objects.filter(talent=known_talent).count() == 1
    assert MajorEvent.objects.get(talent=known_talent).kind == "health"
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.remote_addr) == (staff_a, "anonymise", "10.1.1.1")
    page = client.get(response.url).content.decode()
    assert "张三" not in page and reverse("talents:talent_restore", args=[known_talent.pk]) not in page


def test_no_value_survives_in_the_database_or_the_history(known_talent, staff_a):
    known_talent.phone = "13900002222"
    known_talent.save()
    assert LogEntry.objects.get_for_object(known_talent).count() >= 2
    talent_anonymise(talent=known_talent, now=timezone.now())
    entries = LogEntry.objects.get_for_object(known_talent)
    history = str([(e.object_repr, e.changes, e.serialized_data) for e in entries])
    for secret in (*SECRETS, "13900002222", "青山村1组"):
        assert secret not in history
    assert "name" in history  # who changed which field when stays
    assert "配偶重病住院" not in MajorEvent.objects.get(talent=known_talent).description


def test_the_annual_report_and_compliance_are_unchanged(client, known_talent, pairing_a, county, county_staff, staff_a):
    ContactLogFactory(pairing=pairing_a, created_by=staff_a, date=datetime.date(2026, 3, 1))
    known_talent.status = Talent.Status.ARCHIVED  # leaving: archived first, as talent_archive does
    known_talent.save()
    today = datetime.date(2026, 11, 21)
    client.force_login(county_staff)

    def figures():
        page = client.get(reverse("liaison:compliance"), {"organization": county.pk}).context
        compliance = (page["by_organization"], page["scorecards"], [p.pk for p in page["below"]])
        return reports.report_summary(county, 2026, today), compliance

    before = figures()
    assert before[0][-1]["pairings"] == 1 and before[0][-1]["contacts"] == 1
    talent_anonymise(talent=known_talent, now=timezone.now())
    assert figures() == before


def test_the_confirmation_is_required(client, staff_a, known_talent):
    client.force_login(staff_a)
    response = client.post(_url(known_talent), {})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors, response.context["form"].errors
    known_talent.refresh_from_db()
    assert known_talent.name == "张三" and known_talent.anonymised_at is None


def test_an_anonymised_talent_is_not_anonymised_again(client, staff_a, known_talent):
    talent_anonymise(talent=known_talent, now=timezone.now())
    client.force_login(staff_a)
    assert client.get(_url(known_talent)).status_code == 403


def test_liaison_officer_gets_403(client, liaison_a, known_talent):
    client.force_login(liaison_a)
    assert client.post(_url(known_talent), {"confirm": "on"}).status_code == 403
    known_talent.refresh_from_db()
    assert known_talent.name == "张三"


def test_sibling_staff_get_404(client, staff_b, known_talent):
    client.force_login(staff_b)
    assert client.post(_url(known_talent), {"confirm": "on"}).status_code == 404


def test_anonymous_goes_to_login(client, known_talent):
    assert client.get(_url(known_talent)).url.startswith(reverse("accounts:login"))


def test_put_is_405(client, staff_a, known_talent):
    client.force_login(staff_a)
    assert client.put(_url(known_talent)).status_code == 405
