"""The compliance figures against a fixture counted by hand.

Township A: three active pairings in the current term (minimum 1 a year):
  - pairing_a (leader_a ↔ 张三): one confirmed contact this year → met
  - leader_a ↔ 王五: one contact last year and one pending this year → below
  - leader A2 ↔ 赵六: none → below
Township B: one pairing with two contacts this year → met. An ended pairing is ignored.
So the county sees 青山镇 1 of 3 (33.3 %) and 绿水乡 1 of 1 (100 %).
"""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from liaison.models import Pairing, PairingTally, Term
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory, TermFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("liaison:compliance")


@pytest.fixture
def fixture(pairing_a, township_a, township_b, work_unit_a, work_unit_b, talent_b, leader_a_record):
    term_a = pairing_a.term
    term_a.start, term_a.end = datetime.date(2025, 1, 1), datetime.date(2099, 12, 31)
    term_a.save()
    this_year = datetime.date.today().year
    ContactLogFactory(pairing=pairing_a, date=datetime.date(this_year, 1, 2))
    wang = PairingFactory(term=term_a, leader=leader_a_record, talent=TalentFactory(name="王五", work_unit=work_unit_a))
    ContactLogFactory(pairing=wang, date=datetime.date(this_year - 1, 5, 1))
    ContactLogFactory(pairing=wang, date=datetime.date(this_year, 1, 3), confirmed_at=None)
    leader_a2 = LeaderFactory(organization=township_a, user__name="孙丽华")
    PairingFactory(term=term_a, leader=leader_a2, talent=TalentFactory(name="赵六", work_unit=work_unit_a))
    PairingFactory(term=term_a, leader=leader_a2, talent=TalentFactory(work_unit=work_unit_a),
                   end=datetime.date(2025, 6, 1))  # fmt: skip
    term_b = TermFactory(organization=township_b, start=datetime.date(2025, 1, 1), end=datetime.date(2099, 12, 31))
    pairing_b = PairingFactory(term=term_b, leader=LeaderFactory(organization=township_b), talent=talent_b)
    ContactLogFactory(pairing=pairing_b, date=datetime.date(this_year, 1, 4))
    ContactLogFactory(pairing=pairing_b, date=datetime.date(this_year, 1, 5))
    return leader_a2


def test_county_figures_by_township(client, county_staff, fixture):
    client.force_login(county_staff)
    rows = {
        r["name"]: (r["total"], r["met"], r["below"], r["rate"]) for r in client.get(URL).context["by_organization"]
    }
    assert rows == {"青山镇": (3, 1, 2, 33.3), "绿水乡": (1, 1, 0, 100.0)}


def test_below_list_and_scorecards(client, staff_a, fixture, leader_a_record):
    client.force_login(staff_a)
    response = client.get(URL)
    assert sorted(p["talent__name"] for p in response.context["below"]) == ["王五", "赵六"]
    cards = {c["leader_id"]: (c["talents"], c["due"], c["contacts"], c["last"]) for c in response.context["scorecards"]}
    # The last contact is the latest confirmed one: 王五's pending contact of 3 January does not count.
    first_of_year = datetime.date(datetime.date.today().year, 1, 2)
    assert cards == {leader_a_record.pk: (2, 1, 1, first_of_year), fixture.pk: (1, 1, 0, None)}
    page = response.content.decode()
    assert f"<td>{first_of_year.isoformat()}</td>" in page and "<td>—</td>" in page
    assert "绿水乡" not in page
    for row in response.context["below"]:  # each talent below the minimum links to its page
        link = reverse("talents:talent_detail", args=[row["talent_id"]])
        assert f'<a href="{link}">{row["talent__name"]}</a>' in page


def test_a_leader_s_last_contact_is_with_a_pairing_of_the_page(
    client, staff_a, county_staff, fixture, leader_a_record, talent_b, township_b
):
    """Newer contacts of an ended pairing, or of a pairing outside the chosen organization, are not the last."""
    today = datetime.date.today()
    ContactLogFactory(pairing=Pairing.objects.get(leader=fixture, end__isnull=False), date=today)
    elsewhere = PairingFactory(term=Term.objects.get(organization=township_b), leader=leader_a_record, talent=talent_b)
    ContactLogFactory(pairing=elsewhere, date=today)
    first_of_year = datetime.date(today.year, 1, 2)

    def last(user):
        client.force_login(user)
        return {card["leader_id"]: card["last"] for card in client.get(URL).context["scorecards"]}

    assert last(staff_a) == {leader_a_record.pk: first_of_year, fixture.pk: None}  # 青山镇 only
    assert last(county_staff)[leader_a_record.pk] == today  # the county sees the pairing of 绿水乡 too
    assert last(county_staff)[fixture.pk] is None


def test_township_staff_cannot_pick_another_township(client, staff_a, fixture, township_b):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": township_b.pk})
    assert response.status_code == 200
    assert response.context["root"].name == "青山镇"


def test_garbage_parameter_is_not_a_500(client, staff_a, fixture):
    client.force_login(staff_a)
    assert client.get(URL, {"organization": "abc"}).status_code == 200


def test_query_count_is_bounded(client, county_staff, fixture, django_assert_max_num_queries):
    client.force_login(county_staff)
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_leader_gets_403(client, leader_a, fixture):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_met_minimum_annotation(pairing_a):
    assert Pairing.objects.with_year_stats(2026).get().met_minimum is False


