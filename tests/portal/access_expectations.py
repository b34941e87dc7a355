"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    EVERYONE,
    SIGNED_IN,
    url,
)

EXPECTED = {
    "home": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "dashboard": url(
        {},
        get={200: SIGNED_IN},
        post={405: SIGNED_IN},
    ),
    "healthz": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "set_language": url(
        {},
        get={302: EVERYONE},
        post={302: EVERYONE},
    ),
}
