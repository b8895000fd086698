"""iCalendar (RFC 5545) files of lab events, made with the `icalendar` library.

Times are written in Asia/Jakarta with its VTIMEZONE, so calendar applications
show WIB wall-clock times wherever the reader is. UIDs are stable
(event-<id>@apusida) and SEQUENCE grows with each change, so a re-import
updates the copy instead of adding a second one.
"""
from datetime import date, datetime

import icalendar

from app.events.services import JAKARTA
from app.models import Event
from app.models._types import utcnow
from app.web.urls import absolute_url

PRODID = "-//Bappeda Litbang Kota Probolinggo//Apusida Laboratorium Inovasi//ID"
TZID = "Asia/Jakarta"


def event_uid(event: Event) -> str:
    return f"event-{event.id}@apusida"


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at.astimezone(JAKARTA))
    component.add("dtend", event.ends_at.astimezone(JAKARTA))
    component.add("summary", event.title)
    if event.place:
        component.add("location", event.place)
    if event.description:
        component.add("description", event.description)
    component.add("url", absolute_url("events.detail", event_id=event.id))
    component.add("sequence", event.sequence or 0)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("class", "PUBLIC" if event.is_public else "PRIVATE")
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at or event.created_at)
    return component


def build_calendar(events: list[Event], name: str) -> bytes:
    """A VCALENDAR with the Asia/Jakarta VTIMEZONE and one VEVENT per event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    # Jakarta has kept UTC+7 since 1964: a short definition from 2000 is exact.
    calendar.add_component(icalendar.Timezone.from_tzid(TZID, first_date=date(2000, 1, 1)))
    stamp = utcnow()
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    return calendar.to_ical()
