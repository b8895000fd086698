"""Due reminders and e-mail digests: what `flask --app wsgi send-reminders` does (DESIGN §11).

Reminders: each feature says what is due today through signals.reminders_due (agencies below
target, reviews near or past their deadline, missing yearly reports; the coaching feature's
overdue action items), each a signals.Reminder under a unique key. Digests: the notifications
of the people who chose daily or weekly e-mail, gathered in one message per person and period.

Each is sent once. Its key is claimed by an INSERT into reminder_sent that does nothing when the
key is there already (the unique constraint decides, so two servers running at the same moment
cannot both win), in the same transaction as the notifications it writes (or the notifications
it marks mailed), committed one reminder at a time; the e-mail leaves after that commit
(app.notifications.services). A reminder that fails is rolled back, logged and counted, and the
others go on. When its e-mail fails after the commit, the reminder counts as sent (logged): the
bell holds it. Nothing is sent to nobody: a reminder whose people are all inactive claims no key.

Periods of the digests, in the city's days (WIB): a daily digest holds the notifications of the
day before; a weekly one those of the week before (Monday to Sunday), sent by the first run of
the week (Monday, for a daily timer). Only notifications not mailed yet go in: one mailed at once,
before the person switched, is not repeated.
"""
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import force_locale, format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core import signals
from app.core.cycles import CITY_TIMEZONE, city_today
from app.core.extensions import db
from app.core.i18n import DEFAULT_LANGUAGE
from app.models import Notification, ReminderSent, User
from app.models._types import utcnow
from app.notifications.services import full_link, mail_enabled, notify, queue_personal_mail

log = logging.getLogger(__name__)

DIGEST_FREQUENCIES = ("daily", "weekly")


@dataclass
class Outcome:
    """What one run sent, by kind (the key's first part), and how many failed."""

    sent: Counter = field(default_factory=Counter)
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def claim(key: str, kind: str, user_id: int | None = None, recipients: int = 0) -> bool:
    """Record `key` as sent, in the current transaction; False when it was recorded before
    (by an earlier run, or by another server's run that committed it meanwhile: on PostgreSQL
    the INSERT waits for that transaction and then does nothing). RETURNING tells which
    happened (rowcount is not reliable for it on every driver)."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    table = ReminderSent.__table__
    statement = (insert(table).values(key=key, kind=kind, user_id=user_id, recipients=recipients, sent_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
    return db.session.execute(statement).first() is not None


def due_reminders(today: date, outcome: Outcome) -> list[signals.Reminder]:
    """Every feature's reminders due today, each key once. A receiver that fails is logged and
    counted; the others still answer."""
    found: dict[str, signals.Reminder] = {}
    for receiver in list(signals.reminders_due.receivers_for(today)):
        try:
            reminders = receiver(today) or []
        except Exception:
            db.session.rollback()
            log.exception("Reminders of %s could not be collected", getattr(receiver, "__qualname__", receiver))
            outcome.failed += 1
            continue
        for reminder in reminders:
            found.setdefault(reminder.key, reminder)
    return list(found.values())


def send_reminder(reminder: signals.Reminder) -> bool:
    """Claim the reminder's key and notify its active people, in the current transaction;
    False (nothing written) when it was sent before or nobody is left to tell."""
    people = list({user.id: user for user in reminder.users if user is not None and user.active}.values())
    if not people:
        return False
    if not claim(reminder.key, reminder.kind, people[0].id if len(people) == 1 else None, len(people)):
        return False
    notify(people, reminder.message, reminder.link)
    return True


def send_reminders(today: date | None = None, outcome: Outcome | None = None) -> Outcome:
    """Send every reminder due today that was not sent before, committing each on its own."""
    today = today or city_today()
    outcome = outcome or Outcome()
    for reminder in due_reminders(today, outcome):
        try:
            sent = send_reminder(reminder)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Reminder %s could not be sent", reminder.key)
            outcome.failed += 1
            continue
        if sent:
            outcome.sent[reminder.kind] += 1
    return outcome


# --- digests -----------------------------------------------------------------------

def digest_period(frequency: str, today: date) -> tuple[date, date]:
    """(first day, day after the last) of the period a digest sent `today` gathers, in city days."""
    if frequency == "daily":
        return today - timedelta(days=1), today
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday


def _city_midnight(day: date) -> datetime:
    """The start of a city day (WIB) as a UTC time, as notifications' times are stored."""
    return datetime.combine(day, time.min, tzinfo=CITY_TIMEZONE).astimezone(timezone.utc)


