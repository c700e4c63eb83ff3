"""The auditor's page lists exports and imports, searchable, without personal values."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("accounts:audit_log")


@pytest.fixture
def auditor(county):
    user = UserFactory(username="auditor", name="审计员")
    MembershipFactory(user=user, organization=county, role=Role.AUDITOR)
    return user


@pytest.fixture
def events(staff_a, staff_b):
    now = timezone.now()
    AuditEvent.objects.create(actor=staff_a, action="export", target="人才名单", row_count=3, at=now)
    AuditEvent.objects.create(actor=staff_b, action="import", target="人才名册, 导入批次 #7", success=False, at=now)


def test_auditor_searches_exports_and_imports(client, auditor, events):
    client.force_login(auditor)
    page = client.get(URL, {"kind": "events"})
    assert [e.target for e in page.context["page"]] == ["人才名册, 导入批次 #7", "人才名单"]
    by_action = client.get(URL, {"kind": "events", "action": "export"}).context["page"]
    assert [e.target for e in by_action] == ["人才名单"]
    by_user = client.get(URL, {"kind": "events", "user": "staff_b"}).context["page"]
    assert [e.action for e in by_user] == ["import"]
    by_text = client.get(URL, {"kind": "events", "q": "批次 #7"}).context["page"]
    assert [e.success for e in by_text] == [False]


def test_staff_get_403(client, staff_a, events):
    client.force_login(staff_a)
    assert client.get(URL, {"kind": "events"}).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_post_is_405(client, auditor):
    client.force_login(auditor)
    assert client.post(URL).status_code == 405
