from django.db import migrations

# DOMAIN.md rule 1 with seeds 003 and 004; staff edit the list afterwards.
CATEGORIES = [
    ("professional", "专业技术人才"),
    ("rural", "农村实用人才"),
    ("introduced", "引进人才"),
    ("high_level", "高层次人才"),
    ("returning_graduate", "返乡创业大学生"),
    ("skilled", "技能人才"),
    ("teacher", "教育人才"),
    ("medical", "医疗卫生人才"),
    ("other", "其他优秀人才"),
]


def seed(apps, schema_editor):
    TalentCategory = apps.get_model("talents", "TalentCategory")
    for i, (code, name) in enumerate(CATEGORIES):
        TalentCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": (i + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("talents", "0002_search_indexes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
