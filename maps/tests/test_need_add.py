import datetime

import pytest
from django.urls import reverse

from maps.models import TalentNeed

pytestmark = pytest.mark.django_db
URL = reverse("maps:need_add")


def _data(organization, **changes):
    return {"organization": organization.pk, "field": " 电商 ", "count": 2, "reason": "茶叶线上销售", "needed_by":
            "2027-06-30", "source": TalentNeed.Source.SYMPOSIUM, **changes}  # fmt: skip


def test_staff_record_a_need(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(village_a))
    need = TalentNeed.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('maps:demand_map')}?organization={village_a.pk}"
    need.refresh_from_db()
    assert (need.field, need.count, need.needed_by, need.created_by) == ("电商", 2, datetime.date(2027, 6, 30), staff_a)


def test_form_offers_the_organization_asked(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": village_a.pk})
    assert response.status_code == 200
    assert response.context["form"]["organization"].value() == str(village_a.pk)


def test_invalid_form_is_shown_again(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(village_a, field="  ", count=0))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"field", "count"}
    assert not TalentNeed.objects.exists()


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_outsider_cannot_record_for_another_township(client, staff_b, township_a):
    client.force_login(staff_b)
    response = client.post(URL, _data(township_a))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not TalentNeed.objects.exists()


def test_liaison_gets_403(client, liaison_a, village_a):
    client.force_login(liaison_a)
    assert client.post(URL, _data(village_a)).status_code == 403


def test_put_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.put(URL).status_code == 405