def test_a_short_below_list_is_the_start_of_the_full_one(client, county_staff, fixture, monkeypatch):
    client.force_login(county_staff)
    full = [p["pk"] for p in client.get(URL).context["below"]]
    monkeypatch.setattr("liaison.views.COMPLIANCE_LIST_MAX", 1)
    assert [p["pk"] for p in client.get(URL).context["below"]] == full[:1]


def test_a_cut_below_list_links_to_all_of_it_in_the_pairing_list(
    client, county_staff, fixture, township_a, monkeypatch
):
    client.force_login(county_staff)
    monkeypatch.setattr("liaison.views.COMPLIANCE_LIST_MAX", 1)
    page = client.get(URL)
    body = page.content.decode()
    assert "仅列出前 1 条，共 2 条。" in body
    assert f'?compliance=below&amp;organization={page.context["root"].pk}"' in body
    assert f'?compliance=below&amp;organization={township_a.pk}">2</a>' in body  # the township's row links too
    listed = client.get(reverse("liaison:pairing_list"), {"compliance": "below", "organization": township_a.pk})
    assert sorted(p.talent.name for p in listed.context["page"]) == ["王五", "赵六"]


def test_a_whole_below_list_has_no_link_to_more(client, staff_a, fixture):
    client.force_login(staff_a)
    assert "仅列出前" not in client.get(URL).content.decode()


def test_scorecards_keep_the_leaders_with_most_talents_due_ties_by_id(county, fixture, leader_a_record):
    # leader_a: 2 pairings, 1 due; 孙丽华 (fixture): 1 due; township B's leader: 0 due.
    this_year = datetime.date.today().year
    pairings = Pairing.objects.active().with_year_stats(this_year)
    by_child, cards = pairings.compliance_figures(county, limit=2)
    talents = {leader_a_record.pk: 2, fixture.pk: 1}
    assert [(c["leader_id"], c["talents"], c["due"]) for c in cards] == [(pk, talents[pk], 1) for pk in sorted(talents)]
    assert {r["name"]: (r["total"], r["below"]) for r in by_child} == {"青山镇": (3, 2), "绿水乡": (1, 0)}
    assert [c["due"] for c in pairings.compliance_figures(county, limit=3)[1]] == [1, 1, 0]


def test_the_kept_counts_give_the_figures_counted_from_the_pairings(county, county_staff, fixture, leader_a_record):
    today = datetime.date.today()
    pairings = (
        Pairing.objects.visible_to(county_staff).active()
        .filter(talent__organization__path__startswith=county.path, term__in=Term.objects.current(today))
        .with_year_stats(today.year)
    )  # fmt: skip
    counted = PairingTally.objects.for_compliance(county_staff, county, today)
    assert counted.exists()
    figures = pairings.compliance_figures(county, counted=counted)
    assert figures == pairings.compliance_figures(county)
    assert [(c["leader_id"], c["talents"], c["due"], c["contacts"]) for c in figures[1]][:2] == [
        (leader_a_record.pk, 2, 1, 1), (fixture.pk, 1, 1, 0)
    ]  # fmt: skip


def test_a_liaison_officer_s_scope_is_counted_from_the_pairings(client, county, liaison_a, fixture):
    """Kept counts know organizations, not work units: staff who are also liaison officers get live counts."""
    MembershipFactory(user=liaison_a, organization=county, role="staff")
    assert PairingTally.objects.for_compliance(liaison_a, county, datetime.date.today()) is None
    client.force_login(liaison_a)
    rows = {r["name"]: (r["total"], r["met"]) for r in client.get(URL).context["by_organization"]}
    assert rows == {"青山镇": (3, 1), "绿水乡": (1, 1)}


def test_a_superuser_who_is_also_a_leader_sees_every_pairing_counted(client, county, township_a, fixture):
    """The kept counts keep the superuser's whole view, as visible_to does, not only their own pairings."""
    admin = UserFactory(username="root_leader", is_superuser=True)
    MembershipFactory(user=admin, organization=township_a, role="leader")
    client.force_login(admin)
    rows = {
        r["name"]: (r["total"], r["met"])
        for r in client.get(URL, {"organization": county.pk}).context["by_organization"]
    }
    assert rows == {"青山镇": (3, 1), "绿水乡": (1, 1)}


def test_a_cut_below_list_follows_the_organizations_in_path_order(
    client, county_staff, county, township_a, village_a, township_b, fixture, monkeypatch
):
    """Below-minimum pairings of the county itself, a township, its village and another township: each
    cut of the list is the start of the full order (organization path, leader, pairing), whichever
    organizations the cut reaches.
    """
    term = Term.objects.get(organization=township_b)
    for organization in (county, village_a, township_b, township_b):
        PairingFactory(term=term, leader=LeaderFactory(organization=township_b),
                       talent=TalentFactory(work_unit__organization=organization))  # fmt: skip
    client.force_login(county_staff)
    pairings = Pairing.objects.active().with_year_stats(datetime.date.today().year).filter(met_minimum=False)
    full = [p.pk for p in pairings.order_by("talent__organization__path", "leader__user__name", "pk")]
    assert len(full) == 6
    for cut in (1, 2, 3, 4, 6, 10):
        monkeypatch.setattr("liaison.views.COMPLIANCE_LIST_MAX", cut)
        assert [p["pk"] for p in client.get(URL).context["below"]] == full[:cut], cut
