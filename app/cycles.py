"""Which yearly cycle is the current one."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Cycle


def current_cycle(today: date | None = None) -> Cycle | None:
    """This year's cycle, else the newest one there is."""
    today = today or date.today()
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == today.year))
    if cycle is None:
        cycle = db.session.scalar(select(Cycle).order_by(Cycle.year.desc()).limit(1))
    return cycle
