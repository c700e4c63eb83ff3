import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from maps.models import SupportRecord
from maps.tests.factories import support_kind

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("maps:support_add", args=[talent.pk])


def _data(**changes):
    return {"kind": support_kind("loan").pk, "date": "2026-07-01", "description": "创业担保贷款", "amount": "100000",
            **changes}  # fmt: skip


def test_liaison_officer_adds_a_record(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    response = client.post(_url(talent_a), _data())
    assert response.status_code == 302
    assert response.url == reverse("maps:talent_support", args=[talent_a.pk])
    record = SupportRecord.objects.get(talent=talent_a)
    assert (record.kind.code, record.date, record.amount, record.created_by) == (
        "loan", datetime.date(2026, 7, 1), Decimal("100000.00"), liaison_a)  # fmt: skip


def test_invalid_form_is_shown_again(client, staff_a, talent_a):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), _data(description="", amount="abc"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"description", "amount"}
    response = client.post(_url(talent_a), _data(date="2999-01-01"))
    assert "date" in response.context["form"].errors
    assert not SupportRecord.objects.exists()


def test_an_inactive_kind_is_not_offered(client, staff_a, talent_a):
    support_kind("other").__class__.objects.filter(code="other").update(is_active=False)
    client.force_login(staff_a)
    response = client.post(_url(talent_a), _data(kind=support_kind("other").pk))
    assert "kind" in response.context["form"].errors


def test_anonymous_goes_to_login(client, talent_a):
    assert client.post(_url(talent_a), _data()).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.post(_url(talent_a), _data()).status_code == 404
    assert not SupportRecord.objects.exists()


def test_paired_leader_gets_403(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.post(_url(talent_a), _data()).status_code == 403
    assert not SupportRecord.objects.exists()


def test_put_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.put(_url(talent_a)).status_code == 405
