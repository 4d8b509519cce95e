"""Name search expressions that give the same answers on PostgreSQL and SQLite.

A name and the words typed are compared folded (lower case, no accents, single spaces). A name matches when
it contains the words, or when it is a near spelling of them (trigram similarity of at least a quarter; see
``placewell.engine.namematch``). Matches are ranked: the same name, then names starting with the words, then
names containing them, then near spellings by closeness.

On PostgreSQL ``placewell_fold()`` is a SQL function (``translate`` and ``lower``) made by the employers
migration, the near-spelling test is pg_trgm's ``%`` operator, and GIN trigram indexes on the folded names
serve both tests. On SQLite the same three functions are registered from Python on every new connection, so
the same query runs there, row by row (the slower path).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Case, CharField, F, FloatField, Func, IntegerField, Q, Value, When

from placewell.engine import namematch

SQL_FOLD = "placewell_fold"
SQL_THRESHOLD = f"SET pg_trgm.similarity_threshold = {float(namematch.THRESHOLD)}"


class Fold(Func):
    """placewell_fold(name): lower case, accents removed, spaces collapsed."""

    function = SQL_FOLD
    output_field = CharField()


class Similarity(Func):
    """pg_trgm's similarity(a, b), between 0 and 1."""

    function = "similarity"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="placewell_similarity", **extra)


class Similar(Func):
    """a % b: the similarity is at least the threshold (namematch.THRESHOLD)."""

    output_field = BooleanField()
    arg_joiner = " %% "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="placewell_similar",
            template="%(function)s(%(expressions)s)",
            arg_joiner=", ",
            **extra,
        )


def matches(field: str, folded: str) -> Q:
    """The name in ``field`` (an alias of Fold) contains the folded words or, for words of four characters or
    more (namematch.NEAR_MIN), is a near spelling of them."""
    contains = Q(**{f"{field}__contains": folded})
    if len(folded) < namematch.NEAR_MIN:
        return contains
    return contains | Q(Similar(F(field), Value(folded)))


def rank(field: str, folded: str) -> Case:
    """0 the same name, 1 starts with the words, 2 contains them, 3 otherwise (a near spelling)."""
    return Case(
        When(**{field: folded}, then=Value(0)),
        When(**{f"{field}__startswith": folded}, then=Value(1)),
        When(**{f"{field}__contains": folded}, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _sqlite_similar(a: str | None, b: str | None) -> int:
    return int(namematch.is_similar(a or "", b or ""))


def _sqlite_similarity(a: str | None, b: str | None) -> float:
    return namematch.similarity(a or "", b or "")


def prepare_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new database connection what the search needs: the Python functions on SQLite, the
    near-spelling threshold on PostgreSQL (a session setting, so the ``%`` operator and its index use it)."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(SQL_FOLD, 1, namematch.fold, deterministic=True)
        raw.create_function("placewell_similar", 2, _sqlite_similar, deterministic=True)
        raw.create_function("placewell_similarity", 2, _sqlite_similarity, deterministic=True)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(SQL_THRESHOLD)


def connect() -> None:
    connection_created.connect(prepare_connection, dispatch_uid="placewell-name-search")
