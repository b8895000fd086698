"""Small helpers shared by the XLSX exports (annual report, maturity evidence)."""
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def append_row(sheet, values) -> None:
    """Append a row; text starting with "=" stays text (openpyxl would store a formula)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def header_row(sheet, titles) -> None:
    """A bold, frozen first row with columns wide enough for their titles."""
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(48, len(title) + 4))
