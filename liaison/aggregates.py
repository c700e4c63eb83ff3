"""Aggregates and counting helpers shared by liaison and maps, on PostgreSQL and on SQLite (the `make run` demo)."""

import re

from django.contrib.postgres.aggregates import ArrayAgg, StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, BooleanField, CharField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
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


def joined_names(through, owner: str, item: str, *, outer: str) -> Subquery:
    """The names of a row's many-to-many items, joined by 、 in their model's order (sort order, name).

    ``through`` is the many-to-many table, ``owner`` and ``item`` its two foreign keys, ``outer`` the
    outer row's field that ``owner`` points at.
    """
    names = (
        through.objects.filter(**{owner: OuterRef(outer)}).order_by().values(owner)
        .annotate(names=joined(f"{item}__name", order_by=(f"{item}__sort_order", f"{item}__name")))
    )  # fmt: skip
    return Subquery(names.values("names"))


def name_list(field: str, *, order_by: tuple):
    """The names of a group: an ordered array on PostgreSQL; on SQLite (the demo) one text, in no set order."""
    if connection.vendor == "postgresql":
        return ArrayAgg(field, order_by=order_by)
    return GroupConcat(field, Value("、"))


class EqualsAny(Func):
    """PostgreSQL's ``value = ANY(array)``, a condition."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (value, value_params), (array, array_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{value} = ANY({array})", (*value_params, *array_params)


def in_array(field: str, queryset) -> Q | EqualsAny:
    """``field IN queryset`` (of one column) as a filter; on PostgreSQL ``field = ANY(ARRAY(queryset))``.

    The array is computed once and tested on each row as a filter, where ``IN`` becomes a hash join that
    loses the order of an index being read: the compliance page's twenty thousand kept pairing rows of a
    city, added up per leader from that order, 24 → 16.5 ms (scale 1).
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": queryset})
    return EqualsAny(F(field), ArraySubquery(queryset))


def count_of(queryset) -> Subquery:
    """A correlated ``COUNT(*)`` of ``queryset`` (which names an ``OuterRef``) as an integer subquery.

    Per outer row it counts one range of an index, where a GROUP BY over a join would hash every row.
    """
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def rows_around(queryset, sql: str, params: list | tuple = (), **more) -> list[tuple]:
    """Run ``sql`` around the SQL of ``queryset`` (its ``{rows}``); no rows when the queryset matches none.

    For what the ORM cannot say in one statement, such as one scan of a queryset counted two ways
    (a CTE read twice). ``more`` names other querysets, each standing as ``{name}``. Each may stand more
    than once, all before any placeholder of ``params``: their parameters are given in the order they
    stand, then ``params`` follow.
    """
    parts = {"rows": queryset, **more}
    try:
        compiled = {name: part.query.sql_with_params() for name, part in parts.items()}
    except EmptyResultSet:
        return []
    standing = re.findall(r"\{(" + "|".join(parts) + r")\}", sql)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(**{name: text for name, (text, _params) in compiled.items()}),
            [*(value for name in standing for value in compiled[name][1]), *params],
        )
        return cursor.fetchall()
