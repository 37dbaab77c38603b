"""Streaming CSV that spreadsheets cannot turn into formulas."""

import csv
from collections.abc import Iterable, Iterator

# A cell starting with one of these is read as a formula by Excel / LibreOffice (OWASP
# "CSV injection"); prefixing a quote makes it plain text.
FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTERS):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable], *, batch: int = 500) -> Iterator[str]:
    """Yield the CSV text in batches of lines (BOM first, so Excel reads UTF-8; `;` as the
    separator, as French spreadsheets expect)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    buffer = []
    for row in rows:
        buffer.append(writer.writerow([safe_cell(v) for v in row]))
        if len(buffer) >= batch:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)
