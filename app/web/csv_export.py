"""Every CSV the app writes (open data, attendance) is written here, so that none of them can
carry a formula into the spreadsheet of whoever opens it.

Spreadsheet programs run a cell that starts with = + - @ as a formula, and some trim a
leading tab or carriage return first: a title such as =HYPERLINK("http://…") becomes a link, and
worse. Such text is written with a leading apostrophe, which the programs show as text.
Numbers are written as they are: a number is not a formula.
"""
import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """One value as a CSV cell: None is empty, text that would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Iterable], *, bom: bool = False) -> str:
    """A whole CSV document: the header row, then each row's cells; lines end in CRLF (RFC 4180).

    With `bom`, it starts with a byte order mark so that Excel reads UTF-8 names correctly.
    """
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(title) for title in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()
