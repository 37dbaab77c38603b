"""Keyset ("cursor") pagination over an ordered index, for lists too long for `?page=N`.

Page N by number reads N × size index entries before the ones it shows (OFFSET); a keyset page
starts right after (or before) the row where the last page ended: `(a, b, id) > (x, y, z)`
ORDER BY a, b, id LIMIT size + 1, an index range scan whatever the depth.

The cursor is opaque and signed (django.core.signing, the site's SECRET_KEY): it names only the
internal id of the boundary row and the page number to show, never a name. Its sort key is read
back by primary key (one indexed query, whatever the user's scope: the values only bound the
range, the list itself stays filtered by the scope). A cursor that was tampered with, or whose
boundary row no longer exists, raises `BadCursor` (a French message for the user).
"""

from dataclasses import dataclass, field

from django.core import signing
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

SALT = "config.keyset"
AFTER, BEFORE = "apres", "avant"
BAD_CURSOR = (
    "Le lien de pagination n'est pas valide (modifié, ou l'élève qui le délimitait n'existe "
    "plus) : suivez les liens « Page suivante » et « Page précédente »."
)


class BadCursor(ValueError):
    """A cursor that does not verify or whose boundary row is gone."""


@dataclass(frozen=True)
class Cursor:
    key: int | None  # id of the boundary row; None = from the very end (last page)
    number: int  # page number shown for the page it opens


def encode(key: int | None, number: int) -> str:
    return signing.dumps([key, number], salt=SALT, compress=True)


def decode(token: str) -> Cursor:
    try:
        key, number = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadCursor(BAD_CURSOR) from exc
    if not (key is None or (isinstance(key, int) and key > 0)):
        raise BadCursor(BAD_CURSOR)
    if not isinstance(number, int) or number < 1:
        raise BadCursor(BAD_CURSOR)
    return Cursor(key, number)


@dataclass
class KeysetPage:
    """One page read by cursor (rows in list order) and the neighbours it knows of."""

    rows: list
    number: int
    has_previous: bool
    has_next: bool
    ids: list = field(default_factory=list)  # ids of the rows, same order


def read(queryset, *, ordering: tuple[str, ...], direction: str, cursor: Cursor, size: int,
         values: tuple[str, ...] | None = None, id_of=None) -> KeysetPage:  # fmt: skip
    """The page after (`AFTER`) or before (`BEFORE`) the cursor's row, in `ordering` (whose
    last field is the unique `id`). `values`: read tuples (`values_list`) instead of
    instances; `id_of` gives a row's id (default: its last value, or `.pk`)."""
    boundary = None
    if cursor.key is not None:
        manager = queryset.model._base_manager
        boundary = manager.filter(pk=cursor.key).values_list(*ordering).first()
        if boundary is None:
            raise BadCursor(BAD_CURSOR)
    qs = bounded(queryset, ordering=ordering, direction=direction, boundary=boundary)
    if values:
        qs = qs.values_list(*values)
    fetched = list(qs[: size + 1])
    more = len(fetched) > size
    rows = fetched[:size]
    if id_of is None:
        id_of = (lambda row: row[-1]) if values else (lambda row: row.pk)
    if direction == AFTER:
        has_previous, has_next = cursor.key is not None, more
    else:
        rows.reverse()
        has_previous, has_next = more, cursor.key is not None
    number = cursor.number
    if not has_previous:
        number = 1  # the start of the list is page 1, whatever the cursor said
    return KeysetPage(rows, number, has_previous, has_next, [id_of(row) for row in rows])


def bounded(queryset, *, ordering: tuple[str, ...], direction: str, boundary) -> object:
    """The rows strictly after (or before) `boundary` (the sort key of a row, or None for
    the start / the end), in list order (reversed when reading backwards): one row
    comparison `(a, b, id) > (x, y, z)`, which PostgreSQL turns into an index range."""
    qs = queryset
    if boundary is not None:
        columns = Tuple(*(F(name) for name in ordering))
        lookup = TupleGreaterThan if direction == AFTER else TupleLessThan
        qs = qs.filter(lookup(columns, list(boundary)))
    order = ordering if direction == AFTER else tuple(f"-{name}" for name in ordering)
    return qs.order_by(*order)


def last_page_size(count: int, size: int) -> int:
    """Rows on the last numbered page, so that the last page read backwards from the end
    lines up with the page numbers."""
    return count - (max(1, -(-count // size)) - 1) * size if count else size
