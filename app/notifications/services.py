"""Notifications: in-app rows (the bell), and e-mail when MAIL_SERVER is set.

The in-app notification is written in the caller's transaction. Each person chose how
their notifications reach their mailbox (User.email_frequency): those who chose immediate
get one e-mail per notification, at once; the daily and weekly digests of the others are
gathered by `send-reminders` (app.notifications.reminders); none gets no e-mail. Every
notification e-mail is the recipient's own, with their unsubscribe link. E-mail waits in
the session's outbox and is sent only once that transaction commits (a
rolled-back change mails nobody); a mail failure is logged and never touches
the in-app notification, which is already committed by then.
"""
import logging
import smtplib
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, event, func, inspect, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.extensions import db
from app.core.i18n import DEFAULT_LANGUAGE
from app.core.labels import label
from app.core.messages import StoredText
from app.models import EMAIL_FREQUENCIES, Notification, Proposal, User
from app.models._types import utcnow
from app.notifications import unsubscribe
from app.web.urls import site_root

log = logging.getLogger(__name__)
OUTBOX = "apusida_outbox"


@dataclass
class Mail:
    recipients: list[str]
    subject: str
    body: str
    server: str
    port: int
    sender: str
    # The in-app rows this message goes with: the log names them, never the text.
    notifications: list[Notification] = field(default_factory=list)
    # Extra header lines (List-Unsubscribe), cleaned like the subject.
    headers: dict[str, str] = field(default_factory=dict)

    def notification_ids(self) -> str:
        # Read from each row's identity, which needs no query after the commit expired the rows.
        keys = (inspect(row).identity for row in self.notifications)
        return ", ".join(str(key[0]) for key in keys if key) or "-"


SUBJECT_MAX = 150
HEADER_MAX = 900  # a List-Unsubscribe link with its token, well inside a header line's 998
ADDRESS_MAX = 254  # the longest an e-mail address can be (RFC 5321)


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """Text made fit for one e-mail header line: line breaks (CR, LF, U+2028 ...),
    control and invisible format characters become spaces, runs of spaces
    become one, and a text longer than `limit` is cut with an ellipsis.
    Non-ASCII letters stay; EmailMessage encodes them."""
    spaced = "".join(" " if unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp")
                     else char for char in str(value))
    text = " ".join(spaced.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _address(value: str) -> str | None:
    """An address fit for From or To, or None: one without spaces, breaks or control characters."""
    address = header_text(value, ADDRESS_MAX + 1)
    return address if address and " " not in address and "@" in address and len(address) <= ADDRESS_MAX else None


def build_message(mail: Mail) -> EmailMessage:
    """The e-mail of one Mail, its headers cleaned (a title may hold anything a form accepts)."""
    sender = _address(mail.sender) or "apusida@localhost"
    recipients = [address for address in map(_address, mail.recipients) if address]
    if not recipients:
        raise ValueError("no usable recipient address")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = header_text(mail.subject) or "Apusida"
    for name, value in mail.headers.items():
        message[name] = header_text(value, HEADER_MAX)
    # The body keeps its line breaks; a stray surrogate (no valid text has one) becomes "?".
    message.set_content(mail.body.encode("utf-8", "replace").decode("utf-8"))
    return message


def proposal_link(proposal: Proposal) -> str:
    """The internal proposal page (DESIGN §4 path), relative to the site."""
    return f"/proposals/{proposal.id}"


def mail_enabled() -> bool:
    """Whether this server sends e-mail (MAIL_SERVER is set)."""
    return bool(has_app_context() and current_app.config.get("MAIL_SERVER"))


def queue_mail(recipients: list[str], subject: str, body: str,
               notifications: list[Notification] | None = None, footer: str = "",
               headers: dict[str, str] | None = None) -> bool:
    """Queue one e-mail, sent once the transaction commits (never on a rollback);
    False, and nothing queued, when mail is off. The body gets the site's signature
    in the current language, and `footer` under it."""
    if not recipients or not mail_enabled():
        return False
    config = current_app.config
    db.session.info.setdefault(OUTBOX, []).append(Mail(
        recipients=sorted(recipients), subject=subject,
        body=body + "\n\n-- \n" + _("Apusida, Laboratorium Inovasi Kota Probolinggo") + (f"\n{footer}" if footer else ""),
        server=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 25),
        sender=config.get("MAIL_SENDER") or "apusida@localhost",
        notifications=notifications or [], headers=headers or {},
    ))
    return True


