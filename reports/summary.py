"""Precomputed steering figures: the dropout indicator kept in `DropoutCell` rows.

A full refresh rewrites every cell with one INSERT … SELECT (the live GROUP BY of the
indicator engine); an incremental one rewrites only the (school, school year) cells whose
enrolments changed since the last refresh — read from the enrolments' history — and those of
every enrolment of the pupils concerned (a new enrolment changes whether an earlier exit
was a dropout), plus the pupils whose exam results changed. The secondary suppression of
small cells is computed on the new figures in the same transaction.
"""

import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from . import conf
from .indicators import DROPOUTS, dropout_q
from .models import DropoutCell, IndicatorRefresh
from .suppression import Lattice, secondary_masks

CELL_COLUMNS = ("school_id", "school_year", "voie", "level")
MASKS_CACHE_KEY = "reports:secondary-masks:{family}:{stamp}"


def live_cells(enrolments):
    """The indicator's finest cells, computed live over `enrolments` (a QuerySet)."""
    return (
        enrolments.order_by()
        .values(*CELL_COLUMNS)
        .annotate(effectif=Count("pk"), decrocheurs=Count("pk", filter=dropout_q()))
    )


def _insert_from(enrolments) -> int:
    sql, params = live_cells(enrolments).query.sql_with_params()
    table = DropoutCell._meta.db_table
    columns = ", ".join((*CELL_COLUMNS, "effectif", "decrocheurs"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608
        return cursor.rowcount


def _changed_cells(since) -> set[tuple[int, int]]:
    """(school, school year) cells whose figures may have changed since `since`."""
    from dossiers.models import ExamResult
    from students.models import Enrolment

    history = Enrolment.history.filter(history_date__gt=since)
    cells = set(history.values_list("school_id", "school_year").distinct())
    pupils = set(history.values_list("student_id", flat=True).distinct())
    result_fields = {f.name for f in ExamResult._meta.get_fields()}
    stamp = next((f for f in ("updated_at", "created_at") if f in result_fields), None)
    if stamp:
        pupils |= set(
            ExamResult.objects.filter(**{f"{stamp}__gt": since})
            .values_list("student_id", flat=True)
            .distinct()
        )
    if pupils:
        cells |= set(
            Enrolment.objects.filter(student_id__in=pupils)
            .values_list("school_id", "school_year")
            .distinct()
        )
    return cells


def refresh_dropouts(*, full: bool = False) -> IndicatorRefresh:
    """Bring the precomputed dropout figures up to date; returns the refresh record."""
    from students.models import Enrolment

    started = time.monotonic()
    now = timezone.now()
    with transaction.atomic():
        # One refresh at a time: the row lock queues a concurrent one behind this one.
        state, _ = IndicatorRefresh.objects.select_for_update().get_or_create(
            family=DROPOUTS.slug, defaults={"refreshed_at": now, "full": True}
        )
        incremental = not full and DropoutCell.objects.exists()
        if incremental:
            cells = _changed_cells(state.refreshed_at)
            rewritten = 0
            for school_id, years in _by_school(cells).items():
                DropoutCell.objects.filter(school_id=school_id, school_year__in=years).delete()
                rewritten += _insert_from(
                    Enrolment.objects.filter(school_id=school_id, school_year__in=years)
                )
        else:
            DropoutCell.objects.all().delete()
            rewritten = _insert_from(Enrolment.objects.all())
        state.refreshed_at = now
        state.full = not incremental
        state.cells_rewritten = rewritten
        state.secondary_masks = compute_masks()
        state.duration_ms = int((time.monotonic() - started) * 1000)
        state.save()
    return state


def _by_school(cells) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for school_id, year in cells:
        out.setdefault(school_id, []).append(year)
    return out


def compute_masks() -> list[str]:
    """Secondary suppression over every académie's lattice, from the precomputed cells."""
    from territories.models import Etablissement

    schools = {
        s["id"]: {
            "etablissement": s["uai"],
            "bassin": s["bassin__code"],
            "departement": s["departement__code"],
            "academie": s["departement__academie__code"],
        }
        for s in Etablissement.objects.values(
            "id", "uai", "bassin__code", "departement__code", "departement__academie__code"
        )
    }
    networks: dict[int, list[str]] = {}
    for school_id, network in Etablissement.objects.filter(
        foquale_networks__isnull=False
    ).values_list("id", "foquale_networks__public_id"):
        networks.setdefault(school_id, []).append(str(network))
    lattice = Lattice(["effectif", "decrocheurs"])
    for cell in DropoutCell.objects.values(*CELL_COLUMNS, "effectif", "decrocheurs").iterator(
        chunk_size=5000
    ):
        lattice.add_cell(
            schools[cell["school_id"]],
            networks.get(cell["school_id"], ()),
            (cell["voie"], cell["level"], cell["school_year"]),
            cell,
        )
    return secondary_masks(lattice, conf.mask_threshold())


def latest_refresh(family_slug: str = DROPOUTS.slug) -> IndicatorRefresh | None:
    return (
        IndicatorRefresh.objects.filter(family=family_slug)
        .only("family", "refreshed_at", "full")
        .first()
    )


def masks_for(refresh: IndicatorRefresh | None) -> frozenset[str]:
    """The secondary masks of a refresh, cached (they change only when figures change)."""
    if refresh is None:
        return frozenset()
    key = MASKS_CACHE_KEY.format(family=refresh.family, stamp=refresh.refreshed_at.timestamp())
    masks = cache.get(key)
    if masks is None:
        masks = frozenset(
            IndicatorRefresh.objects.filter(pk=refresh.pk).values_list(
                "secondary_masks", flat=True
            )[0]
        )
        cache.set(key, masks, 24 * 3600)
    return masks
