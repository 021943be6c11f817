"""Messages to people: recorded once, emailed (or logged) and retried.

- ``outbox``: records a message once per (person, kind, key) and delivers the
  emails that are due, safely from several hosts at once;
- ``messages``: what each kind of message says, in the person's language;
- ``reset``: the password-reset links.
"""

from . import reset  # noqa: E402,F401 - registers the password-reset email
