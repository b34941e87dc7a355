"""How the generated access matrix (tests/portal/test_access_matrix.py) is declared.

Each app's expectations live in ``tests/<app>/access_expectations.py``, a dict ``EXPECTED``
found by the test on its own (a new app adds a file; nothing to register):

    EXPECTED = {
        "placements:detail": url(
            {"pk": "placement"},
            get={200: MEMBERS | PARTNER | MANAGERS},
            post={405: SIGNED_IN},
        ),
    }

- The key is the URL pattern's name with its namespace (an unnamed pattern: its route). A
  pattern whose slug picks an action may have several rows, one per value, written
  ``"money:award_action[reduce]"``; every pattern needs at least one row.
- The first argument fills the pattern's arguments: a string names an object of the world
  (tests/access_world.py) and gives its pk; ``given(value)`` is the value itself (a slug, an
  action); a callable takes the world and returns the value.
- ``get`` and ``post`` map an outcome to the roles that get it: 200, 302 (a redirect
  somewhere other than the log-in page), LOGIN (a redirect to the log-in page), 400, 403,
  404, 405, and the API's 201, 204, 401 and 415 (a form posted where JSON is read). Roles
  not named get LOGIN if anonymous and 404 otherwise: the rules' "someone else's object is a
  404" is the default, so a row names only who gets something else.
- POST sends no form fields with a valid CSRF token: a page's refusal of empty input (200
  with the form's errors, or a redirect with a message) is an answer to whoever may post.
"""

from tests.access_world import ROLES

LOGIN = "login"

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
OWNER = frozenset({"company_owner"})
MEMBERS = frozenset({"company_owner", "company_staff"})
MANAGERS = frozenset({"program_manager", "intake_manager", "superuser"})
PROGRAM_MANAGERS = frozenset({"program_manager", "superuser"})
PROGRAM_STAFF = MANAGERS | frozenset(
    {
        "other_intake_manager",
        "program_reviewer",
        "intake_reviewer",
        "unassigned_reviewer",
    }
)
REVIEWERS = frozenset({"program_reviewer", "intake_reviewer"})
PARTNER = frozenset({"host_partner"})
PARTNERS = frozenset({"host_partner", "other_host_partner"})
SUPERUSER = frozenset({"superuser"})

# The named groups, largest first, as the dump writes rows with them.
GROUPS = {
    "EVERYONE": EVERYONE,
    "SIGNED_IN": SIGNED_IN,
    "PROGRAM_STAFF": PROGRAM_STAFF,
    "MANAGERS": MANAGERS,
    "PROGRAM_MANAGERS": PROGRAM_MANAGERS,
    "MEMBERS": MEMBERS,
    "REVIEWERS": REVIEWERS,
    "PARTNERS": PARTNERS,
    "OWNER": OWNER,
    "PARTNER": PARTNER,
    "SUPERUSER": SUPERUSER,
}

OUTCOMES = {200, 201, 204, 302, LOGIN, 400, 401, 403, 404, 405, 415}
# What a person must not get unless the row says so: the page, or the action done.
REFUSALS = {LOGIN, 401, 403, 404, 405, 400, 415}


class Row:
    def __init__(self, kwargs, get, post):
        self.kwargs = kwargs
        self.get = expand(get)
        self.post = expand(post)

    def arguments(self, world):
        filled = {}
        for name, spec in self.kwargs.items():
            if isinstance(spec, str):
                filled[name] = world.objects[spec].pk
            else:
                filled[name] = spec(world)
        return filled


def given(value):
    """A URL argument used as it is, not an object of the world."""
    return lambda world: value


def url(kwargs=None, *, get, post):
    return Row(kwargs or {}, get, post)


def expand(declared):
    """{role: outcome} for every role, from {outcome: roles} and the defaults."""
    table = {role: LOGIN if role == "anonymous" else 404 for role in ROLES}
    named = [role for roles in declared.values() for role in roles]
    assert len(named) == len(set(named)), f"a role is given two answers: {declared}"
    for outcome, roles in declared.items():
        assert outcome in OUTCOMES, f"unknown outcome {outcome!r}"
        unknown = set(roles) - set(ROLES)
        assert not unknown, f"unknown roles {sorted(unknown)}"
        for role in roles:
            table[role] = outcome
    return table
