#!/usr/bin/env python
"""Django's command-line utility, with start-up failures told in one sentence."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
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
