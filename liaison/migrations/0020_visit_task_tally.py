import django.db.models.deletion
from django.db import migrations, models

from accounts.triggers import (
    PG_MOVED_TALENTS,
    pg_delta_function,
    pg_statement_triggers,
    pg_trigger_function,
    trigger_operation,
)


# VisitTaskTally counts visit tasks per talent's organization (now), kind, holiday (0: a must-visit), due
# date and whether done, so the campaign list adds up a few hundred rows instead of every task of a
# campaign. As with AppealTally (0015) the database keeps it: statement-level triggers on PostgreSQL, row
# triggers on SQLite (the demo); counts move by deltas, and a talent who changes organization moves their
# tasks' counts. On SQLite a migration that rebuilds talents_talent or liaison_visittask (AlterField)
# fails on these triggers: drop them before it and create them again after.
_COLUMNS = "organization_id, kind, holiday, due_date, done"
_CONFLICT = f"ON CONFLICT ({_COLUMNS})"
_PG_ROWS = """SELECT talent.organization_id, v.kind, COALESCE(v.holiday_id, 0) AS holiday, v.due_date,
    v.done_at IS NOT NULL AS done, {sign}1 AS delta
    FROM {rows} v JOIN talents_talent talent ON talent.id = v.talent_id"""
_PG_UPSERT = f"""INSERT INTO liaison_visittasktally AS t ({_COLUMNS}, tasks)
    SELECT {_COLUMNS}, SUM(delta) FROM ({{rows}}) AS moved
    GROUP BY 1, 2, 3, 4, 5 HAVING SUM(delta) <> 0 ORDER BY 1, 2, 3, 4, 5
    {_CONFLICT} DO UPDATE SET tasks = t.tasks + EXCLUDED.tasks;"""
_PG_OLD = _PG_ROWS.format(sign="-", rows="old_rows")
_PG_NEW = _PG_ROWS.format(sign="", rows="new_rows")
POSTGRESQL_TRIGGERS = (
    pg_delta_function("liaison_visit_task_tally", _PG_UPSERT, _PG_OLD, _PG_NEW)
    + pg_trigger_function(
        "liaison_visit_task_tally_moved",
        "    "
        + _PG_UPSERT.format(
            rows=f"""SELECT moved.organization_id, v.kind, COALESCE(v.holiday_id, 0) AS holiday, v.due_date,
            v.done_at IS NOT NULL AS done, moved.delta
        FROM {PG_MOVED_TALENTS} JOIN liaison_visittask v ON v.talent_id = moved.id"""
        ),
    )
    + pg_statement_triggers("liaison_visittask", "liaison_visit_task_tally", ("INSERT", "UPDATE", "DELETE"))
    + pg_statement_triggers("talents_talent", "liaison_visit_task_tally_moved", ("UPDATE",))
)
POSTGRESQL_BACKFILL = f"""
INSERT INTO liaison_visittasktally ({_COLUMNS}, tasks)
SELECT {_COLUMNS}, COUNT(*) FROM ({_PG_ROWS.format(sign="", rows="liaison_visittask")}) AS counted
GROUP BY 1, 2, 3, 4, 5;
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS liaison_visit_task_tally_insert ON liaison_visittask;
DROP TRIGGER IF EXISTS liaison_visit_task_tally_update ON liaison_visittask;
DROP TRIGGER IF EXISTS liaison_visit_task_tally_delete ON liaison_visittask;
DROP TRIGGER IF EXISTS liaison_visit_task_tally_moved_update ON talents_talent;
DROP FUNCTION IF EXISTS liaison_visit_task_tally();
DROP FUNCTION IF EXISTS liaison_visit_task_tally_moved();
"""
_SQLITE_KEY = "{org}, {row}.kind, COALESCE({row}.holiday_id, 0), {row}.due_date, {row}.done_at IS NOT NULL"
_SQLITE_ADD = f"""INSERT INTO liaison_visittasktally ({_COLUMNS}, tasks)
    SELECT {_SQLITE_KEY.format(row="NEW", org="talent.organization_id")}, 1
    FROM talents_talent talent WHERE talent.id = NEW.talent_id
    {_CONFLICT} DO UPDATE SET tasks = tasks + 1;"""
