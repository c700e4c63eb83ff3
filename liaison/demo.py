"""Demo leaders, terms, pairings and contacts for the demo county; each row made once."""

import datetime

from django.utils import timezone

from liaison.models import ContactLog, ContactMethod, ContactTopic, Leader, Pairing, Term
from talents.models import Talent

# username, organization name, post, portfolio
LEADERS = [
    ("county_leader", "示范县", "县委副书记", "组织、人才工作"),
    ("qingshan_leader", "青山镇", "镇党委书记", "全面工作"),
    ("qingshan_leader2", "青山镇", "镇党委副书记", "农业农村、乡村振兴"),
    ("lvshui_leader", "绿水乡", "乡党委书记", "全面工作"),
    ("hongqi_leader", "红旗镇", "镇长", "经济发展、招商引资"),
]
# leader username, talent name, contacts as (month, day, method code, summary, opinions)
PAIRINGS = [
    ("county_leader", "郑国栋", [(3, 12, "talk", "了解企业技术攻关进展", "希望县里支持建设省级技术中心")]),
    ("county_leader", "刘海涛", []),
    ("qingshan_leader", "张建国", [(4, 2, "visit", "走访合作社春耕生产", "")]),
    ("qingshan_leader", "王志强", [(2, 10, "visit", "春节走访慰问", "卫生院缺少全科医生编制")]),
    ("qingshan_leader2", "李秀兰", []),
    ("qingshan_leader2", "陈雪梅", [(6, 18, "phone", "电话了解工作和生活情况", "子女明年上小学，希望协调入学")]),
    ("lvshui_leader", "孙立新", [(9, 10, "talk", "教师节座谈", "")]),
    ("lvshui_leader", "吴磊", []),
    ("hongqi_leader", "冯晓燕", [(5, 20, "talk", "了解技能人才培养情况", "建议举办数控技能竞赛")]),
]


def seed(*, organizations: dict, users: dict, today: datetime.date) -> None:
    """Create the demo leaders, one current two-year term per township and county, pairings, contacts."""
    leaders = {}
    for username, org_name, post, portfolio in LEADERS:
        leader, _created = Leader.objects.get_or_create(
            user=users[username], defaults={"organization": organizations[org_name], "post": post,
                                            "portfolio": portfolio})  # fmt: skip
        leaders[username] = leader
    start_year = today.year - (today.year % 2 == 0)  # terms run 2025—2026, 2027—2028...
    methods = {m.code: m for m in ContactMethod.objects.all()}
    topics = list(ContactTopic.objects.all())
    for username, talent_name, contacts in PAIRINGS:
        leader = leaders[username]
        term, _created = Term.objects.get_or_create(
            organization=leader.organization, name=f"{start_year}—{start_year + 1}",
            defaults={"start": datetime.date(start_year, 1, 1), "end": datetime.date(start_year + 1, 12, 31),
                      "max_talents_per_leader": 5},
        )  # fmt: skip
        talent = Talent.objects.get(name=talent_name)
        pairing, created = Pairing.objects.get_or_create(
            term=term, leader=leader, talent=talent, end=None, defaults={"start": term.start}
        )
        if not created:
            continue
        for month, day, code, summary, opinions in contacts:
            date = datetime.date(today.year, month, day)
            if date > today:
                continue
            contact = ContactLog.objects.create(
                pairing=pairing, leader=leader, talent=talent, date=date, method=methods[code], summary=summary,
                opinions=opinions, created_by=leader.user, confirmed_at=timezone.now(),
            )  # fmt: skip
            contact.topics.set(topics[:2] if opinions else topics[:1])


def seed_appeals(*, users: dict, today: datetime.date) -> None:
    """Two appeals heard during demo contacts: one registered, one assigned and in progress."""
    from liaison import services
    from liaison.models import Appeal, AppealCategory

    if Appeal.objects.exists():
        return
    staff = users["qingshan_staff"]
    for talent_name, code, assign in [("陈雪梅", "school", True), ("王志强", "policy", False)]:
        contact = ContactLog.objects.filter(talent__name=talent_name).exclude(opinions="").first()
        if contact is None:
            continue
        appeal = services.appeal_register(
            talent=contact.talent, user=contact.leader.user, category=AppealCategory.objects.get(code=code),
            description=contact.opinions, source=Appeal.Source.CONTACT, received_on=contact.date, contact=contact,
            today=today,
        )  # fmt: skip
        if assign:
            appeal = services.appeal_assign(
                appeal=appeal, user=staff, version=appeal.version, lead_unit="县教育局", handler=staff, today=today
            )
            services.appeal_start(appeal=appeal, user=staff, version=appeal.version)
