from django.db import migrations

# DOMAIN.md rule 17, seed 003: code, name, appeal categories and activity kinds it is drawn from
KINDS = [
    ("housing", "住房或住房补贴", ["housing"], []),
    ("health", "健康档案与体检", ["medical"], ["checkup"]),
    ("schooling", "子女入学", ["school"], []),
    ("spouse_job", "配偶就业", ["spouse_job"], []),
    ("loan", "贷款与公积金", ["loan"], []),
    ("recuperation", "疗养", [], ["recuperation"]),
    ("funding", "项目与资金支持", ["funding"], []),
    ("other", "其他", [], []),
]


def add_kinds(apps, schema_editor):
    SupportKind = apps.get_model("maps", "SupportKind")
    AppealCategory = apps.get_model("liaison", "AppealCategory")
    ActivityKind = apps.get_model("activities", "ActivityKind")
    for order, (code, name, categories, activity_kinds) in enumerate(KINDS, start=1):
        kind, created = SupportKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        if created:
            kind.appeal_categories.set(AppealCategory.objects.filter(code__in=categories))
            kind.activity_kinds.set(ActivityKind.objects.filter(code__in=activity_kinds))


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0001_initial"),
        ("activities", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
