"""Build the demo county: organizations, users for every role, talents, leaders, pairings, contacts.

Running it again changes nothing: every row is looked up by its natural key before it is made.
"""

import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organization, Role, User
from activities import demo as activities_demo
from liaison import demo as liaison_demo
from maps import demo as maps_demo
from talents import demo as talents_demo

COUNTY = "示范县"
TOWNSHIPS = {
    "青山镇": ["青山村", "桃园村", "青山社区"],
    "绿水乡": ["绿水村", "茶园村"],
    "红旗镇": ["红旗村", "新华社区", "柳林村"],
}
# username, full name, organization, role
ACCOUNTS = [
    ("county_staff", "王秀英", COUNTY, Role.STAFF),
    ("qingshan_staff", "李娜", "青山镇", Role.STAFF),
    ("lvshui_staff", "张伟", "绿水乡", Role.STAFF),
    ("hongqi_staff", "刘洋", "红旗镇", Role.STAFF),
    ("county_leader", "陈建国", COUNTY, Role.LEADER),
    ("qingshan_leader", "赵志刚", "青山镇", Role.LEADER),
    ("qingshan_leader2", "孙丽华", "青山镇", Role.LEADER),
    ("lvshui_leader", "周明", "绿水乡", Role.LEADER),
    ("hongqi_leader", "吴海燕", "红旗镇", Role.LEADER),
    ("qingshan_liaison", "郑小红", "青山村", Role.LIAISON),
    ("lvshui_liaison", "冯磊", "茶园村", Role.LIAISON),
]


def _child(parent, name, kind):
    return Organization.objects.get_children(parent).filter(name=name).first() or services.organization_create(
        parent=parent, name=name, kind=kind
    )


def _village_kind(name):
    return Organization.Kind.COMMUNITY if name.endswith("社区") else Organization.Kind.VILLAGE


class Command(BaseCommand):
    help = "Create the demo county with users for every role; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Give every demo account a new password and print it."
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords=False, **options):
        county = Organization.objects.get_root_nodes().filter(name=COUNTY).first() or services.organization_create(
            parent=None, name=COUNTY, kind=Organization.Kind.COUNTY
        )
        by_name = {COUNTY: county}
        for township_name, villages in TOWNSHIPS.items():
            township = _child(county, township_name, Organization.Kind.TOWNSHIP)
            by_name[township_name] = township
            for village in villages:
                by_name[village] = _child(township, village, _village_kind(village))

        created, users = [], {}
        admin, made = User.objects.get_or_create(
            username="admin", defaults={"name": "系统管理员", "is_superuser": True, "is_staff": True}
        )
        if made or reset_passwords:
            created.append(self._new_password(admin))
        for username, name, org_name, role in ACCOUNTS:
            user, made = User.objects.get_or_create(username=username, defaults={"name": name})
            users[username] = user
            Membership.objects.get_or_create(user=user, organization=by_name[org_name], role=role)
            if made or reset_passwords:
                created.append(self._new_password(user))

        talents_demo.seed(organizations=by_name, users=users, reporter=users["qingshan_liaison"])
        liaison_demo.seed(organizations=by_name, users=users, today=timezone.localdate())
        liaison_demo.seed_appeals(users=users, today=timezone.localdate())
        maps_demo.seed(organizations=by_name, users=users, today=timezone.localdate())
        activities_demo.seed(organizations=by_name, users=users, today=timezone.localdate())
        if created:
            self.stdout.write(self.style.SUCCESS("演示账号（密码只显示这一次，请妥善保存）:"))
            for user, password in created:
                roles = "、".join(m.get_role_display() for m in user.memberships.all()) or "超级管理员"
                self.stdout.write(f"  {user.username:<18} {password}  {user.name}（{roles}）")
        else:
            self.stdout.write(
                "演示数据已存在，未做任何修改。忘记密码时运行: python manage.py seed_demo --reset-passwords"
            )

    def _new_password(self, user):
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        # A password shown on a console is only for the first login: the user must choose their own.
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        return user, password
