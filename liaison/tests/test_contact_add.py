import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from liaison.models import ContactLog, ContactMethod, ContactTopic, Pairing
from liaison.tests.factories import LeaderFactory, PairingFactory

pytestmark = pytest.mark.django_db


def _url(pairing):
    return reverse("liaison:contact_add", args=[pairing.pk])


def _data(**extra):
    return {
        "date": timezone.localdate().isoformat(), "method": ContactMethod.objects.get(code="visit").pk,
        "topics": [ContactTopic.objects.get(code="opinions").pk], "summary": "走访了解科研进展",
        "opinions": "希望解决子女入学", "initiated_by": "leader", "place": "青山村", **extra,
    }  # fmt: skip


def _jpeg(name="visit.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_leader_logs_a_contact_with_a_photo(client, leader_a, pairing_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(leader_a)
    response = client.post(_url(pairing_a), {**_data(), "photos": [_jpeg()]})
    contact = ContactLog.objects.get()
    assert response.status_code == 302 and response.url == reverse("liaison:my_talents")
    assert (contact.leader, contact.talent, contact.created_by) == (pairing_a.leader, pairing_a.talent, leader_a)
    assert not contact.is_pending
    assert contact.photos.count() == 1
    assert [t.code for t in contact.topics.all()] == ["opinions"]


def test_form_defaults_to_today(client, leader_a, pairing_a):
    client.force_login(leader_a)
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in client.get(_url(pairing_a)).content.decode()


def test_liaison_logs_on_behalf_and_it_waits_for_confirmation(client, liaison_a, pairing_a):
    client.force_login(liaison_a)
    response = client.post(_url(pairing_a), _data())
    contact = ContactLog.objects.get()
    assert response.status_code == 302
    assert contact.is_pending and contact.created_by == liaison_a and contact.leader == pairing_a.leader


def test_fake_image_is_refused_and_the_text_kept(client, leader_a, pairing_a):
    client.force_login(leader_a)
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(_url(pairing_a), {**_data(), "photos": [fake]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "有效的图片" in body
    assert "走访了解科研进展" in body  # what the leader typed is kept
    assert not ContactLog.objects.exists()


def test_future_date_is_refused(client, leader_a, pairing_a):
    client.force_login(leader_a)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = client.post(_url(pairing_a), _data(date=tomorrow))
    assert "联系日期不能是将来的日期" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_missing_summary_is_rerendered(client, leader_a, pairing_a):
    client.force_login(leader_a)
    response = client.post(_url(pairing_a), _data(summary=""))
    assert "这个字段是必填项" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_unpaired_leader_gets_404(client, pairing_a, township_a):
    other = LeaderFactory(organization=township_a)
    client.force_login(other.user)
    from accounts.tests.factories import MembershipFactory

    MembershipFactory(user=other.user, organization=township_a, role="leader")
    assert client.post(_url(pairing_a), _data()).status_code == 404
    assert not ContactLog.objects.exists()


def test_sibling_staff_get_404(client, staff_b, pairing_a):
    client.force_login(staff_b)
    assert client.get(_url(pairing_a)).status_code == 404


def test_ended_pairing_is_403(client, leader_a, pairing_a):
    Pairing.objects.filter(pk=pairing_a.pk).update(end=pairing_a.start)
    client.force_login(leader_a)
    assert client.get(_url(pairing_a)).status_code == 403


def test_anonymous_goes_to_login(client, pairing_a):
    assert client.post(_url(pairing_a), _data()).status_code == 302


def test_put_is_405(client, leader_a, pairing_a):
    client.force_login(leader_a)
    assert client.put(_url(pairing_a)).status_code == 405


def test_unrelated_pairing_of_another_township_is_404(client, leader_a, pairing_a, talent_b):
    other = PairingFactory(talent=talent_b)
    client.force_login(leader_a)
    assert client.get(_url(other)).status_code == 404
