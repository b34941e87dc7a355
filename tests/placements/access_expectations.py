"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    MANAGERS,
    MEMBERS,
    OWNER,
    PARTNER,
    PARTNERS,
    SIGNED_IN,
    given,
    url,
)

EXPECTED = {
    "placements:partner_workspace": url(
        {},
        get={200: PARTNERS},
        post={200: PARTNERS},
    ),
    "placements:confirm": url(
        {"offer_pk": "waiting"},
        get={200: MANAGERS | PARTNER},
        post={200: MANAGERS | PARTNER},
    ),
    "placements:detail": url(
        {"pk": "placement"},
        get={200: MANAGERS | MEMBERS | PARTNER},
        post={200: MANAGERS | MEMBERS | PARTNER},
    ),
    "placements:add_entry": url(
        {"pk": "placement"},
        get={405: SIGNED_IN},
        post={200: PARTNER, 403: MANAGERS | MEMBERS},
    ),
    "placements:arrival": url(
        {"pk": "placement"},
        get={405: SIGNED_IN},
        # The matrix's POST carries no date: refused, the stay's page drawn again.
        post={200: MANAGERS | PARTNER, 403: MEMBERS},
    ),
    "placements:departure": url(
        {"pk": "placement"},
        get={405: SIGNED_IN},
        # The matrix's POST carries no date: refused, the stay's page drawn again.
        post={200: MANAGERS | PARTNER, 403: MEMBERS},
    ),
    "placements:cut_short": url(
        {"pk": "placement"},
        get={405: SIGNED_IN},
        # The matrix's POST carries no date: refused, the stay's page drawn again.
        post={200: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "placements:cancel": url(
        {"pk": "placement"},
        get={405: SIGNED_IN},
        # The matrix's POST carries no date: refused, the stay's page drawn again.
        post={200: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "placements:history": url(
        {"pk": "placement"},
        get={200: MANAGERS, 403: MEMBERS | PARTNER},
        post={200: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "placements:program_list": url(
        {"program_pk": "program"},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "placements:board": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "placements:board_csv": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "placements:ask_change": url(
        {"pk": "placement"},
        get={200: MEMBERS | PARTNER, 403: MANAGERS},
        post={200: MEMBERS | PARTNER, 403: MANAGERS},
    ),
    "placements:change_detail": url(
        {"pk": "change"},
        get={200: MANAGERS | MEMBERS | PARTNER},
        post={200: MANAGERS | MEMBERS | PARTNER},
    ),
    "placements:approve_change": url(
        {"pk": "change"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "placements:refuse_change": url(
        {"pk": "change"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "placements:withdraw_change": url(
        {"pk": "change"},
        get={405: SIGNED_IN},
        post={302: OWNER, 403: MANAGERS | PARTNER | {"company_staff"}},
    ),
    "rates:list": url(
        {},
        get={
            200: MANAGERS | {"other_intake_manager", "other_program_manager"},
            403: SIGNED_IN - (MANAGERS | {"other_intake_manager", "other_program_manager"}),
        },
        post={405: SIGNED_IN},
    ),
    "rates:add": url(
        {},
        get={405: SIGNED_IN},
        post={
            400: MANAGERS | {"other_intake_manager", "other_program_manager"},
            403: SIGNED_IN - (MANAGERS | {"other_intake_manager", "other_program_manager"}),
        },
    ),
    "rates:upload": url(
        {},
        get={405: SIGNED_IN},
        post={
            400: MANAGERS | {"other_intake_manager", "other_program_manager"},
            403: SIGNED_IN - (MANAGERS | {"other_intake_manager", "other_program_manager"}),
        },
    ),
    "desk_invoices:partner": url(
        {},
        get={200: SIGNED_IN},
        post={405: SIGNED_IN},
    ),
    "desk_invoices:intake": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={405: SIGNED_IN},
    ),
    "desk_invoices:generate": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "desk_invoices:detail": url(
        {"pk": "invoice"},
        get={200: MANAGERS | PARTNER},
        post={405: SIGNED_IN},
    ),
    "desk_invoices:send": url(
        {"pk": "invoice"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: PARTNER},
    ),
    "desk_invoices:confirm": url(
        {"pk": "invoice"},
        get={405: SIGNED_IN},
        post={302: PARTNER, 403: MANAGERS},
    ),
    "desk_invoices:pay": url(
        {"pk": "invoice"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: PARTNER},
    ),
    "money:mine": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "money:propose": url(
        {"placement_pk": "placement"},
        get={302: MANAGERS, 403: MEMBERS | PARTNER},
        post={302: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "money:award": url(
        {"pk": "award"},
        get={200: MANAGERS | MEMBERS},
        post={200: MANAGERS | MEMBERS},
    ),
    "money:award_action[award]": url(
        {"pk": "award", "action": given("award")},
        get={405: SIGNED_IN},
        # Sent empty, the decision is refused: the award's page drawn again with the form.
        post={400: MANAGERS, 403: MEMBERS},
    ),
    "money:award_action[reduce]": url(
        {"pk": "award", "action": given("reduce")},
        get={405: SIGNED_IN},
        # Sent empty, the decision is refused: the award's page drawn again with the form.
        post={400: MANAGERS, 403: MEMBERS},
    ),
    "money:award_action[cancel]": url(
        {"pk": "award", "action": given("cancel")},
        get={405: SIGNED_IN},
        # Sent empty, the decision is refused: the award's page drawn again with the form.
        post={400: MANAGERS, 403: MEMBERS},
    ),
    "money:award_action[close]": url(
        {"pk": "award", "action": given("close")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:claim_new": url(
        {"award_pk": "award"},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS},
    ),
    "money:tranche": url(
        {"pk": "tranche"},
        get={200: MANAGERS | MEMBERS},
        post={200: MANAGERS | MEMBERS},
    ),
    "money:tranche_action[approve]": url(
        {"pk": "tranche", "action": given("approve")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:tranche_action[pay]": url(
        {"pk": "tranche", "action": given("pay")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:tranche_action[fail]": url(
        {"pk": "tranche", "action": given("fail")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:tranche_action[cancel]": url(
        {"pk": "tranche", "action": given("cancel")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:claim": url(
        {"pk": "claim"},
        get={200: MANAGERS | MEMBERS},
        post={200: MEMBERS, 403: MANAGERS},
    ),
    "money:line_remove": url(
        {"pk": "claim", "line_pk": "line"},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS},
    ),
    "money:receipt": url(
        {"pk": "claim", "line_pk": "line"},
        get={200: MANAGERS | MEMBERS},
        post={200: MANAGERS | MEMBERS},
    ),
    "money:claim_action[submit]": url(
        {"pk": "claim", "action": given("submit")},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS},
    ),
    "money:claim_action[approve]": url(
        {"pk": "claim", "action": given("approve")},
        get={405: SIGNED_IN},
        # The world's claim is a draft: the decision is refused, the claim's page drawn again.
        post={200: MANAGERS, 403: MEMBERS},
    ),
    "money:claim_action[changes]": url(
        {"pk": "claim", "action": given("changes")},
        get={405: SIGNED_IN},
        # The world's claim is a draft: the decision is refused, the claim's page drawn again.
        post={200: MANAGERS, 403: MEMBERS},
    ),
    "money:claim_action[reject]": url(
        {"pk": "claim", "action": given("reject")},
        get={405: SIGNED_IN},
        # The world's claim is a draft: the decision is refused, the claim's page drawn again.
        post={200: MANAGERS, 403: MEMBERS},
    ),
    "money:claim_action[pay]": url(
        {"pk": "claim", "action": given("pay")},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "money:ledger": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "money:schedule": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "money:payment_batch": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "placements:answer_check_in": url(
        {"pk": "placement", "entry_pk": "check_in"},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS | PARTNER},
    ),
}
