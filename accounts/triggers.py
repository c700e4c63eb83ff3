"""Running a migration's trigger SQL on the database at hand: PostgreSQL, or SQLite for the demo.

Kept counts (the liaison and talents tallies) are written by triggers that each migration creates; the
SQL differs by database, the way of running it does not.
"""

from django.db import migrations


def run_for_vendor(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    """Execute ``postgresql`` (one script) on PostgreSQL or each statement of ``sqlite`` on SQLite."""
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [postgresql], "sqlite": sqlite}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def trigger_operation(
    postgresql: str, sqlite: list[str], postgresql_reverse: str, sqlite_reverse: list[str]
) -> migrations.RunPython:
    """A migration operation that creates triggers (and fills their table) and, reversed, drops them."""

    def forward(apps, schema_editor):
        run_for_vendor(schema_editor, postgresql, sqlite)

    def backward(apps, schema_editor):
        run_for_vendor(schema_editor, postgresql_reverse, sqlite_reverse)

    return migrations.RunPython(forward, backward)
