import pytest
from django.core.management import call_command
from django.http import HttpRequest

from accounts.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def _counts():
    return Organization.objects.count(), User.objects.count(), Membership.objects.count()


def test_seed_builds_county_and_every_role(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    county = Organization.objects.get(name="示范县")
    assert Organization.objects.get_children(county).count() == 3
    assert {m.role for m in Membership.objects.all()} == {"staff", "leader", "liaison"}
    assert "county_staff" in out and "密码只显示这一次" in out
    assert User.objects.get(username="admin").is_superuser


def test_seed_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = _counts()
    password = User.objects.get(username="county_staff").password
    call_command("seed_demo")
    assert _counts() == first
    assert User.objects.get(username="county_staff").password == password
    assert "未做任何修改" in capsys.readouterr().out


def test_printed_password_logs_in(client, capsys):
    call_command("seed_demo")
    line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("qingshan_staff"))
    password = line.split()[1]
    assert client.login(request=HttpRequest(), username="qingshan_staff", password=password)


def test_seed_adds_talents_once():
    from talents.models import Talent, WorkUnit

    call_command("seed_demo")
    counts = Talent.objects.count(), WorkUnit.objects.count()
    call_command("seed_demo")
    assert counts == (Talent.objects.count(), WorkUnit.objects.count())
    assert counts[0] == 12
    assert Talent.objects.get(name="张建国").work_unit.liaison_officers.filter(username="qingshan_liaison").exists()
