import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison import services
from liaison.models import ContactLog, Pairing
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory
from talents.models import Talent
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def test_one_active_pairing_per_leader_talent_and_term(term_a, leader_a_record, talent_a):
    services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=DAY)
    with pytest.raises(ValidationError, match="已与"):
        services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=DAY)


def test_ended_pairing_allows_a_new_one_and_stays_as_history(term_a, leader_a_record, talent_a):
    first = services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=DAY)
    services.pairing_end(pairing=first, on=datetime.date(2026, 4, 1), reason=Pairing.EndReason.ADJUSTMENT)
    services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=datetime.date(2026, 5, 1))
    assert Pairing.objects.filter(talent=talent_a).count() == 2


def test_term_maximum_per_leader_is_enforced(term_a, leader_a_record, work_unit_a):
    term_a.max_talents_per_leader = 2
    term_a.save()
    for name in ["甲", "乙"]:
        services.pairing_create(term=term_a, leader=leader_a_record, talent=TalentFactory(name=name,
                                work_unit=work_unit_a), on=DAY)  # fmt: skip
    with pytest.raises(ValidationError, match="最多联系 2 名"):
        services.pairing_create(
            term=term_a, leader=leader_a_record, talent=TalentFactory(work_unit=work_unit_a), on=DAY
        )


def test_start_outside_the_term_and_archived_talent_are_refused(term_a, leader_a_record, talent_a):
    with pytest.raises(ValidationError):
        services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=datetime.date(2030, 1, 1))
    talent_a.status = Talent.Status.ARCHIVED
    talent_a.save()
    with pytest.raises(ValidationError):
        services.pairing_create(term=term_a, leader=leader_a_record, talent=talent_a, on=DAY)


def test_handover_moves_active_pairings_and_keeps_history(pairing_a, township_a, leader_a):
    ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 2, 1))
    successor = LeaderFactory(organization=township_a, user__username="successor")
    moved = services.leader_handover(leader=pairing_a.leader, successor=successor, on=DAY)
    pairing_a.refresh_from_db()
    assert (pairing_a.end, pairing_a.end_reason) == (DAY, Pairing.EndReason.HANDOVER)
    assert [(p.leader, p.talent, p.previous) for p in moved] == [(successor, pairing_a.talent, pairing_a)]
    # The contact still names the old leader, who can still read it.
    contact = ContactLog.objects.get()
    assert contact.leader == pairing_a.leader
    assert list(ContactLog.objects.visible_to(leader_a)) == [contact]
    assert not pairing_a.leader.__class__.objects.get(pk=pairing_a.leader.pk).is_active


def test_handover_respects_the_successors_capacity(pairing_a, township_a):
    pairing_a.term.max_talents_per_leader = 1
    pairing_a.term.save()
    successor = LeaderFactory(organization=township_a)
    PairingFactory(term=pairing_a.term, leader=successor)
    with pytest.raises(ValidationError):
        services.leader_handover(leader=pairing_a.leader, successor=successor, on=DAY)
    pairing_a.refresh_from_db()
    assert pairing_a.end is None  # nothing half done


def test_next_term_copies_active_pairings(pairing_a, township_a):
    ended = PairingFactory(term=pairing_a.term, leader=LeaderFactory(organization=township_a), end=DAY)
    term, copied = services.term_start_next(
        current=pairing_a.term, name="2027—2028", start=datetime.date(2027, 1, 1), end=datetime.date(2028, 12, 31)
    )
    assert copied == 1
    assert list(term.pairings.values_list("leader", "talent")) == [(pairing_a.leader_id, pairing_a.talent_id)]
    assert not term.pairings.filter(talent=ended.talent).exists()


def test_contact_by_the_leader_counts_at_once_on_behalf_waits(pairing_a, leader_a, staff_a, settings):
    method = ContactLog._meta.get_field("method").related_model.objects.get(code="talk")
    own = services.contact_log_create(pairing=pairing_a, user=leader_a, date=DAY, method=method, summary="谈心",
                                      today=DAY)  # fmt: skip
    on_behalf = services.contact_log_create(pairing=pairing_a, user=staff_a, date=DAY, method=method, summary="代录",
                                            today=DAY)  # fmt: skip
    assert not own.is_pending
    assert on_behalf.is_pending and on_behalf.created_by == staff_a and on_behalf.leader == pairing_a.leader
    services.contact_confirm(contact=on_behalf, user=leader_a)
    assert not on_behalf.is_pending
    with pytest.raises(ValidationError):
        services.contact_confirm(contact=on_behalf, user=leader_a)
    with pytest.raises(ValidationError):
        services.contact_confirm(contact=own, user=staff_a)


def test_contact_in_the_future_or_before_the_pairing_is_refused(pairing_a, leader_a):
    method = ContactLog._meta.get_field("method").related_model.objects.get(code="phone")
    for date in [datetime.date(2026, 3, 2), datetime.date(2024, 12, 31)]:
        with pytest.raises(ValidationError):
            services.contact_log_create(pairing=pairing_a, user=leader_a, date=date, method=method, summary="x",
                                        today=DAY)  # fmt: skip
