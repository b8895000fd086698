"""Small helpers shared by the XLSX exports (annual report, maturity evidence, attendance)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CITY_TIMEZONE = ZoneInfo("Asia/Jakarta")
# Day first, as Indonesians write dates; the spreadsheet shows its own decimal mark for numbers.
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DECIMAL_FORMAT = "#,##0.00"


def city_time(value: datetime | None) -> datetime | None:
    """A stored (UTC) time as the city's wall-clock time (WIB) for a cell: XLSX has no time zones."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(CITY_TIMEZONE).replace(tzinfo=None)


def append_row(sheet, values) -> None:
    """Append a row; text starting with "=" stays text (openpyxl would store a formula);
    times show day first with hours and minutes."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        elif isinstance(cell.value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(cell.value, float):
            # a number, not text: the spreadsheet shows it with its reader's decimal mark
            cell.number_format = DECIMAL_FORMAT


def header_width(title: str) -> float:
    """The width of a column for its title: the title and a margin, between 12 and 48 characters."""
    return max(12, min(48, len(title) + 4))


def header_row(sheet, titles) -> None:
    """A bold, frozen first row with columns wide enough for their titles."""
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = header_width(title)
