"""Database helpers for tests that need a second session beside Django's own (locks, concurrent writers)."""

import threading

import psycopg2
from django.db import connection


def another_connection():
    """A new psycopg2 connection to the test database, outside Django's: its own transaction, not autocommit."""
    params = connection.get_connection_params()
    return psycopg2.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}})


def second_writer_waits(first: tuple[str, list], second: tuple[str, list]) -> tuple[bool, bool, list]:
    """Write ``first`` and keep its transaction open; meanwhile write and commit ``second`` from a thread.

    The first commits after half a second. Return whether the second was still waiting then, whether
    it has finished, and the database errors it met.
    """
    holder, writer = another_connection(), another_connection()
    errors, done = [], threading.Event()

    def write_second():
        try:
            writer.cursor().execute(*second)
            writer.commit()
        except psycopg2.Error as error:
            errors.append(error)
        done.set()

    try:
        holder.cursor().execute(*first)
        thread = threading.Thread(target=write_second)
        thread.start()
        waited = not done.wait(0.5)
        holder.commit()
        thread.join(10)
    finally:
        holder.close()
        writer.close()
    return waited, done.is_set(), errors
