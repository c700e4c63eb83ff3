"""Database helpers for tests that need a second session beside Django's own (locks, concurrent writers)."""

import psycopg2
from django.db import connection


def another_connection():
    """A new psycopg2 connection to the test database, outside Django's: its own transaction, not autocommit."""
    params = connection.get_connection_params()
    return psycopg2.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}})
