"""Outgoing email through SMTP (``MAIL_*`` settings), or to the log when no
server is configured.

``send`` delivers one message or raises ``MailError``; it never decides whether
to retry (elearn/notifications/outbox.py records failures and retries them).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

log = logging.getLogger("elearn.mail")

SECURITY = ("starttls", "ssl", "none")


class MailError(RuntimeError):
    """The message could not be handed to the mail server (the reason is the text)."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


def configured() -> bool:
    return bool(current_app.config.get("MAIL_HOST"))


def build(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: plain text, with the HTML as an alternative."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = str(Address(display_name=name, addr_spec=address)) if name else address
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or "localhost")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def send(mail: Mail) -> None:
    """Hand ``mail`` to the configured SMTP server, or log it when there is none."""
    config = current_app.config
    message = build(mail, config["MAIL_SENDER"])
    if not configured():
        log.info("email not sent (no ELEARN_MAIL_HOST): to %s, subject %r\n%s",
                 mail.to, mail.subject, mail.text)
        return
    security = str(config["MAIL_SECURITY"]).lower()
    if security not in SECURITY:
        raise MailError(f"ELEARN_MAIL_SECURITY must be one of {', '.join(SECURITY)}, "
                        f"not {security!r}")
    host, port, timeout = config["MAIL_HOST"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["MAIL_USER"]:
                server.login(config["MAIL_USER"], config["MAIL_PASSWORD"])
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
