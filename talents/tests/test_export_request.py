import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from talents.models import ExportApproval

pytestmark = pytest.mark.django_db
URL = reverse("talents:export_request")


def test_staff_asks_for_the_filtered_list(client, staff_a, township_a, talent_a):
    client.force_login(staff_a)
    page = client.get(URL, {"q": "zs", "page": "2"}).content.decode()
    assert 'value="q=zs"' in page
    response = client.post(URL, {"organization": township_a.pk, "reason": "报送省人才办核对", "query": "q=zs"})
    assert response.status_code == 302 and response.url == reverse("talents:export_request_list")
    approval = ExportApproval.objects.get()
    assert (approval.requested_by, approval.organization, approval.query, approval.status) == (
        staff_a, township_a, "q=zs", "pending")  # fmt: skip
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.success) == (staff_a, "unmasked_request", True)


def test_a_reason_is_required(client, staff_a, township_a):
    client.force_login(staff_a)
    response = client.post(URL, {"organization": township_a.pk, "reason": " ", "query": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not ExportApproval.objects.exists()


def test_sibling_staff_cannot_ask_for_township_a(client, staff_b, township_a):
    client.force_login(staff_b)
    response = client.post(URL, {"organization": township_a.pk, "reason": "核对身份证号", "query": ""})
    assert response.context["form"].errors["organization"]
    assert not ExportApproval.objects.exists()


def test_liaison_officer_gets_403(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_put_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.put(URL).status_code == 405
