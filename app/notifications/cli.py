"""`flask --app wsgi send-reminders` (DESIGN §5, §11): for cron or a systemd timer (README)."""
import click

from app.core.cycles import city_today
from app.notifications import reminders


@click.command("send-reminders")
@click.option("--date", "on_day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today (in the city, WIB) were this day, YYYY-MM-DD; for a run that was missed.")
def send_reminders(on_day):
    """Send the reminders due today and the daily and weekly e-mail digests; each only once,
    however often it runs and on however many servers at once."""
    today = on_day.date() if on_day else city_today()
    outcome = reminders.run(today)
    for kind, count in sorted(outcome.sent.items()):
        click.echo(f"{kind}: {count}")
    click.echo(f"Sent {outcome.total} for {today.isoformat()}; {outcome.failed} failed (see the log).")
