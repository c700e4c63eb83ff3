from django.db import migrations

# DOMAIN.md rule 4 (seeds 000 and 004 add the last three); code, name, counts as a visit
METHODS = [
    ("talk", "面对面交流", False),
    ("appointment", "双向约谈", False),
    ("visit", "走访慰问", True),
    ("phone", "电话联系", False),
    ("email", "电子邮件", False),
    ("letter", "书信往来", False),
    ("inspection_visit", "下村检查/调研顺访", True),
    ("symposium", "座谈会", False),
    ("gathering", "团拜会", False),
    ("wechat", "微信/QQ群", False),
]
# DOMAIN.md rule 5
TOPICS = [
    ("guidance", "思想引导、宣传政策"),
    ("opinions", "征求意见建议"),
    ("service", "搭建平台、提供服务"),
]
# DOMAIN.md rule 12: code, name, default department, working days, urgent working days
APPEAL_CATEGORIES = [
    ("spouse_job", "配偶就业", "人力资源和社会保障局", 20, 10),
    ("school", "子女入学", "教育局", 15, 5),
    ("housing", "住房保障", "住房和城乡建设局", 20, 10),
    ("medical", "医疗保健与体检", "卫生健康局", 10, 3),
    ("loan", "公积金与贷款", "住房公积金中心", 15, 5),
    ("funding", "项目与资金支持", "科技局", 20, 10),
    ("policy", "政策咨询", "党委组织部人才办", 5, 2),
    ("rights", "权益保护", "司法局", 15, 5),
    ("other", "其他", "党委组织部人才办", 15, 5),
]


def seed(apps, schema_editor):
    ContactMethod = apps.get_model("liaison", "ContactMethod")
    ContactTopic = apps.get_model("liaison", "ContactTopic")
    AppealCategory = apps.get_model("liaison", "AppealCategory")
    CalendarDay = apps.get_model("liaison", "CalendarDay")
    for i, (code, name, is_visit) in enumerate(METHODS):
        ContactMethod.objects.get_or_create(code=code, defaults={"name": name, "is_visit": is_visit, "sort_order": i * 10})
    for i, (code, name) in enumerate(TOPICS):
        ContactTopic.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i * 10})
    for i, (code, name, department, days, urgent) in enumerate(APPEAL_CATEGORIES):
        AppealCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "default_department": department, "time_limit_days": days,
                      "urgent_time_limit_days": urgent, "sort_order": i * 10},
        )  # fmt: skip
    # Statutory holidays and make-up working days, as published by the State Council (2004-2026).
    import chinese_calendar

    names = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
             "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
             "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日"}  # fmt: skip
    days = [CalendarDay(date=d, kind="holiday", name=names.get(n, n)) for d, n in chinese_calendar.holidays.items()]
    days += [CalendarDay(date=d, kind="workday", name=names.get(n, n)) for d, n in chinese_calendar.workdays.items()]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("liaison", "0003_appealcategory_calendarday_appeal_appealevent_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
