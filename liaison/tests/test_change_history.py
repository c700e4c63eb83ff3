"""Every create, change and delete of pairings, contacts and appeals leaves who and when (issue 9, audit).

Free text is masked in the history: it may hold health or family details.
"""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from liaison.models import Appeal, ContactLog, ContactMethod, Pairing
from liaison.tests.factories import AppealCategoryFactory, PairingFactory

pytestmark = pytest.mark.django_db


def _entries(model):
    return LogEntry.objects.get_for_model(model).order_by("pk")


def test_a_contact_logged_on_the_page_is_in_the_history_with_its_author(client, leader_a, pairing_a):
    client.force_login(leader_a)
    data = {"date": timezone.localdate().isoformat(), "method": ContactMethod.objects.get(code="visit").pk,
            "summary": "走访了解病情", "opinions": "配偶住院，需要照顾", "initiated_by": "leader"}  # fmt: skip
    assert client.post(reverse("liaison:contact_add", args=[pairing_a.pk]), data).status_code == 302
    entry = _entries(ContactLog).get()
    assert (entry.action, entry.actor, entry.object_pk) == (LogEntry.Action.CREATE, leader_a,
                                                            str(ContactLog.objects.get().pk))  # fmt: skip
    assert "病情" not in str(entry.changes) and "住院" not in str(entry.changes)
    assert "summary" in entry.changes


def test_pairing_create_change_and_delete_are_recorded(talent_a):
    pairing = PairingFactory(talent=talent_a)
    pairing.end = pairing.start
    pairing.save()
    pk = pairing.pk
    pairing.delete()
    actions = list(_entries(Pairing).filter(object_pk=str(pk)).values_list("action", flat=True))
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]


def test_appeal_change_records_fields_but_masks_the_description(talent_a, staff_a):
    appeal = Appeal.objects.create(
        talent=talent_a, organization=talent_a.organization, category=AppealCategoryFactory(),
        description="孩子患病需转学", source=Appeal.Source.TALENT, received_on=timezone.localdate(),
        created_by=staff_a,
    )  # fmt: skip
    appeal.status = Appeal.Status.ASSIGNED
    appeal.save()
    create, update = _entries(Appeal)
    assert "患病" not in str(create.changes)
    assert update.changes["status"] == ["registered", "assigned"]
