"""Permission predicates shared by every app. App-specific ones live in each app."""

import rules


@rules.predicate
def is_superuser(user):
    # rules' own is_superuser ignores is_active; a deactivated superuser must have no rights.
    return bool(user.is_active and user.is_superuser)
