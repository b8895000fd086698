"""The attendance list of an event as an XLSX workbook, like the lab's other reports."""
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from app.core.labels import label
from app.models import Event, Registration
from app.web.xlsx import append_row, city_time, header_row


def attendance_workbook(event: Event, registrations: list[Registration]) -> BytesIO:
    """One sheet: each registered or attending person (agency, status, times in WIB)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Daftar hadir")
    header_row(sheet, [
        _("No."), _("Nama"), _("Email"), _("Perangkat daerah"), _("Status"),
        _("Terdaftar (WIB)"), _("Hadir (WIB)"),
    ])
    for number, registration in enumerate(registrations, start=1):
        person = registration.user
        append_row(sheet, [
            number, person.name, person.email, person.agency.name if person.agency else None,
            label("registration_status", registration.status),
            city_time(registration.created_at), city_time(registration.attended_at),
        ])
    stream = BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream
