"""Which yearly cycle is the current one, and what day it is in the city."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.extensions import db
from app.models import Cycle

CITY_TIMEZONE = ZoneInfo("Asia/Jakarta")  # WIB: the days a cycle's submission window counts


def city_today() -> date:
    """Today's date in the city (WIB), whatever the server's clock zone."""
    return datetime.now(CITY_TIMEZONE).date()


def cycle_of_year(year: int) -> Cycle | None:
    """The cycle of a year, if there is one (views answer 404 without it)."""
    return db.session.scalar(select(Cycle).where(Cycle.year == year))


def current_cycle(today: date | None = None) -> Cycle | None:
    """This year's cycle (the year in the city), else the newest one there is."""
    cycle = cycle_of_year((today or city_today()).year)
    if cycle is None:
        cycle = db.session.scalar(select(Cycle).order_by(Cycle.year.desc()).limit(1))
    return cycle
