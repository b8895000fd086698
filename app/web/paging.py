"""A page of results and their total from one query.

Flask-SQLAlchemy's paginate() runs the filtered query twice: once for the
page, once to count. Where the filter is costly (a full-text search over
thousands of proposals), the total rides along instead as a window function,
``count(*) OVER ()``, computed over the rows the database matches for the
page anyway. Where many rows match cheaply (a list without a search), a
separate count is better: the window makes the database find and sort every
match before it cuts the page.
"""
import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from app.core.extensions import db
from app.web.inputs import page_number


@dataclass
class Page:
    """What the pagination macro and list templates read (as Flask-SQLAlchemy's Pagination)."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate(stmt: Select, per_page: int, as_rows: bool = False, total: Select | None = None) -> Page:
    """The page named by ?page= (1 if missing or invalid) of an ORM select of one entity,
    or, with `as_rows`, of a select of columns (the items are then its rows).

    The total rides along with the page (one query) unless `total`, a select
    of the count, is given."""
    number = page_number()
    limited = stmt.limit(per_page).offset((number - 1) * per_page)
    if total is None:
        limited = limited.add_columns(func.count().over().label("total"))
    rows = db.session.execute(limited).all()
    items = rows if as_rows else [row[0] for row in rows]
    if total is not None:
        count = db.session.scalar(total) or 0
    elif rows:
        count = rows[0].total
    else:
        # Past the last page (or nothing matched): the total needs a query of its own.
        count = 0 if number == 1 else db.session.scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery()))
    return Page(items=items, total=count, page=number, per_page=per_page)
