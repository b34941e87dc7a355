"""Every write with a consequence, by stage of the application.

- applying: companies and teams, drafts, submission, withdrawal, deadlines, reminders;
- reviewing: screening, reviewer assignment and conflicts, reviews and scores, host-fit
  opinions, the shortlist;
- counting: the counts kept for pages (statuses per intake, reviewers' tallies);
- selecting: selection runs, the slate, confirmation, the decision outbox, offers and the
  waitlist.

Callers use ``applications.services.<name>`` whatever the module.
"""

from applications.services.applying import *  # noqa: F403
from applications.services.applying import _hash  # noqa: F401  (tests forge invitation tokens)
from applications.services.counting import *  # noqa: F403
from applications.services.reviewing import *  # noqa: F403
from applications.services.selecting import *  # noqa: F403
