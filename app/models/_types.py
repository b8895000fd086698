"""Small helpers shared by the model modules."""
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, Column, DateTime, String, Table, Text, event
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

# Key in a column's `info` holding the most characters the column accepts.
MAX_LENGTH = "max_length"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def enum_check(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A CHECK constraint that keeps an enum-like text column to its codes."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def typed_text(limit: int, **kwargs):
    """A column of text people type, of at most `limit` characters.

    The one place a text's limit is set: forms read it from the column's info
    (app.web.inputs.text_limit) and say it under the label, and the table gets a
    CHECK on length(), which SQLite and PostgreSQL both count in characters,
    so whatever bypasses a form (an HTMX action, the command line) cannot store
    more either; SQLite ignores a VARCHAR's length, the check does not. Short
    limits are VARCHARs, longer ones TEXT."""
    return mapped_column(String(limit) if limit <= 255 else Text, info={MAX_LENGTH: limit}, **kwargs)


@event.listens_for(Column, "after_parent_attach")
def _check_typed_text_length(column: Column, table) -> None:
    limit = column.info.get(MAX_LENGTH)
    if limit is not None and isinstance(table, Table):
        table.append_constraint(CheckConstraint(f"length({column.name}) <= {limit}", name=f"{column.name}_length"))
