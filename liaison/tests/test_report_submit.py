"""Submitting up the tree (逐级报送): submit, return with a reason, resubmit, accept and lock."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison import reports
from liaison.models import AnnualReport, ReportFile
from liaison.tests.report_world import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submit_url(org):
    return reverse("liaison:report_submit", args=[org.pk, YEAR])


def _submitted(staff_a, township_a):
    return reports.report_submit(organization=township_a, year=YEAR, user=staff_a, today=TODAY)


def test_township_staff_submit_with_figures_frozen_and_workbook(client, staff_a, world, township_a):
    client.force_login(staff_a)
    response = client.post(_submit_url(township_a))
    assert response.status_code == 302
    report = AnnualReport.objects.get(organization=township_a, year=YEAR)
    assert (report.status, report.submitted_by, report.version) == ("submitted", staff_a, 2)
    assert report.summary["rows"][-1]["pairings"] == 2
    assert report.summary["rows"][-1]["met"] == 1
    assert report.workbook.status == ReportFile.Status.DONE


def test_submitting_twice_is_refused(client, staff_a, world, township_a):
    _submitted(staff_a, township_a)
    client.force_login(staff_a)
    response = client.post(_submit_url(township_a), follow=True)
    assert "已报送或已通过审核" in response.content.decode()
    assert AnnualReport.objects.get().version == 2


def test_county_accepts_and_the_report_is_locked(client, county_staff, staff_a, world, township_a):
    report = _submitted(staff_a, township_a)
    client.force_login(county_staff)
    client.post(reverse("liaison:report_accept", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.is_locked) == ("accepted", county_staff, True)
    with pytest.raises(ValidationError):
        reports.report_submit(organization=township_a, year=YEAR, user=staff_a, today=TODAY)
    with pytest.raises(ValidationError):
        reports.report_return(report=report, user=county_staff, version=report.version, reason="再看看")
    client.post(reverse("liaison:report_return", args=[report.pk]), {"version": report.version, "reason": "改"})
    report.refresh_from_db()
    assert report.status == "accepted"


def test_locked_figures_stay_as_submitted(client, county_staff, staff_a, world, township_a):
    report = _submitted(staff_a, township_a)
    reports.report_accept(report=report, user=county_staff, version=report.version)
    world["pairing_c"].delete()
    client.force_login(staff_a)
    page = client.get(reverse("liaison:report_detail"), {"organization": township_a.pk, "year": YEAR})
    assert page.context["frozen"][-1]["pairings"] == 2
    assert page.context["rows"][-1]["pairings"] == 1


def test_return_needs_a_reason_then_resubmission_works(client, county_staff, staff_a, world, township_a):
    report = _submitted(staff_a, township_a)
    client.force_login(county_staff)
    url = reverse("liaison:report_return", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": report.version, "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    client.post(url, {"version": report.version, "reason": "走访数据不全"})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "走访数据不全")
    again = _submitted(staff_a, township_a)
    assert again.status == "submitted"


def test_a_stale_version_is_refused(county_staff, staff_a, world, township_a):
    report = _submitted(staff_a, township_a)
    with pytest.raises(ValidationError):
        reports.report_accept(report=report, user=county_staff, version=report.version - 1)


def test_the_submitting_staff_cannot_accept_their_own(client, staff_a, world, township_a):
    report = _submitted(staff_a, township_a)
    client.force_login(staff_a)
    assert client.post(reverse("liaison:report_accept", args=[report.pk]), {"version": 2}).status_code == 403
    assert client.get(reverse("liaison:report_return", args=[report.pk])).status_code == 403


def test_county_staff_cannot_submit_for_a_township(client, county_staff, world, township_a):
    client.force_login(county_staff)
    assert client.post(_submit_url(township_a)).status_code == 403


def test_garbage_year_in_the_address_is_404(client, staff_a, world, township_a):
    client.force_login(staff_a)
    assert client.post(reverse("liaison:report_submit", args=[township_a.pk, 99999])).status_code == 404


def test_anonymous_goes_to_login(client, township_a):
    assert "login" in client.post(_submit_url(township_a)).url


def test_outsider_gets_404(client, staff_a, staff_b, world, township_a):
    report = _submitted(staff_a, township_a)
    client.force_login(staff_b)
    assert client.post(_submit_url(township_a)).status_code == 404
    assert client.post(reverse("liaison:report_accept", args=[report.pk]), {"version": 2}).status_code == 404


def test_leader_gets_403(client, leader_a, township_a):
    client.force_login(leader_a)
    assert client.post(_submit_url(township_a)).status_code == 403


def test_get_is_not_allowed(client, staff_a, township_a):
    client.force_login(staff_a)
    assert client.get(_submit_url(township_a)).status_code == 405
    assert client.get(reverse("liaison:report_accept", args=[1])).status_code == 405
