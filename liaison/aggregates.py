"""Aggregates that name a group's items, on PostgreSQL and on SQLite (the `make run` demo)."""

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import Aggregate, CharField, Value
from django.db.models.functions import Replace


class GroupConcat(Aggregate):
    """SQLite's ``group_concat``: its order is the rows' order, which SQLite does not promise."""

    function = "group_concat"
    output_field = CharField()
    allow_distinct = True


def joined(field: str, *, delimiter: str = "、", order_by=(), distinct: bool = False):
    """The group's ``field`` values in one text: ordered on PostgreSQL; on SQLite in no set order."""
    if connection.vendor == "postgresql":
        return StringAgg(field, delimiter=delimiter, order_by=order_by, distinct=distinct)
    if distinct:  # SQLite takes DISTINCT with one argument only, so its own separator, replaced
        return Replace(GroupConcat(field, distinct=True), Value(","), Value(delimiter))
    return GroupConcat(field, Value(delimiter))
