"""Which passwords are accepted: one rule for every place a password is chosen.

Follows NIST SP 800-63B: at least 8 characters (long passphrases welcome), no
composition rules, but refuse passwords that are common or leaked, repetitive
or sequential, or built from the person's own NIP, email or name. Digits or
punctuation added around such a word do not make it acceptable.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..errors import N_
from .errors import Message

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Common character swaps: p@ssw0rd is password.
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s",
                       "5": "s", "7": "t", "+": "t"})
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_AROUND = re.compile(r"^[^a-z]+|[^a-z]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common and leaked passwords (lower case)."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def password_problems(password: str, *, nip: str | None = None, email: str | None = None,
                      full_name: str | None = None) -> list[Message]:
    """Every reason ``password`` is refused for this person (empty when accepted).

    ``nip``, ``email`` and ``full_name`` are the person's; leave them out for a
    password shared by many people (a staff import's initial password).
    """
    problems: list[Message] = []
    if len(password) < MIN_LENGTH:
        problems.append(Message(N_("Password must be at least %(n)d characters."), n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(Message(N_("Password must be at most %(n)d characters."), n=MAX_LENGTH))
    if password.isdigit():
        problems.append(Message(N_("Password must not be digits only.")))
    if _is_common(password):
        problems.append(Message(N_("This password is too common: it is on lists of leaked "
                                   "passwords that attackers try first.")))
    elif _is_predictable(password):
        problems.append(Message(N_("This password is too easy to guess: avoid repeated "
                                   "characters, sequences such as 1234 or abcd and keyboard "
                                   "rows such as qwerty.")))
    if _is_personal(password, nip=nip, email=email, full_name=full_name):
        problems.append(Message(N_("Do not build the password from your NIP, email or name.")))
    return problems


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _variants(password: str) -> set[str]:
    """The password as typed and without what is usually added around a word."""
    lower = password.lower().strip()
    core = _AROUND.sub("", lower)
    variants = {lower, core, core.translate(_LEET), lower.translate(_LEET),
                _AROUND.sub("", lower.translate(_LEET))}
    variants |= {_alnum(v) for v in variants}
    variants |= {_AROUND.sub("", v) for v in variants}
    return {v for v in variants if len(v) >= 4}


def _is_common(password: str) -> bool:
    common = common_passwords()
    return any(v in common for v in _variants(password))


def _step(a: str, b: str) -> object:
    """How ``b`` follows ``a``: repeated, next/previous letter or digit, keyboard neighbour."""
    if a == b:
        return 0
    if a.isalnum() and b.isalnum() and abs(ord(a) - ord(b)) == 1:
        return ord(b) - ord(a)
    for row in _KEYBOARD_ROWS:
        i, j = row.find(a), row.find(b)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return ("key", j - i)
    return None


def _pieces(text: str) -> int:
    """How many runs (repeats, sequences, keyboard walks) make up ``text``."""
    count, i = 0, 0
    while i < len(text):
        j = i + 1
        step = _step(text[i], text[j]) if j < len(text) else None
        if step is not None:
            while j < len(text) and _step(text[j - 1], text[j]) == step:
                j += 1
        count += 1
        i = j
    return count


def _is_predictable(password: str) -> bool:
    text = password.lower()
    if len(set(text)) < 4 or _pieces(text) < 5:
        return True
    # The same piece twice or more: passpass, abc123abc123.
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size)
               for size in range(1, len(text) // 2 + 1))


def _is_personal(password: str, *, nip: str | None, email: str | None,
                 full_name: str | None) -> bool:
    typed = _alnum(password)
    words: set[str] = set()
    contained: set[str] = set()
    if nip and (digits := "".join(ch for ch in nip if ch.isdigit())):
        contained.add(digits)
        words.add(digits)
    if email:
        local = _alnum(email.split("@")[0])
        if len(local) >= 3:
            words.add(local)
            contained.add(local)
    if full_name:
        whole = _alnum(full_name)
        if len(whole) >= 3:
            words.add(whole)
            contained.add(whole)
        parts = [_alnum(part) for part in full_name.split()]
        words |= {p for p in parts if len(p) >= 3}
        words.add("".join(reversed(parts)))
    if any(len(c) >= 4 and c in typed for c in contained):
        return True
    return any(v in words or _alnum(v) in words for v in _variants(password) | {typed})
