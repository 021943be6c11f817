"""Command-line interface: thin click commands over the services."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext

from ..courses.store import ContentError
from ..demo import DEMO_PASSWORD, load_demo
from ..extensions import db
from ..people.errors import PeopleError
from ..people.services import PersonData, create_user
from ..vocabulary import EMPLOYMENT_STATUSES, ROLES, label
from . import CliError, outcome

users_cli = AppGroup("users", help="Manage user accounts.")


#: Service field names as the options that carry them.
_OPTION_NAMES = {"full_name": "--name", "unit_code": "--unit", "employment_status": "--status"}


def _fail(exc: PeopleError) -> None:
    """Each message after the option it is about, in the site's language."""
    db.session.rollback()
    lines = [
        f"{_OPTION_NAMES.get(field, '--' + field)}: {message}"
        for field, messages in exc.field_texts(gettext).items()
        for message in messages
    ]
    raise CliError("\n".join(lines))


@users_cli.command("create")
@click.option("--nip", required=True, help="18-digit NIP.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Role on the platform.")
@click.option("--email", default=None, help="Optional unique email address.")
@click.option("--unit", "unit_code", default=None, help="Unit (OPD) code.")
@click.option("--status", "employment_status", default="PNS",
              type=click.Choice(EMPLOYMENT_STATUSES, case_sensitive=False), show_default=True)
@click.option("--position", default=None, help="Position (jabatan).")
@click.option("--grade", default=None, help="Grade (golongan), e.g. III/b or IX.")
@click.option("--password", default=None, help="Password; prompted for when omitted.")
@click.option("--temporary/--no-temporary", default=False, show_default=True,
              help="Require a new password at first sign-in.")
def create_user_command(nip, full_name, role, email, unit_code, employment_status,
                        position, grade, password, temporary):
    """Create one account."""
    if password is None:
        password = click.prompt(gettext("Password"), hide_input=True,
                                confirmation_prompt=gettext("Repeat for confirmation"))
    data = PersonData(nip=nip, full_name=full_name, role=role, email=email, unit_code=unit_code,
                      employment_status=employment_status, position=position, grade=grade)
    try:
        user = create_user(data, password, must_change_password=temporary)
    except PeopleError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(gettext("Created the account %(nip)s (%(name)s), role %(role)s.", nip=user.nip,
                       name=user.full_name, role=label(user.role, "role", gettext)))


@click.command("demo")
@with_appcontext
def demo_command():
    """Load demo units, one account per role and the sample content (idempotent)."""
    try:
        summary = load_demo()
    except ContentError as exc:
        db.session.rollback()
        raise CliError(gettext("The sample content has problems:") + "\n"
                       + exc.text(gettext)) from None
    db.session.commit()
    click.echo(gettext("Demo data ready: %(units)d units, %(accounts)d accounts (%(new)d new).",
                       units=summary.units, accounts=summary.accounts, new=summary.created))
    for slug, result in summary.courses:
        click.echo("  " + gettext("course %(slug)s (%(outcome)s)", slug=slug,
                                  outcome=outcome(result)))
    click.echo(gettext("Demo accounts (sign in with NIP or email):"))
    for account in summary.demo_accounts:
        role = label(account.role, "role", gettext)
        click.echo(f"  {role:<10} NIP {account.nip}  {account.email:<28} "
                   + gettext("password: %(password)s", password=DEMO_PASSWORD))
