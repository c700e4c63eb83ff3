from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_account_admin_role"),
        ("talents", "0011_search_grams"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["organization", "id"], name="talent_org_id"),
        ),
    ]
