"""Staff pages of terms, leaders and pairings: list, create, end, reassign, hand over, next term."""

import datetime

import pytest
from django.urls import reverse

from liaison.models import Leader, Pairing, Term
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory, TermFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def test_pairing_list_is_scoped_and_filters_by_compliance(client, staff_a, county_staff, pairing_a, talent_b):
    other = PairingFactory(talent=talent_b, term=TermFactory(organization=talent_b.organization))
    client.force_login(staff_a)
    response = client.get(reverse("liaison:pairing_list"))
    assert [p.pk for p in response.context["page"]] == [pairing_a.pk]
    client.force_login(county_staff)
    assert {p.pk for p in client.get(reverse("liaison:pairing_list")).context["page"]} == {pairing_a.pk, other.pk}
    below = client.get(reverse("liaison:pairing_list"), {"compliance": "below"}).context["page"]
    assert len(below) == 2


def test_pairing_list_query_count(client, staff_a, pairing_a, work_unit_a, django_assert_max_num_queries):
    for _ in range(30):
        PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(work_unit=work_unit_a))
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("liaison:pairing_list")).context["page"]) == 30


def test_staff_pair_a_leader_and_a_talent(client, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    data = {"leader": leader_a_record.pk, "talent": talent_a.pk, "start": "2026-02-01"}
    response = client.post(reverse("liaison:pairing_add", args=[term_a.pk]), data)
    assert response.status_code == 302
    assert Pairing.objects.get().start == datetime.date(2026, 2, 1)


def test_pairing_twice_shows_the_rule(client, staff_a, pairing_a):
    client.force_login(staff_a)
    data = {"leader": pairing_a.leader.pk, "talent": pairing_a.talent.pk, "start": "2026-02-01"}
    response = client.post(reverse("liaison:pairing_add", args=[pairing_a.term.pk]), data)
    assert response.status_code == 200
    assert "已与" in response.content.decode()
    assert Pairing.objects.count() == 1


def test_pairing_a_talent_out_of_scope_is_refused(client, staff_a, term_a, leader_a_record, talent_b):
    client.force_login(staff_a)
    data = {"leader": leader_a_record.pk, "talent": talent_b.pk, "start": "2026-02-01"}
    assert client.post(reverse("liaison:pairing_add", args=[term_a.pk]), data).status_code == 200
    assert not Pairing.objects.exists()


def test_another_townships_term_is_404(client, staff_b, term_a):
    client.force_login(staff_b)
    assert client.get(reverse("liaison:pairing_add", args=[term_a.pk])).status_code == 404


def test_end_and_reassign(client, staff_a, pairing_a, township_a):
    successor = LeaderFactory(organization=township_a)
    client.force_login(staff_a)
    data = {"leader": successor.pk, "on": "2026-06-01", "reason": "adjustment"}
    assert client.post(reverse("liaison:pairing_reassign", args=[pairing_a.pk]), data).status_code == 302
    pairing_a.refresh_from_db()
    new = Pairing.objects.get(end__isnull=True)
    assert (pairing_a.end, new.leader, new.previous) == (datetime.date(2026, 6, 1), successor, pairing_a)
    data = {"end": "2026-07-01", "reason": "talent_left"}
    assert client.post(reverse("liaison:pairing_end", args=[new.pk]), data).status_code == 302
    new.refresh_from_db()
    assert new.end_reason == "talent_left"


def test_end_before_start_is_rerendered(client, staff_a, pairing_a):
    client.force_login(staff_a)
    response = client.post(reverse("liaison:pairing_end", args=[pairing_a.pk]), {"end": "2020-01-01",
                                                                                  "reason": "adjustment"})  # fmt: skip
    assert "不能早于" in response.content.decode()


def test_sibling_staff_cannot_end_a_pairing(client, staff_b, pairing_a):
    client.force_login(staff_b)
    response = client.post(reverse("liaison:pairing_end", args=[pairing_a.pk]), {"end": "2026-07-01",
                                                                                  "reason": "adjustment"})  # fmt: skip
    assert response.status_code == 404
    pairing_a.refresh_from_db()
    assert pairing_a.end is None


def test_handover_page(client, staff_a, pairing_a, township_a):
    successor = LeaderFactory(organization=township_a)
    client.force_login(staff_a)
    url = reverse("liaison:leader_handover", args=[pairing_a.leader.pk])
    assert "张三" in client.get(url).content.decode()
    assert client.post(url, {"successor": successor.pk, "on": "2026-05-01"}).status_code == 302
    assert Pairing.objects.get(end__isnull=True).leader == successor


def test_terms_create_and_next(client, staff_a, township_a, pairing_a):
    client.force_login(staff_a)
    data = {"organization": township_a.pk, "name": "2027—2028", "start": "2027-01-01", "end": "2026-01-01",
            "min_contacts_per_year": 1}  # fmt: skip
    response = client.post(reverse("liaison:term_add"), data)
    assert "结束日期必须晚于开始日期" in response.content.decode()
    data = {"name": "2027—2028", "start": "2027-01-01", "end": "2028-12-31"}
    assert client.post(reverse("liaison:term_next", args=[pairing_a.term.pk]), data).status_code == 302
    assert Term.objects.get(name="2027—2028").pairings.count() == 1


def test_term_for_an_organization_out_of_scope_is_refused(client, staff_a, township_b):
    client.force_login(staff_a)
    data = {"organization": township_b.pk, "name": "x", "start": "2027-01-01", "end": "2028-12-31",
            "min_contacts_per_year": 1}  # fmt: skip
    assert client.post(reverse("liaison:term_add"), data).status_code == 200
    assert not Term.objects.filter(name="x").exists()


def test_register_a_leader(client, staff_a, leader_a, township_a):
    client.force_login(staff_a)
    data = {"user": leader_a.pk, "organization": township_a.pk, "post": "镇长", "portfolio": ""}
    assert client.post(reverse("liaison:leader_add"), data).status_code == 302
    assert Leader.objects.get().post == "镇长"
    assert "镇长" in client.get(reverse("liaison:leader_list")).content.decode()


@pytest.mark.parametrize("name", ["pairing_list", "term_list", "term_add", "leader_list", "leader_add", "compliance"])
def test_staff_pages_refuse_other_roles_and_anonymous(client, leader_a, liaison_a, name):
    url = reverse(f"liaison:{name}")
    assert client.get(url).status_code == 302
    for user in (leader_a, liaison_a):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["pairing_list", "term_list", "leader_list"])
