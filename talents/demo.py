"""Demo talents for the demo county: fixed data, so every run builds the same rows once."""

import datetime

from talents import services
from talents.models import Achievement, MajorEvent, Talent, TalentCategory, WorkUnit
from talents.validators import id_check_character

# unit name, organization name, liaison officer username or None
UNITS = [
    ("青山农业合作社", "青山村", "qingshan_liaison"),
    ("青山镇中心卫生院", "青山镇", None),
    ("桃园茶叶专业合作社", "桃园村", None),
    ("绿水乡中心小学", "绿水乡", None),
    ("茶园村电商服务站", "茶园村", "lvshui_liaison"),
    ("红旗机械制造有限公司", "红旗镇", None),
    ("新华社区卫生服务中心", "新华社区", None),
]
# name, unit, categories, level, title, post, field, birth (y, m, d), male
TALENTS = [
    ("张建国", "青山农业合作社", ["rural"], "county", "高级农艺师", "理事长", "粮油种植", (1972, 3, 14), True),
    ("李秀兰", "青山农业合作社", ["rural", "skilled"], "county", "农艺师", "技术员", "蔬菜种植", (1981, 8, 2), False),
    (
        "王志强",
        "青山镇中心卫生院",
        ["medical", "professional"],
        "city",
        "副主任医师",
        "院长",
        "全科医学",
        (1976, 11, 20),
        True,
    ),
    ("陈雪梅", "青山镇中心卫生院", ["medical"], "county", "主治医师", "内科主任", "内科", (1985, 5, 9), False),
    (
        "刘海涛",
        "桃园茶叶专业合作社",
        ["rural", "high_level"],
        "provincial",
        "高级制茶师",
        "负责人",
        "茶叶加工",
        (1968, 4, 1),
        True,
    ),
    ("赵敏", "桃园茶叶专业合作社", ["returning_graduate"], "county", "", "电商主管", "农村电商", (1996, 9, 15), False),
    (
        "孙立新",
        "绿水乡中心小学",
        ["teacher", "professional"],
        "city",
        "高级教师",
        "校长",
        "基础教育",
        (1974, 6, 30),
        True,
    ),
    ("周婷", "绿水乡中心小学", ["teacher"], "county", "一级教师", "教务主任", "基础教育", (1988, 1, 22), False),
    (
        "吴磊",
        "茶园村电商服务站",
        ["returning_graduate", "introduced"],
        "county",
        "",
        "站长",
        "农村电商",
        (1995, 12, 3),
        True,
    ),
    (
        "郑国栋",
        "红旗机械制造有限公司",
        ["high_level", "introduced"],
        "provincial",
        "正高级工程师",
        "总工程师",
        "装备制造",
        (1970, 7, 7),
        True,
    ),
    ("冯晓燕", "红旗机械制造有限公司", ["skilled"], "city", "高级技师", "车间主任", "数控加工", (1983, 10, 18), False),
    ("何明", "新华社区卫生服务中心", ["medical"], "county", "主管护师", "护士长", "护理", (1986, 2, 27), True),
]


def _id_number(serial: int, birth: datetime.date, male: bool) -> str:
    first17 = f"511423{birth:%Y%m%d}{serial * 2 + (1 if male else 0):03d}"
    return first17 + id_check_character(first17)


def seed(*, organizations: dict, users: dict, reporter) -> None:
    """Create the demo work units, talents, achievements and major events that are missing."""
    units = {}
    for name, org_name, officer in UNITS:
        unit, _created = WorkUnit.objects.get_or_create(name=name, organization=organizations[org_name])
        if officer:
            unit.liaison_officers.add(users[officer])
        units[name] = unit
    categories = {c.code: c for c in TalentCategory.objects.all()}
    for serial, (name, unit, cats, level, title, post, field, birth, male) in enumerate(TALENTS, start=1):
        birth_date = datetime.date(*birth)
        number = _id_number(serial, birth_date, male)
        if Talent.objects.with_id_number(number).exists():
            continue
        talent = Talent(
            name=name, work_unit=units[unit], level=level, professional_title=title, post=post, field=field,
            id_number=number, phone=f"1390{serial:07d}", political_status="cpc" if serial % 2 else "masses",
            education="bachelor" if serial % 3 else "master",
        )  # fmt: skip
        services.talent_save(talent=talent, categories=[categories[c] for c in cats])
        Achievement.objects.create(talent=talent, date=datetime.date(2025, 12, 1), title=f"{field}先进个人")
    health = Talent.objects.filter(name="王志强").first()
    if health and not health.major_events.exists():
        MajorEvent.objects.create(
            talent=health, kind=MajorEvent.Kind.ACHIEVEMENT, date=datetime.date(2026, 9, 10),
            description="主持的基层全科诊疗项目获市级科技进步二等奖", reported_by=reporter,
        )  # fmt: skip
