from django.db import migrations

# DOMAIN.md rule 16, seeds 000 and 004: code, name, the contact method a counted contact carries
KINDS = [
    ("symposium", "座谈会", "symposium"),
    ("gathering", "团拜会", "gathering"),
    ("study_course", "国情研修班", "group_activity"),
    ("checkup", "健康体检", "group_activity"),
    ("recuperation", "疗养", "group_activity"),
    ("grassroots", "专家下基层服务", "group_activity"),
    ("other", "其他", "group_activity"),
]


def add_kinds(apps, schema_editor):
    ContactMethod = apps.get_model("liaison", "ContactMethod")
    ActivityKind = apps.get_model("activities", "ActivityKind")
    ContactMethod.objects.get_or_create(code="group_activity", defaults={"name": "集中活动", "sort_order": 200})
    methods = {m.code: m for m in ContactMethod.objects.all()}
    for order, (code, name, method) in enumerate(KINDS, start=1):
        ActivityKind.objects.get_or_create(
            code=code, defaults={"name": name, "contact_method": methods[method], "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("liaison", "0008_contactlog_activity_and_more"),
    ]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
