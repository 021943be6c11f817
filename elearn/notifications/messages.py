"""What each kind of message says, in its reader's language: in the app and by email.

Every kind is registered here with whether a person may turn it off and a
function that writes its ``Content`` (a title, paragraphs and maybe one link) from
the row's ``data``, in the language of the moment. Emails are written when they
are sent, from one pair of templates (``templates/email/message.txt`` and
``.html``), in the person's language (the site's default when they chose none),
with links to ``PUBLIC_URL`` (never to the address a request came in on); the
app's list writes the same content with links inside the site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import LANGUAGES, date_filter, datetime_filter
from ..mail import Mail
from ..models import Certificate, Course, Notification, User
from ..vocabulary import NOTIFICATION_KIND_LABELS


class NothingToSend(Exception):  # noqa: N818 - a state, not a failure
    """This message has nothing to show or email (no address, a course deleted since)."""


@dataclass
class Content:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    #: (label, address) of the one thing to do.
    action: tuple[str, str] | None = None


@dataclass(frozen=True)
class Kind:
    #: Also its label's key (``vocabulary.NOTIFICATION_KIND_LABELS``).
    name: str
    #: May the person turn it off (security notices may not).
    optional: bool
    #: Listed in the app (a reset link is for email only).
    in_app: bool
    write: Callable[[Notification, User], Content]


KINDS: dict[str, Kind] = {}


def kind(name: str, *, optional: bool, in_app: bool = True):
    if name not in NOTIFICATION_KIND_LABELS:
        raise ValueError(f"give the kind {name!r} a label in elearn/vocabulary.py")

    def register(function):
        KINDS[name] = Kind(name, optional, in_app, function)
        return function

    return register


def optional_kinds() -> list[Kind]:
    return [k for k in KINDS.values() if k.optional]


def turned_off(user: User) -> set[str]:
    return turned_off_text(user.notifications_off)


def turned_off_text(text: str | None) -> set[str]:
    return {k for k in (text or "").split(",") if k}


def content(notification: Notification, user: User) -> Content:
    """The message in the current language (links inside the site)."""
    return KINDS[notification.kind].write(notification, user)


def email_for(notification: Notification) -> Mail:
    """The email of ``notification``, written now in its reader's language."""
    user: User = notification.user
    if not user.email or not user.active:
        raise NothingToSend("the person has no email address or the account is closed")
    config = current_app.config
    public = str(config["PUBLIC_URL"]).rstrip("/")
    code = user.locale if user.locale in LANGUAGES else config["DEFAULT_LOCALE"]
    with current_app.test_request_context("/", base_url=public), force_locale(code):
        written = KINDS[notification.kind].write(notification, user)
        if written.action:  # the link as the email needs it: absolute, to PUBLIC_URL
            written.action = (written.action[0], public + written.action[1])
        agency = config["AGENCY_NAME"]
        subject = f"{written.title} · {agency}"
        context = {"content": written, "user": user, "agency": agency, "public_url": public,
                   "subject": subject, "current_locale": code}
        text = render_template("email/message.txt", **context)
        html = render_template("email/message.html", **context)
    return Mail(to=user.email, subject=subject, text=text, html=html)


# --------------------------------------------------------------------------- kinds

def _course(notification: Notification) -> Course:
    course_id = (notification.data or {}).get("course_id")
    course = db.session.get(Course, course_id) if course_id else None
    if course is None:
        raise NothingToSend("the course no longer exists")
    return course


def _course_link(course: Course) -> tuple[str, str]:
    return _("Open the course"), url_for("learn.course", slug=course.slug)


def _due(notification: Notification) -> date | None:
    due = (notification.data or {}).get("due_date")
    return date.fromisoformat(due) if due else None


@kind("assignment_new", optional=True)
def _assignment(notification: Notification, user: User) -> Content:
    course = _course(notification)
    paragraphs = [_("%(agency)s assigned you the course %(course)s (%(jp)d JP).",
                    agency=current_app.config["AGENCY_NAME"], course=course.title,
                    jp=course.jp)]
    if due := _due(notification):
        paragraphs.append(_("Complete it by %(date)s.", date=date_filter(due, "d MMMM yyyy")))
    return Content(_("New course for you: %(course)s", course=course.title), paragraphs,
                   _course_link(course))


@kind("due_soon", optional=True)
def _due_soon(notification: Notification, user: User) -> Content:
    course, due = _course(notification), _due(notification)
    when = date_filter(due, "d MMMM yyyy")
    days = int((notification.data or {}).get("days", 0))
    return Content(
        _("Due %(date)s: %(course)s", date=when, course=course.title),
        [_("The course %(course)s is due on %(date)s, in %(days)d day(s), and you have "
           "not completed it yet.", course=course.title, date=when, days=days)],
        _course_link(course))


@kind("overdue", optional=True)
def _overdue(notification: Notification, user: User) -> Content:
    course, due = _course(notification), _due(notification)
    when = date_filter(due, "d MMMM yyyy")
    return Content(
        _("Overdue: %(course)s", course=course.title),
        [_("The course %(course)s was due on %(date)s and is not completed yet. Complete "
           "it as soon as you can; this reminder comes every week until then.",
           course=course.title, date=when)],
        _course_link(course))


@kind("certificate_issued", optional=True)
def _certificate(notification: Notification, user: User) -> Content:
    certificate_id = (notification.data or {}).get("certificate_id")
    certificate = db.session.get(Certificate, certificate_id) if certificate_id else None
    if certificate is None:
        raise NothingToSend("the certificate no longer exists")
    course = certificate.completion.course
    public = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return Content(
        _("Certificate issued: %(course)s", course=course.title),
        [_("Congratulations: you completed %(course)s and earned %(jp)d JP. Your "
           "certificate number is %(number)s.", course=course.title,
           jp=certificate.completion.jp, number=certificate.number),
         _("Anyone can check it is real at %(url)s.",
           url=public + url_for("certificates.verify", code=certificate.code))],
        (_("View the certificate"), url_for("certificates.view", code=certificate.code)))


@kind("password_changed", optional=False)
def _password_changed(notification: Notification, user: User) -> Content:
    at = (notification.data or {}).get("at")
    return Content(
        _("Your password was changed"),
        [_("The password of your elearn account (NIP %(nip)s) was changed on %(time)s, "
           "and every other session of the account was ended.", nip=user.nip,
           time=datetime_filter(datetime.fromisoformat(at), "d MMMM yyyy, HH:mm")
           if at else "-"),
         _("If it was not you, tell the training admin of your agency at once.")])


@kind("account_created", optional=False)
def _account_created(notification: Notification, user: User) -> Content:
    return Content(
        _("Your elearn account is ready"),
        [_("%(agency)s created an elearn account for you: self-paced courses for civil "
           "servants, with your lesson hours (JP) and certificates.",
           agency=current_app.config["AGENCY_NAME"]),
         _("Sign in with your NIP (%(nip)s) or this email address and the initial "
           "password the training admin of your agency gives you; you then choose your "
           "own password.", nip=user.nip)],
        (_("Sign in"), url_for("auth.login")))
