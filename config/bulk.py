"""Set-based writes on PostgreSQL for the imports: rows sent by `COPY … FROM STDIN`.

`bulk_create` builds one INSERT with a placeholder per value and prepares every value through
the field (`pre_save`, `get_db_prep_save`): for tens of thousands of rows that Python work
costs several times the write itself. Here rows are written the way the benchmarks' floor is
(`bench/results_import.py`): a `COPY` of the table's columns, the ids the rows need to be
referenced by other rows of the same import reserved beforehand from the table's identity
sequence (one query), so that results, their marks, dossiers, their history and deadlines can
be written in one pass without reading anything back.

Two entry points:
- `copy_rows(model, fields, rows)`: rows as tuples of plain values (int, str, Decimal, date,
  datetime, None), in the order of `fields` (field names: `student_id` or `student`);
- `copy_instances(model, objs)`: unsaved model instances, every concrete column prepared by
  its field exactly as `bulk_create` would (defaults, `auto_now`, JSON), for the tables whose
  rows are few or have many defaults.

The statement is logged like a query (`connection.queries`, `django_assert_num_queries`), and a
constraint violation raises Django's `IntegrityError`, as `bulk_create` would.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Field, Model


def supported() -> bool:
    return connection.vendor == "postgresql"


def _field(model: type[Model], name: str) -> Field:
    """A concrete field by its name or its attribute name (`student` or `student_id`)."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise LookupError(f"{model.__name__} has no column {name!r}")


def _columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [_field(model, name).column for name in fields]


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys of `model`'s table, taken from its sequence (one query)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` into `model`'s table by COPY; returns the number of rows written."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in _columns(model, fields))
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    written = 0
    started = time.monotonic()
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            written += 1
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {written} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
    return written


# Fields whose value on an instance built by the code is already what the driver sends: read
# as is. Any other field (date-times with their time zone rules, decimals, JSON, `auto_now`)
# goes through `pre_save` and `get_db_prep_save`, as in `bulk_create`.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _prepared(field: Field, db) -> Callable[[Model], Any]:
    if isinstance(field, _PLAIN_FIELDS):
        return attrgetter(field.attname)
    if type(field) is models.UUIDField or (
        type(field) is models.DateField and not (field.auto_now or field.auto_now_add)
    ):
        return attrgetter(field.attname)  # uuid.UUID and datetime.date are sent as they are
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)


def copy_instances(model: type[Model], objs: Sequence[Model]) -> int:
    """Write unsaved instances (primary key set or not) by COPY, their values prepared by
    their fields as `bulk_create` prepares them."""
    if not objs:
        return 0
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]
    db = connections[DEFAULT_DB_ALIAS]
    getters = [_prepared(f, db) for f in fields]
    return copy_rows(
        model,
        [f.attname for f in fields],
        ([get(obj) for get in getters] for obj in objs),
    )


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set `fields` of many rows in one UPDATE: each row is (pk, *values in `fields` order),
    sent as one array per column (`UPDATE … FROM unnest(…)`)."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    opts = model._meta
    pk = opts.pk
    targets = [pk, *(_field(model, name) for name in fields)]
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in targets)
    names = [f"c{i}" for i in range(len(targets))]
    assignments = ", ".join(
        f"{qn(field.column)} = v.{name}" for field, name in zip(targets[1:], names[1:], strict=True)
    )
    table = qn(opts.db_table)
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
            f"WHERE {table}.{qn(pk.column)} = v.c0",
            columns,
        )
        return cursor.rowcount
