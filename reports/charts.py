"""Bars for the dashboards: plain HTML (a table of the figures, each with a bar), no script,
no external resource."""

from students.enums import Level
from territories.enums import Voie

NARROW_NBSP = "\u202f"  # between thousands, as French typography writes "16 019"
NBSP = "\u00a0"  # before "%": the rate and its sign never part at a line break


def voie_label(value) -> str:
    return Voie(value).label if value in Voie.values else (value or "Voie non renseignée")


def level_label(value) -> str:
    return Level(value).label if value in Level.values else (value or "Niveau non renseigné")


def school_year_label(year) -> str:
    return f"{year}-{year + 1}" if year else "Toutes les années"


def format_count(value) -> str:
    """16019 → "16 019" (narrow no-break space between thousands)."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def format_rate(value, digits: int = 1) -> str:
    """1.25 → "1,3 %" with a decimal comma and a no-break space before the sign."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")
    return f"{text}{NBSP}%"


def common_scale(*row_lists, measure: str) -> float:
    """The largest `measure` across several lists of rows: bars drawn side by side (network
    and académie) share it, so equal rates have equal lengths."""
    values = [r["valeurs"].get(measure) for rows in row_lists for r in rows]
    return max((v for v in values if v is not None), default=0) or 1


def bars(rows: list[dict], *, measure: str, label, top: float | None = None) -> list[dict]:
    """Rows from indicators.present() as bars of `measure` (a rate in %), scaled to `top`
    (by default the largest of these rows)."""
    values = [r["valeurs"].get(measure) for r in rows]
    top = top or common_scale(rows, measure=measure)
    out = []
    for row, value in zip(rows, values, strict=True):
        out.append(
            {
                "label": label(row),
                "value": value,
                "masked": value is None and measure in row["masquees"],
                "width": 0 if value is None else max(1, round(100 * value / top)),
                "row": row,
            }
        )
    return out
