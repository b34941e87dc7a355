"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    EVERYONE,
    MANAGERS,
    MEMBERS,
    PARTNER,
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
    "api_tokens": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "revoke_api_token": url(
        {"pk": "api_token"},
        get={405: SIGNED_IN},
        post={302: PARTNER},
    ),
    "api:schema": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:docs": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:account": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:token-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:token-detail": url(
        {"pk": "api_token"},
        get={401: {"anonymous"}, 200: PARTNER},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:intake-list": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:intake-detail": url(
        {"pk": "other_intake"},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:host-list": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:host-detail": url(
        {"pk": "host"},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:market-list": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:market-detail": url(
        {"country": lambda world: world.objects["host"].market.country.code},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:placement-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:placement-detail": url(
        {"pk": "placement"},
        get={401: {"anonymous"}, 200: MANAGERS | MEMBERS | PARTNER},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:placement-arrival": url(
        {"pk": "placement"},
        get={401: {"anonymous"}, 405: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:placement-departure": url(
        {"pk": "placement"},
        get={401: {"anonymous"}, 405: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:placement-entries": url(
        {"pk": "placement"},
        get={401: {"anonymous"}, 200: MANAGERS | MEMBERS | PARTNER},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:desk-invoice-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:desk-invoice-detail": url(
        {"pk": "invoice"},
        get={401: {"anonymous"}, 200: MANAGERS | PARTNER},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:desk-invoice-confirm": url(
        {"pk": "invoice"},
        get={401: {"anonymous"}, 405: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:results": url(
        {},
        get={200: EVERYONE},
        post={405: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:figures": url(
        {},
        get={401: {"anonymous"}, 200: MANAGERS | {"other_intake_manager"}},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:application-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:application-detail": url(
        {"pk": "application"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:stipend-award-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:stipend-award-detail": url(
        {"pk": "award"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:tranche-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:tranche-detail": url(
        {"pk": "tranche"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:expense-claim-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:expense-claim-detail": url(
        {"pk": "claim"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:outcome-report-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:outcome-report-detail": url(
        {"pk": "report"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:opportunity-list": url(
        {},
        get={401: {"anonymous"}, 200: SIGNED_IN},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
    "api:opportunity-detail": url(
        {"pk": "opportunity"},
        get={401: {"anonymous"}, 200: MANAGERS},
        post={401: {"anonymous"}, 415: SIGNED_IN},
    ),
}
