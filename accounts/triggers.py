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


def pg_counting_function(name: str, count: str, columns: int, keys: dict[str, str], where: str = "") -> str:
    """A PostgreSQL trigger function passing the keys that ``keys[TG_OP]`` names to the function ``count``.

    ``keys`` maps each operation (INSERT, UPDATE, DELETE) to a SELECT of ``columns`` columns over the
    statement's transition tables; ``count`` receives one array per column, the distinct keys in them.
    ``where`` filters the keys (on their columns c1, c2...).
    """
    names = [f"c{i}" for i in range(1, columns + 1)]
    arrays = ", ".join(f"array_agg({c})" for c in names)
    branches = [
        f"""    {"IF" if i == 0 else "ELSIF"} TG_OP = '{operation}' THEN
        PERFORM {count}({arrays})
        FROM (SELECT DISTINCT * FROM ({select}) AS named) AS keys ({", ".join(names)}){where};"""  # noqa: S608  (the migrations' own SQL)
        for i, (operation, select) in enumerate(keys.items())
    ]
    return pg_trigger_function(name, "\n".join(branches) + "\n    END IF;")


def pg_trigger_function(name: str, body: str) -> str:
    """A PostgreSQL trigger function running ``body`` (plpgsql statements) and returning NULL."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
{body}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;"""


def pg_delta_function(name: str, upsert: str, old: str, new: str) -> str:
    """A PostgreSQL trigger function adding a statement's rows to a count kept by deltas.

    ``upsert`` adds up the rows of ``{rows}``: ``new`` (a SELECT over ``new_rows``, each counting +1) on
    INSERT, ``old`` (over ``old_rows``, each counting -1) on DELETE, both on UPDATE.
    """
    branches = [
        ("IF TG_OP = 'INSERT' THEN", new),
        ("ELSIF TG_OP = 'DELETE' THEN", old),
        ("ELSE", f"{old} UNION ALL {new}"),
    ]
    body = "".join(f"    {test}\n        {upsert.format(rows=rows)}\n" for test, rows in branches)
    return pg_trigger_function(name, body + "    END IF;")


# The talents an UPDATE of talents_talent moved to another organization, each twice: (id, organization_id,
# delta) for the old organization (-1) and the new one (+1). A count kept per talent's organization joins its
# rows to these (``AS moved``) to move them.
PG_MOVED_TALENTS = """(
            SELECT o.id, o.organization_id, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.organization_id <> o.organization_id
            UNION ALL
            SELECT n.id, n.organization_id, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.organization_id <> o.organization_id
        ) AS moved"""


def pg_statement_triggers(table: str, function: str, events) -> str:
    """Statement-level AFTER triggers on ``table`` for ``events``, named after ``function``, which they run."""
    references = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                  "DELETE": "OLD TABLE AS old_rows"}  # fmt: skip
    return "".join(
        f"\nCREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table}"
        f" REFERENCING {references[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        for event in events
    )