_SQLITE_REMOVE = """UPDATE liaison_visittasktally SET tasks = tasks - 1
    WHERE organization_id = (SELECT organization_id FROM talents_talent WHERE id = OLD.talent_id)
    AND kind = OLD.kind AND holiday = COALESCE(OLD.holiday_id, 0) AND due_date = OLD.due_date
    AND done = (OLD.done_at IS NOT NULL);"""
_SQLITE_MOVE = f"""INSERT INTO liaison_visittasktally ({_COLUMNS}, tasks)
    SELECT {_SQLITE_KEY.format(row="v", org="{org}")}, {{sign}}COUNT(*)
    FROM liaison_visittask v WHERE v.talent_id = NEW.id GROUP BY 1, 2, 3, 4, 5
    {_CONFLICT} DO UPDATE SET tasks = tasks + excluded.tasks;"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER liaison_visit_task_tally_insert AFTER INSERT ON liaison_visittask BEGIN {_SQLITE_ADD} END;",
    "CREATE TRIGGER liaison_visit_task_tally_update AFTER UPDATE OF talent_id, kind, holiday_id, due_date, done_at"
    f" ON liaison_visittask BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END;",
    f"CREATE TRIGGER liaison_visit_task_tally_delete AFTER DELETE ON liaison_visittask BEGIN {_SQLITE_REMOVE} END;",
    "CREATE TRIGGER liaison_visit_task_tally_moved AFTER UPDATE OF organization_id ON talents_talent"
    " WHEN OLD.organization_id <> NEW.organization_id BEGIN "
    + _SQLITE_MOVE.format(org="OLD.organization_id", sign="-")
    + " "
    + _SQLITE_MOVE.format(org="NEW.organization_id", sign="")
    + " END;",
    f"""INSERT INTO liaison_visittasktally ({_COLUMNS}, tasks)
    SELECT {_SQLITE_KEY.format(row="v", org="talent.organization_id")}, COUNT(*)
    FROM liaison_visittask v JOIN talents_talent talent ON talent.id = v.talent_id GROUP BY 1, 2, 3, 4, 5;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS liaison_visit_task_tally_insert;",
    "DROP TRIGGER IF EXISTS liaison_visit_task_tally_update;",
    "DROP TRIGGER IF EXISTS liaison_visit_task_tally_delete;",
    "DROP TRIGGER IF EXISTS liaison_visit_task_tally_moved;",
]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_account_admin_role'),
        ('liaison', '0019_tally_covering_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitTaskTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('holiday', 'Holiday visit'), ('illness', 'Visit after a serious illness'), ('discharge', 'Visit after discharge from hospital'), ('achievement', 'Visit after a major achievement')], max_length=20, verbose_name='kind')),
                ('holiday', models.IntegerField(verbose_name='holiday (id, 0 for none)')),
                ('due_date', models.DateField(verbose_name='due')),
                ('done', models.BooleanField(verbose_name='done')),
                ('tasks', models.IntegerField(default=0, verbose_name='visit tasks')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization', verbose_name="talent's organization")),
            ],
            options={
                'verbose_name': 'visit task count',
                'verbose_name_plural': 'visit task counts',
                'indexes': [models.Index(fields=['due_date'], include=('organization', 'kind', 'holiday', 'done', 'tasks'), name='visit_task_tally_due')],
                'constraints': [models.UniqueConstraint(fields=('organization', 'kind', 'holiday', 'due_date', 'done'), name='visit_task_tally_unique')],
            },
        ),
        trigger_operation(POSTGRESQL_TRIGGERS + POSTGRESQL_BACKFILL, SQLITE_FORWARD, POSTGRESQL_REVERSE, SQLITE_REVERSE),
    ]
