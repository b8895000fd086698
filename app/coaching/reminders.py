"""Reminders of overdue action items (DESIGN §11): the owner of an open action item hears of it
the first day it is past due, once (signals.reminders_due; sent once by
app.notifications.reminders). Moving the due date makes a new reminder possible when the new
date passes too: the date is part of the key."""
from datetime import date

from app.coaching.services import overdue_action_items
from app.core import signals
from app.core.i18n import N_
from app.core.messages import day, stored

OVERDUE = N_("Tindak lanjut \u201c%(what)s\u201d dari pendampingan %(agency)s lewat tenggat %(due)s. "
             "Tandai selesai bila sudah dikerjakan.")


@signals.reminders_due.connect
def action_item_reminders(today: date, **extra) -> list[signals.Reminder]:
    """One reminder per open action item due before `today`, to its owner."""
    return [signals.Reminder(f"action-overdue:{item.id}:{item.due_on.isoformat()}", [item.owner],
                             stored(OVERDUE, what=item.what, agency=item.session.agency.name, due=day(item.due_on)),
                             f"/coaching/sessions/{item.session_id}")  # site-relative, as e-mail links are built from it
            for item in overdue_action_items(today)]
