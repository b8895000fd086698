"""Notifications: the bell in the app and, when MAIL_SERVER is set, e-mail.

A feature of its own rather than a part of reviews: people hear of a submission
(proposals), a review and a decision (reviews), a publication, and of the
reminders to come (events, yearly reports), so notifications listen to all of
them through app.core.signals and none of them imports notifications. Importing this
package connects its receivers (app.notifications.subscribers). The bell's
pages are still served by the reviews blueprint (/notifications) and read
app.notifications.services.
"""
from app.notifications import subscribers  # noqa: F401  (connects the signal receivers)