def test_list_pages_refuse_post(client, staff_a, name):
    client.force_login(staff_a)
    assert client.post(reverse(f"liaison:{name}")).status_code == 405


def test_leader_choices_wait_for_an_organization_when_there_are_many(
    client, county_staff, pairing_a, township_a, township_b, monkeypatch
):
    other = LeaderFactory(organization=township_b)
    monkeypatch.setattr("talents.filters.CHOICES_MAX", 1)
    client.force_login(county_staff)
    url = reverse("liaison:pairing_list")
    field = client.get(url).context["filter"].form["leader"]
    assert len(list(field)) == 1  # only "All"
    field = client.get(url, {"organization": township_b.pk}).context["filter"].form["leader"]
    assert [c.data["value"] for c in field][1:] == [other.pk]
    # The leader list's link to one leader's pairings still filters.
    response = client.get(url, {"leader": pairing_a.leader_id})
    assert [p.pk for p in response.context["page"]] == [pairing_a.pk]


def test_pairing_list_last_page_reads_backwards_in_the_same_order(
    client, staff_a, pairing_a, work_unit_a, django_assert_max_num_queries
):
    for _ in range(64):
        PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(work_unit=work_unit_a))
    expected = list(
        Pairing.objects.order_by("end", "leader_id", "talent__name_pinyin", "pk").values_list("pk", flat=True)
    )
    client.force_login(staff_a)
    pages = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(12):
            pages += [p.pk for p in client.get(reverse("liaison:pairing_list"), {"page": number}).context["page"]]
    assert pages == expected


def test_pairing_list_keeps_each_leaders_talents_together_by_pinyin(client, staff_a, pairing_a, work_unit_a):
    other = LeaderFactory(organization=pairing_a.leader.organization)
    for name, leader in [("张伟", other), ("安然", pairing_a.leader), ("白雪", other), ("艾青", other)]:
        PairingFactory(term=pairing_a.term, leader=leader, talent=TalentFactory(work_unit=work_unit_a, name=name))
    client.force_login(staff_a)
    rows = [(p.leader_id, p.talent.name) for p in client.get(reverse("liaison:pairing_list")).context["page"]]
    assert rows[-3:] == [(other.pk, "艾青"), (other.pk, "白雪"), (other.pk, "张伟")]
    assert {leader for leader, _name in rows[:-3]} == {pairing_a.leader_id}


