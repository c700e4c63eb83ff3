from django.db import migrations

# name, calendar, month, day, days of notice, talent category codes (empty: every talent)
HOLIDAYS = [
    ("元旦", "solar", 1, 1, 7, []),
    ("春节", "lunar", 1, 1, 15, []),
    ("全国科技工作者日", "solar", 5, 30, 7, ["professional", "high_level"]),
    ("中国医师节", "solar", 8, 19, 7, ["medical"]),
    ("教师节", "solar", 9, 10, 7, ["teacher"]),
    ("中秋节", "lunar", 8, 15, 7, []),
    ("国庆节", "solar", 10, 1, 7, []),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("liaison", "Holiday")
    TalentCategory = apps.get_model("talents", "TalentCategory")
    for name, calendar, month, day, lead, codes in HOLIDAYS:
        holiday, created = Holiday.objects.get_or_create(
            name=name, defaults={"calendar": calendar, "month": month, "day": day, "lead_days": lead}
        )
        if created and codes:
            holiday.categories.set(TalentCategory.objects.filter(code__in=codes))


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0005_notifications_and_visits"),
        ("talents", "0003_default_categories"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
