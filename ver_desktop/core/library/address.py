"""A library's address (a SQLAlchemy URL) as people may see it. A shared library's address
may carry a password, as `user:PASSWORD@host` or libpq's `?password=PASSWORD`; no output,
log or error shows it: everything that shows an address shows `for_people(address)`."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ver_desktop.core.errors import LibraryError

SHAPE = "postgresql://USER@HOST/DATABASE"  # what a shared library's address looks like
_PASSWORD_KEY = "password"  # libpq's parameter, in the query of a URL
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.DOTALL)


def parsed(address: str | URL) -> URL:
    """The address as a URL; one that does not parse (a mistyped scheme, a port that is
    not a number) is a LibraryError that shows no password."""
    if isinstance(address, URL):
        return address
    try:
        if _unclear(address):  # never send what may be a password to a name server
            raise ValueError("an '@' after a '/' or '?'")
        return make_url(address)
    except (ArgumentError, ValueError):
        raise LibraryError(f"{for_people(address)} is not a library address: a shared "
                           f"library's looks like {SHAPE}, or {SHAPE.replace('/D', ':PORT/D')} "
                           "with the port a number (an '@' in a password written %40)") \
            from None


def without_password(url: URL) -> URL:
    """`url` with no password in it, in either form."""
    query = {key: value for key, value in url.query.items() if key.lower() != _PASSWORD_KEY}
    # made anew: URL.set takes password=None to mean "leave it as it is"
    return URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                      database=url.database, query=query)


def password_of(url: URL) -> str | None:
    """The password the address carries, in either form (None: none)."""
    if url.password:
        return str(url.password)
    for key, value in url.query.items():
        if key.lower() == _PASSWORD_KEY and value:
            return value if isinstance(value, str) else value[-1]
    return None


def split_password(address: str) -> tuple[str, str | None]:
    """The address without its password, and the password (None: it had none, or it
    does not parse and is kept as it was)."""
    try:
        url = make_url(address)
    except (ArgumentError, ValueError):
        return address, None
    password = password_of(url)
    if password is None:
        return address, None
    return without_password(url).render_as_string(hide_password=False), password


def for_people(address: str | URL) -> str:
    """The address to show: without its password; one that does not parse shows only its
    scheme and host, or, when even those are unclear, nothing of it."""
    if isinstance(address, str) and _unclear(address):
        return _UNCLEAR
    try:
        url = address if isinstance(address, URL) else make_url(address)
        return without_password(url).render_as_string(hide_password=False)
    except Exception:  # any string at all: a person's typing
        return _scheme_and_host(str(address))


_UNCLEAR = "the address you gave"


def _unclear(text: str) -> bool:
    """Whether a password could pass for the host: a '/', '?' or '#' before the last '@'
    means that '@' may sit inside a password (SQLAlchemy reads
    postgresql://me:x/db?password=a@b as the host b)."""
    found = _SCHEME.fullmatch(text.strip())
    if found is not None and found.group(1).startswith("sqlite"):
        return False  # a file's path: no password, and '@' in a folder's name is fine
    user, at, _ = (found.group(2) if found else text).rpartition("@")
    return bool(at) and any(mark in user for mark in "/?#")


def _scheme_and_host(text: str) -> str:
    """scheme://host of a string that is no URL (`_unclear` ruled out a password in
    the host's place)."""
    found = _SCHEME.fullmatch(text.strip())
    if found is None:
        return _UNCLEAR
    scheme, rest = found.groups()
    host = re.split(r"[:/?#]", rest.rpartition("@")[2], maxsplit=1)[0]
    if not host or "=" in host:
        return f"{scheme}://…"
    return f"{scheme}://{host}"
