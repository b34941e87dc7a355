"""SQLite's LIKE, made to ignore case in every language, as PostgreSQL's does.

Django's case-insensitive lookups (``icontains``, ``iexact``, ``istartswith``) run
``LIKE ... ESCAPE '\\'`` on SQLite, and SQLite's own LIKE folds only ASCII letters: on the
embedded default a manager searching "énergie" did not find "Énergie Solaire", while
PostgreSQL (UPPER on both sides) did. SQLite lets an application give LIKE its own function,
``like(pattern, value, escape)``; this one matches with Python's Unicode case-insensitive
regular expressions. Accents still count ("energie" does not find "Énergie"), as on PostgreSQL.

SQLite already treats Django's case-sensitive ``contains`` as LIKE, so nothing that matched
before stops matching. Connected to ``connection_created`` in portal.apps.
"""

import functools
import re


@functools.lru_cache(maxsize=256)
def _compiled(pattern, escape):
    """A LIKE pattern as a regular expression: ``%`` any run of characters, ``_`` any one,
    the escape character making the next one literal."""
    parts = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def like(pattern, value, escape=None):
    """SQL ``value LIKE pattern [ESCAPE escape]``: NULL when either side is NULL."""
    if pattern is None or value is None:
        return None
    return _compiled(pattern, escape).fullmatch(str(value)) is not None


def fold_case_in_like(sender, connection, **kwargs):
    """Give each new SQLite connection the LIKE of this module (both its forms)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("like", 2, like, deterministic=True)
    connection.connection.create_function("like", 3, like, deterministic=True)
