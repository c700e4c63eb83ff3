"""Demo rows of the three maps for 青山镇 (seed 003's tea-growing township); each row made once."""

import datetime

from liaison.models import Leader, Term
from maps.models import GrowthRecord, Mentorship, SupportKind, SupportRecord, TalentNeed
from talents.models import Talent, TalentCategory

# organization, field, category code or None, how many, why, source
NEEDS = [
    ("青山镇", "茶叶加工", "rural", 3, "全镇茶园 8000 亩，鲜叶多、精制加工能力弱", TalentNeed.Source.SURVEY),
    ("青山镇", "电商", "returning_graduate", 2, "茶叶需要直播带货和网店运营人才", TalentNeed.Source.SYMPOSIUM),
    ("桃园村", "茶叶种植", None, 2, "新建有机茶基地缺少种植技术员", TalentNeed.Source.SYMPOSIUM),
    ("青山镇", "乡村旅游", None, 1, "规划建设茶旅融合示范带", TalentNeed.Source.OTHER),
]
# talent, mentor (a leader's username, or an expert talent's name), plan
MENTORS = [
    ("赵敏", "qingshan_leader2", "参加省级电商直播培训，年内开设茶叶网店并带动 5 户茶农"),
    ("李秀兰", "张建国", "一对一指导蔬菜和茶叶套种技术，申报农艺师职称"),
]
# talent, kind, (month, day), title
GROWTH = [
    ("赵敏", GrowthRecord.Kind.TRAINING, (3, 15), "农村电商直播带货培训班"),
    ("李秀兰", GrowthRecord.Kind.COMPETITION, (5, 20), "县农业技能竞赛三等奖"),
    ("刘海涛", GrowthRecord.Kind.PROJECT, (4, 8), "茶叶精制加工生产线技改项目"),
]
# talent, support kind code, (month, day), description, amount
SUPPORT = [
    ("赵敏", "housing", (2, 20), "入住青山镇人才公寓", None),
    ("刘海涛", "loan", (4, 1), "创业担保贷款", "300000"),
    ("王志强", "health", (6, 10), "建立人才健康档案并年度体检", None),
]


def seed(*, organizations: dict, users: dict, today: datetime.date) -> None:
    """Create the demo needs, mentors, growth and support records that are missing."""
    staff = users["qingshan_staff"]
    talents = {t.name: t for t in Talent.objects.select_related("organization")}
    categories = {c.code: c for c in TalentCategory.objects.all()}
    for org_name, field, category, count, reason, source in NEEDS:
        TalentNeed.objects.get_or_create(
            organization=organizations[org_name], field=field, category=categories.get(category),
            defaults={"count": count, "reason": reason, "source": source, "created_by": staff},
        )  # fmt: skip
    term = Term.objects.filter(organization__name="青山镇", start__lte=today, end__gte=today).first()
    for talent_name, mentor, plan in MENTORS if term else []:
        leader = Leader.objects.filter(user__username=mentor).first()
        Mentorship.objects.get_or_create(
            talent=talents[talent_name], term=term,
            defaults={"mentor_leader": leader, "mentor_expert": None if leader else talents[mentor], "plan": plan,
                      "created_by": staff},
        )  # fmt: skip
    for talent_name, kind, (month, day), title in GROWTH:
        date = datetime.date(today.year, month, day)
        if date <= today:
            GrowthRecord.objects.get_or_create(
                talent=talents[talent_name], title=title, date=date, defaults={"kind": kind, "created_by": staff}
            )
    kinds = {k.code: k for k in SupportKind.objects.all()}
    for talent_name, code, (month, day), description, amount in SUPPORT:
        date = datetime.date(today.year, month, day)
        if date <= today:
            SupportRecord.objects.get_or_create(
                talent=talents[talent_name], kind=kinds[code], date=date, description=description,
                defaults={"amount": amount, "created_by": staff},
            )  # fmt: skip
