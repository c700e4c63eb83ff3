import datetime

import pytest
from django.urls import reverse

from talents.models import Talent
from talents.tests.factories import TalentCategoryFactory

pytestmark = pytest.mark.django_db
URL = reverse("talents:talent_add")


def _data(work_unit, **extra):
    return {
        "name": "王建华", "gender": "", "birth_date": "", "ethnicity": "汉族", "political_status": "cpc",
        "education": "master", "degree": "master", "professional_title": "高级农艺师", "level": "county",
        "field": "茶叶种植", "work_unit": work_unit.pk, "post": "技术员", "phone": "13912345678", "email": "",
        "address": "", "id_number": "11010519491231002x", "status": "active", "notes": "", **extra,
    }  # fmt: skip


def test_staff_add_a_talent_with_birth_and_gender_from_the_id(client, staff_a, work_unit_a):
    category = TalentCategoryFactory()
    client.force_login(staff_a)
    response = client.post(URL, _data(work_unit_a, categories=[category.pk]))
    talent = Talent.objects.get(name="王建华")
    assert response.status_code == 302
    assert talent.id_number == "11010519491231002X"
    assert (talent.birth_date, talent.gender) == (datetime.date(1949, 12, 31), "F")
    assert (talent.name_initials, talent.organization) == ("wjh", work_unit_a.organization)
    assert list(talent.categories.all()) == [category]


def test_liaison_officer_may_add_to_their_unit(client, liaison_a, work_unit_a):
    client.force_login(liaison_a)
    assert client.post(URL, _data(work_unit_a)).status_code == 302


def test_bad_check_digit_and_phone_show_field_errors_in_chinese(client, staff_a, work_unit_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(work_unit_a, id_number="110105194912310021", phone="12345"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验位错误" in body
    assert "请输入11位手机号码" in body
    assert 'value="王建华"' in body
    assert not Talent.objects.exists()


def test_birth_date_contradicting_the_id_is_refused(client, staff_a, work_unit_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(work_unit_a, birth_date="1950-01-01"))
    assert "与身份证号码中的出生日期不一致" in response.content.decode()


def test_duplicate_id_number_is_refused(client, staff_a, work_unit_a, talent_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(work_unit_a, id_number=talent_a.id_number))
    assert response.status_code == 200
    assert "已有使用该身份证号码的人才" in response.content.decode()
    assert Talent.objects.count() == 1


def test_work_unit_out_of_scope_is_refused(client, staff_a, work_unit_b):
    client.force_login(staff_a)
    response = client.post(URL, _data(work_unit_b))
    assert response.status_code == 200
    assert not Talent.objects.exists()


def test_leader_gets_403(client, leader_a, work_unit_a):
    client.force_login(leader_a)
    assert client.post(URL, _data(work_unit_a)).status_code == 403


def test_anonymous_goes_to_login(client, work_unit_a):
    assert client.post(URL, _data(work_unit_a)).status_code == 302
    assert not Talent.objects.exists()


def test_put_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.put(URL).status_code == 405
