"""The audit trail of exports, imports and personal-data operations is append-only (issue 9, item 4)."""

import datetime

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record

pytestmark = pytest.mark.django_db


def _event(days_old: int = 0) -> AuditEvent:
    return AuditEvent.objects.create(
        action=AuditEvent.Action.EXPORT, target="人才名单", at=timezone.now() - datetime.timedelta(days=days_old)
    )


def test_audit_record_takes_actor_and_address_from_the_request(staff_a):
    request = RequestFactory().get("/", REMOTE_ADDR="10.2.3.4")
    request.user = staff_a
    event = audit_record(request=request, action=AuditEvent.Action.IMPORT, target="名册, 导入批次 #3", rows=12)
    event.refresh_from_db()
    assert (event.actor, event.remote_addr, event.row_count, event.success) == (staff_a, "10.2.3.4", 12, True)


def test_audit_record_masks_long_numbers(staff_a):
    event = audit_record(action="export", actor=staff_a, target="510104197805121233", detail="手机 13812345678")
    assert "510104197805121233" not in event.target and "13812345678" not in event.detail


def test_the_database_refuses_an_update():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(success=False)
    event.refresh_from_db()
    assert event.success is True


def test_the_database_refuses_deleting_a_recent_event():
    event = _event(days_old=179)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_retention_command_deletes_only_events_past_180_days():
    old, kept = _event(days_old=200), _event(days_old=100)
    call_command("purge_audit_events", stdout=None)
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_retention_command_refuses_less_than_180_days():
    with pytest.raises(CommandError):
        call_command("purge_audit_events", days=30)


def test_the_admin_may_not_add_change_or_delete(rf):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, _event())
    assert not model_admin.has_delete_permission(request)
