"""Permission predicates shared by every app. App-specific ones live in each app."""

import rules

is_superuser = rules.is_superuser
is_authenticated = rules.is_authenticated

rules.add_perm("portal.view_dashboard", is_authenticated)
rules.add_perm("portal.use_admin", is_superuser)