def _period_words(frequency: str, first: date, end: date) -> str:
    if frequency == "daily":
        return _("tanggal %(day)s", day=format_date(first, "long"))
    return _("pekan %(first)s sampai %(last)s", first=format_date(first, "long"),
             last=format_date(end - timedelta(days=1), "long"))


def queue_digest(user: User, frequency: str, first: date, end: date, notes: list[Notification]) -> bool:
    """Queue the one e-mail of `user`'s digest: a subject with the count, a line per notification
    with its time and full link. In the default language, like every notification e-mail."""
    with force_locale(DEFAULT_LANGUAGE):
        period = _period_words(frequency, first, end)
        subject = ngettext("Apusida: %(num)d pemberitahuan, %(period)s", "Apusida: %(num)d pemberitahuan, %(period)s",
                           len(notes), period=period)
        lines = [_("Halo %(name)s,", name=user.name), "",
                 _("Ringkasan pemberitahuan Apusida Anda, %(period)s:", period=period), ""]
        for note in notes:
            when = format_datetime(note.created_at, "short")
            lines += [f"- {when} \u2014 {note.text}", f"  {full_link(note.link)}", ""]
        return queue_personal_mail(user, subject, "\n".join(lines).rstrip(), notes)


def send_digests(today: date | None = None, outcome: Outcome | None = None) -> Outcome:
    """Mail each daily or weekly person their period's notifications not mailed yet, one message
    each, once (the key "digest-<frequency>:<first day>:<user id>"). Nothing when mail is off:
    the notifications wait, still unmailed, in the bell."""
    today = today or city_today()
    outcome = outcome or Outcome()
    if not mail_enabled():
        return outcome
    for frequency in DIGEST_FREQUENCIES:
        first, end = digest_period(frequency, today)
        rows = db.session.execute(
            select(User.id, Notification.id).join(Notification, Notification.user_id == User.id)
            .where(User.email_frequency == frequency, User.active.is_(True), Notification.mailed_at.is_(None),
                   Notification.created_at >= _city_midnight(first), Notification.created_at < _city_midnight(end))
            .order_by(User.id, Notification.created_at, Notification.id)).all()
        by_user: dict[int, list[int]] = {}
        for user_id, note_id in rows:
            by_user.setdefault(user_id, []).append(note_id)
        kind = f"digest-{frequency}"
        for user_id, note_ids in by_user.items():
            try:
                sent = claim(f"{kind}:{first.isoformat()}:{user_id}", kind, user_id, 1)
                if sent:
                    user = db.session.get(User, user_id)
                    notes = db.session.scalars(select(Notification).where(Notification.id.in_(note_ids))
                                               .order_by(Notification.created_at, Notification.id)).all()
                    mailed = utcnow()
                    for note in notes:
                        note.mailed_at = mailed
                    queue_digest(user, frequency, first, end, list(notes))
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("The %s digest of user %s could not be sent", frequency, user_id)
                outcome.failed += 1
                continue
            if sent:
                outcome.sent[kind] += 1
    return outcome


def run(today: date | None = None) -> Outcome:
    """The whole of `send-reminders`: the due reminders, then the digests."""
    today = today or city_today()
    outcome = send_reminders(today)
    return send_digests(today, outcome)
