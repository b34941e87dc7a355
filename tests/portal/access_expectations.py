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
    # NEW-ROWS
    "api_tokens": url(
        {},
        get={},
        post={},
    ),
    "revoke_api_token": url(
        {"pk": "api_token"},
        get={},
        post={},
    ),
    "api:schema": url(
        {},
        get={},
        post={},
    ),
    "api:docs": url(
        {},
        get={},
        post={},
    ),
    "api:account": url(
        {},
        get={},
        post={},
    ),
    "api:token-list": url(
        {},
        get={},
        post={},
    ),
    "api:token-detail": url(
        {"pk": "api_token"},
        get={},
        post={},
    ),
    "api:intake-list": url(
        {},
        get={},
        post={},
    ),
    "api:intake-detail": url(
        {"pk": "other_intake"},
        get={},
        post={},
    ),
    "api:host-list": url(
        {},
        get={},
        post={},
    ),
    "api:host-detail": url(
        {"pk": "host"},
        get={},
        post={},
    ),
    "api:market-list": url(
        {},
        get={},
        post={},
    ),
    "api:market-detail": url(
        {"country": lambda world: world.objects["host"].market.country.code},
        get={},
        post={},
    ),
    "api:placement-list": url(
        {},
        get={},
        post={},
    ),
    "api:placement-detail": url(
        {"pk": "placement"},
        get={},
        post={},
    ),
    "api:placement-arrival": url(
        {"pk": "placement"},
        get={},
        post={},
    ),
    "api:placement-departure": url(
        {"pk": "placement"},
        get={},
        post={},
    ),
    "api:placement-entries": url(
        {"pk": "placement"},
        get={},
        post={},
    ),
    "api:desk-invoice-list": url(
        {},
        get={},
        post={},
    ),
    "api:desk-invoice-detail": url(
        {"pk": "invoice"},
        get={},
        post={},
    ),
    "api:desk-invoice-confirm": url(
        {"pk": "invoice"},
        get={},
        post={},
    ),
}
