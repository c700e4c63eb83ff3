"""Demo group activities for 青山镇 (seeds 000 and 004); each made once, through the services."""

import datetime

from activities import services
from activities.models import ActivityKind, GroupActivity
from liaison.models import Leader
from talents.models import Talent

# organizer, kind code, (month, day), title, place, talents, leaders' usernames. 李秀兰 stays away: the
# demo keeps one pairing of qingshan_leader2 without a contact this year (the reminders have work).
ACTIVITIES = [
    ("青山镇", "symposium", (3, 6), "青山镇优秀人才座谈会", "镇政府三楼会议室",
     ["张建国", "赵敏", "刘海涛"], ["qingshan_leader", "qingshan_leader2"]),
    ("青山镇", "checkup", (5, 12), "优秀人才年度健康体检", "县人民医院体检中心",
     ["王志强", "陈雪梅"], []),
]  # fmt: skip


def seed(*, organizations: dict, users: dict, today: datetime.date) -> None:
    """Create the demo activities that are missing, with their participants and counted contacts."""
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    talents = {t.name: t for t in Talent.objects.all()}
    leaders = {leader.user.username: leader for leader in Leader.objects.select_related("user")}
    for org_name, kind, (month, day), title, place, talent_names, leader_names in ACTIVITIES:
        date = datetime.date(today.year, month, day)
        if date > today or GroupActivity.objects.filter(title=title, date=date).exists():
            continue
        activity = services.activity_create(
            organization=organizations[org_name], kind=kinds[kind], title=title, date=date, place=place,
            user=users["qingshan_staff"], today=today,
        )  # fmt: skip
        services.activity_set_participants(
            activity=activity,
            talents=[talents[name] for name in talent_names if name in talents],
            leaders=[leaders[name] for name in leader_names if name in leaders],
        )
