"""Bars for the dashboards: plain HTML (a table of the figures, each with a bar), no script,
no external resource."""

from territories.enums import Voie


def voie_label(value) -> str:
    return Voie(value).label if value in Voie.values else (value or "Voie non renseignée")


def bars(rows: list[dict], *, measure: str, label) -> list[dict]:
    """Rows from indicators.present() as bars of `measure` (a rate in %), scaled to the largest."""
    values = [r["valeurs"].get(measure) for r in rows]
    top = max((v for v in values if v is not None), default=0) or 1
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