def queue_personal_mail(user: User, subject: str, body: str, notifications: list[Notification]) -> bool:
    """Queue a notification e-mail (one notification, or a digest) to `user` alone, with the
    links to change their e-mail choice and to stop these e-mails without logging in, and the
    List-Unsubscribe header pointing at that page. Written in the current language."""
    stop = unsubscribe.unsubscribe_link(user)
    footer = _("Anda menerima email ini karena memilih \u201c%(choice)s\u201d untuk email pemberitahuan.\n"
               "Ubah pilihan: %(account)s\nBerhenti menerima email: %(stop)s",
               choice=label("email_frequency", user.email_frequency), account=unsubscribe.account_link(), stop=stop)
    return queue_mail([user.email], subject, body, notifications=notifications, footer=footer,
                      headers={"List-Unsubscribe": f"<{stop}>"})


def full_link(link: str) -> str:
    """A notification's site-relative link as an absolute one on the configured host (app.web.urls)."""
    return f"{site_root()}{link or '/notifications'}"


def notify(users, message: StoredText | str, link: str = "", subject: str | None = None) -> list[Notification]:
    """Notify each active user once in the app, and queue an e-mail to each who chose
    immediate e-mail (their notification is then marked mailed; the others wait for
    their digest, or for none).

    `message` is a StoredText (app.core.messages): the bell shows it in each
    reader's language. Plain text is kept as it is (shown alike in both languages).
    The e-mail is written in the default language, Indonesian: the recipients'
    choice of language lives in their own sessions, not here."""
    unique = {user.id: user for user in users if user is not None and user.active}
    rows = [Notification.written(user.id, message, link) for user in unique.values()]
    db.session.add_all(rows)
    if has_request_context() and current_user.is_authenticated and current_user.id in unique:
        g.bell_changed = True  # the person acting notified themselves too (bell_changed())
    if rows and mail_enabled():
        text = rows[0].message  # the Indonesian rendering
        body = text + (f"\n\n{full_link(link)}" if link else "")  # the configured host, never the request's
        mailed = utcnow()
        with force_locale(DEFAULT_LANGUAGE):
            for user, row in zip(unique.values(), rows):
                if (user.email_frequency or "immediate") == "immediate" and queue_personal_mail(user, subject or text, body, [row]):
                    row.mailed_at = mailed
    return rows


def set_email_frequency(user: User, frequency: str, actor: User | None = None) -> bool:
    """Set how `user`'s notifications reach their mailbox (one of EMAIL_FREQUENCIES); audited.
    Returns whether it changed. `actor` is who chose (the person themselves, logged in or by
    their unsubscribe link)."""
    if frequency not in EMAIL_FREQUENCIES:
        raise ValueError(f"unknown e-mail frequency {frequency!r}")
    old = user.email_frequency
    if old == frequency:
        return False
    user.email_frequency = frequency
    audit.record("email_frequency_changed", target=user, summary=user.email, actor=actor or user, old=old,
                 new=frequency)
    return True


def deliver(mail: Mail) -> bool:
    """Build and send one message; on any failure log it (by notification id,
    never the text) and return False. It runs after the person's change was
    committed, so nothing here may raise into their request."""
    try:
        message = build_message(mail)
    except Exception:
        log.exception("Notification e-mail for notification(s) %s could not be built", mail.notification_ids())
        return False
    try:
        with smtplib.SMTP(mail.server, mail.port, timeout=10) as smtp:
            smtp.send_message(message)
    except Exception:
        log.exception("Notification e-mail for notification(s) %s failed to send", mail.notification_ids())
        return False
    return True


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    # Releasing a savepoint also fires after_commit: only the real commit sends.
    if session.in_nested_transaction():
        return
    for mail in session.info.pop(OUTBOX, None) or []:
        deliver(mail)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:
    # The whole transaction was rolled back (not just a savepoint): its mail must not go.
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX, None)


# --- reading -------------------------------------------------------------------------

# Built once: the layout shows this count on every page of a person who is logged in.
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def bell_changed() -> bool:
    """Whether this request notified the person making it, so their bell's count changed
    (an admin deciding on their own agency's proposal). Most actions (a vote, a comment)
    notify others only, and their answers need not count the bell again."""
    return bool(g.get("bell_changed"))


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    return db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())).rowcount
