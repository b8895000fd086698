"""In-app notifications (the bell)."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db
from app.core.messages import render
from app.models._types import UTCDateTime, utcnow


class Notification(db.Model):
    """One line of a person's bell.

    `message_key` and `message_params` are the text as written (an Indonesian
    msgid and its parameters, app.core.messages), translated when it is shown;
    `message` is its Indonesian rendering, and the only text of rows written
    before keys were kept or by code that passes plain text."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    message_key: Mapped[Optional[str]] = mapped_column(Text)
    message_params: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # When it left by e-mail: at once for those who chose immediate mail, or in a digest
    # (app.notifications.reminders); None while it waits for one, or for whoever chose none.
    mailed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @property
    def text(self) -> str:
        """The message in the reader's language (the stored text when it has no key)."""
        if not self.message_key:
            return self.message
        return render(self.message_key, self.message_params, fallback=self.message)

    @classmethod
    def written(cls, user_id: int, message, link: str = "") -> "Notification":
        """A row for `message`: a StoredText (kept as key and parameters) or plain text."""
        key = getattr(message, "key", None)
        if key is None:
            return cls(user_id=user_id, message=str(message), link=link)
        return cls(user_id=user_id, message=message.indonesian(), message_key=key,
                   message_params=dict(message.params), link=link)


class ReminderSent(db.Model):
    """A reminder or digest that was sent, under its unique key ("below-target:7d:<cycle>:<agency>",
    "digest:daily:<day>:<user>"...): `send-reminders` claims the key with an INSERT the unique
    constraint guards, in the transaction of the notifications it writes, so a second run, or a
    second server running at the same moment, sends nothing again (app.notifications.reminders)."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # The one person a per-person reminder or digest went to; None when it went to several.
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
