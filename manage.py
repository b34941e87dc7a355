#!/usr/bin/env python
"""Django's command-line utility, with start-up failures told in one sentence."""

import os
import sys

# Commands that only read and write source files: they never sign, send or serve anything,
# so they run in a clean checkout without production secrets.
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ["PORTAL_OFFLINE_COMMAND"] = "true"
    from django.core.management import execute_from_command_line

    from portal.startup import explain_startup_failure

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        sentence = explain_startup_failure(exc)
        if sentence is None:
            raise
        sys.exit(sentence)


if __name__ == "__main__":
    main()