def test_leader_list_pages_filters_and_counts_per_leader(
    client, staff_a, pairing_a, township_a, township_b, django_assert_max_num_queries, monkeypatch
):
    ContactLogFactory.create_batch(2, pairing=pairing_a, date=datetime.date.today())
    ContactLogFactory(pairing=pairing_a, date=datetime.date.today(), confirmed_at=None)  # pending: not counted
    for _ in range(5):
        LeaderFactory(organization=township_a)
    LeaderFactory(organization=township_b, post="镇长")  # outside staff_a's township
    monkeypatch.setattr("liaison.views.LEADER_PAGE_SIZE", 2)
    client.force_login(staff_a)
    url = reverse("liaison:leader_list")
    seen = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(12):
            seen += list(client.get(url, {"page": number}).context["page"])
    assert len(seen) == len({leader.pk for leader in seen}) == 6
    row = next(leader for leader in seen if leader.pk == pairing_a.leader_id)
    assert (row.active_pairings, row.contacts_this_year, row.last_contact) == (1, 2, datetime.date.today())
    assert "镇长" not in client.get(url).content.decode()
    mine = client.get(url, {"q": pairing_a.leader.user.name}).context["page"]
    assert [leader.pk for leader in mine] == [pairing_a.leader_id]
    assert client.get(url, {"organization": "not a number"}).status_code == 200


def test_term_list_counts_active_pairings_newest_term_first(
    client, staff_a, pairing_a, work_unit_a, township_a, township_b, django_assert_max_num_queries
):
    PairingFactory(
        term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(work_unit=work_unit_a),
        end=datetime.date(2026, 1, 31), end_reason=Pairing.EndReason.ADJUSTMENT,
    )  # fmt: skip
    TermFactory(
        organization=township_a, name="2027—2028", start=datetime.date(2027, 1, 1), end=datetime.date(2028, 12, 31)
    )
    TermFactory(organization=township_b, name="绿水 2025—2026")  # a sibling's: not listed
    client.force_login(staff_a)
    counts = []
    for more in (0, 18):
        for i in range(more):
            start = datetime.date(1989 + 2 * i, 1, 1)
            TermFactory(
                organization=township_a, name=f"{start.year}", start=start, end=start.replace(year=start.year + 1)
            )
            PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(work_unit=work_unit_a))
        with django_assert_max_num_queries(12) as captured:
            terms = list(client.get(reverse("liaison:term_list")).context["terms"])
        counts.append(len(captured))
    assert [(t.name, t.active_pairings) for t in terms[:3]] == [("2027—2028", 0), ("2025—2026", 19), ("2023", 0)]
    assert len(terms) == 20
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("compliance", "expected"), [("below", {"pairing_a", "other"}), ("met", {"met"})])
def test_a_compliance_filter_counts_from_the_kept_counts_what_it_lists(
    client, county_staff, township_a, township_b, term_a, pairing_a, compliance, expected
):
    """The list's total comes from PairingTally: the number of pairings the filters keep, whatever the
    filters beside it; ended pairings and pairings of a term not in force this year are in neither."""
    met = PairingFactory(term=term_a, leader=pairing_a.leader, talent=TalentFactory(work_unit__organization=township_a))
    ContactLogFactory(pairing=met, date=datetime.date(datetime.date.today().year, 3, 1))
    other = PairingFactory(
        term=TermFactory(organization=township_b), talent=TalentFactory(work_unit__organization=township_b)
    )
    PairingFactory(term=term_a, talent=TalentFactory(work_unit__organization=township_a),
                   end=datetime.date(2026, 6, 1), end_reason=Pairing.EndReason.ADJUSTMENT)  # fmt: skip
    past = TermFactory(organization=township_a, name="2023—2024", start=datetime.date(2023, 1, 1),
                       end=datetime.date(2024, 12, 31))  # fmt: skip
    PairingFactory(term=past, start=datetime.date(2023, 1, 1), talent=TalentFactory(work_unit__organization=township_a))
    names = {pairing_a.pk: "pairing_a", met.pk: "met", other.pk: "other"}
    client.force_login(county_staff)
    url = reverse("liaison:pairing_list")
    response = client.get(url, {"compliance": compliance})
    assert {names.get(p.pk, p.pk) for p in response.context["filter"].qs} == expected
    assert response.context["page"].paginator.count == len(expected)
    for extra in ({}, {"organization": township_a.pk}, {"organization": township_b.pk}, {"term": term_a.pk},
                  {"leader": pairing_a.leader.pk}, {"state": "active"}):  # fmt: skip
        page_filter = client.get(url, {"compliance": compliance, **extra}).context["filter"]
        assert page_filter.kept_count(county_staff) == page_filter.qs.count(), extra
