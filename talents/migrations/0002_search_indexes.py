from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The expressions match what Django writes for name__icontains: UPPER("name"::text) LIKE UPPER(%s).
INDEXES = {
    "talent_name_trgm": "talents_talent USING gin (UPPER(name::text) gin_trgm_ops)",
    "workunit_name_trgm": "talents_workunit USING gin (UPPER(name::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, spec in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """Indexes for talent search on PostgreSQL (pg_trgm); the pinyin columns get Django's own LIKE-prefix indexes; SQLite scans instead."""

    dependencies = [("talents", "0001_initial")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
