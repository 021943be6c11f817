"""``flask notify send``: send the emails that are due (from cron or a systemd timer)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


@click.group("notify", help="Messages to people: send the emails that are due.")
def notify_cli() -> None:
    pass


@notify_cli.command("send", help="Record the reminders that are due and send every email "
                                 "that is due, each once; safe to run from cron every few "
                                 "minutes, on several hosts at once.")
@click.option("--limit", type=click.IntRange(1, 100000), default=500, show_default=True,
              help="At most this many emails in one run.")
@with_appcontext
def send_command(limit: int) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask import current_app

    from .. import mail
    from ..notifications import outbox, schedule

    today = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()
    recorded = schedule.schedule(today)
    click.echo(_("New messages: %(count)d", count=sum(recorded.values())))
    done = outbox.deliver_due(limit=limit)
    click.echo(_("Sent: %(sent)d, failed (to be retried): %(failed)d, given up: %(given_up)d",
                 sent=done.sent, failed=done.failed, given_up=done.given_up))
    if not mail.configured():
        click.echo(_("No mail server is set (ELEARN_MAIL_HOST): the emails were written to "
                     "the log."))
