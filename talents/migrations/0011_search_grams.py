from django.db import migrations

# talents.models.SearchGrams and SearchQueryGrams call these; the indexes' expressions are what
# talents.models.has_grams writes: search_grams(UPPER("name")) @> search_query_grams(UPPER(<text>)).
FUNCTIONS = {
    # PL/pgSQL: about 1.3 µs a name, where the same as one SQL query (generate_series) took 5.3 µs.
    "search_grams": """
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            grams text[] := '{}';
        BEGIN
            FOR i IN 1 .. length($1) LOOP
                grams := grams || substr($1, i, 1) || substr($1, i, 2);
            END LOOP;
            RETURN grams;
        END $$
    """,
    # Evaluated once a query, at planning: DISTINCT keeps a long search text to few index keys.
    "search_query_grams": """
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN length($1) = 1 THEN ARRAY[$1]
        ELSE ARRAY(SELECT DISTINCT substr($1, i, 2) FROM generate_series(1, length($1) - 1) AS i) END
        $$
    """,
}
INDEXES = {
    "talent_name_grams": "talents_talent USING gin (search_grams(UPPER(name::text)))",
    "workunit_name_grams": "talents_workunit USING gin (search_grams(UPPER(name::text)))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, body in FUNCTIONS.items():
        schema_editor.execute(f"CREATE OR REPLACE FUNCTION {name}(text) RETURNS text[] {body}")
    for name, spec in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}(text)")


class Migration(migrations.Migration):
    """Gram indexes for talent search on PostgreSQL: pg_trgm's indexes cannot answer 1 or 2 characters."""

    dependencies = [("talents", "0010_export_approval_and_anonymise")]

    operations = [migrations.RunPython(create, drop)]
