"""Which yearly cycle is the current one, and what day it is in the city."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Cycle


CITY_TIMEZONE = ZoneInfo("Asia/Jakarta")  # WIB: the days a cycle's submission window counts


def city_today() -> date:
    """Today's date in the city (WIB), whatever the server's clock zone."""
    return datetime.now(CITY_TIMEZONE).date()


def current_cycle(today: date | None = None) -> Cycle | None:
    """This year's cycle, else the newest one there is."""
    today = today or date.today()
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == today.year))
    if cycle is None:
        cycle = db.session.scalar(select(Cycle).order_by(Cycle.year.desc()).limit(1))
    return cycle
