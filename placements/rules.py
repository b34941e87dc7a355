"""Who may do what with a placement, and with an accepted offer still waiting for its host.

Every predicate reads the roles as they are at this request: a partner removed from a host,
a member removed from the firm or a manager who lost the program loses access from their next
request (a person's staff rows are read once per request: programs.rules.staff_rows).
"""

import rules

from applications.rules import is_company_member
from placements.enums import EDITABLE_CLAIMS
from portal.rules import is_superuser
from programs.rules import is_host_partner, is_intake_manager, manages_any_intake


@rules.predicate
def is_partner_of_its_host(user, placement):
    return placement is not None and is_host_partner(user, placement.host)


@rules.predicate
def is_member_of_its_firm(user, placement):
    return placement is not None and is_company_member(user, placement.company)


@rules.predicate
def manages_its_intake(user, placement):
    return placement is not None and is_intake_manager(user, placement.intake)


@rules.predicate
def is_partner_of_offer_host(user, offer):
    return offer is not None and is_host_partner(user, offer.host)


@rules.predicate
def manages_offer_intake(user, offer):
    return offer is not None and is_intake_manager(user, offer.intake)


can_manage_placement = manages_its_intake | is_superuser
can_see_placement = is_member_of_its_firm | is_partner_of_its_host | can_manage_placement
# Log entries are the host's: its partner staff write them.
can_log_on_placement = is_partner_of_its_host
# A check-in meant for the firm is answered by the firm's members (what went well, what it
# needs); the views load the entry from the placement's check-ins that are not staff-only.
can_answer_check_in = is_member_of_its_firm
# Arrival and departure: the host's partner, or the program's manager on its behalf.
can_record_stay = is_partner_of_its_host | can_manage_placement
# Confirming desk and dates of an accepted offer: the host's partner, or the manager
# scheduling them. Offer is an applications model, so its permission is declared here.
can_confirm_offer = is_partner_of_offer_host | manages_offer_intake | is_superuser

rules.add_perm("placements.confirm_offer", can_confirm_offer)

# The placements board of an intake: its managers (the director too). Someone else's intake
# is a 404 (views load it from programs.queries.intakes_managed_by).
can_see_board = is_intake_manager | is_superuser

rules.add_perm("placements.view_board", can_see_board)


# Change requests: the firm's members and the host's partners ask (for a placement they
# see); the program's managers decide; the person who asked may withdraw while it waits.
@rules.predicate
def may_ask_for_change(user, placement):
    return placement is not None and (
        is_member_of_its_firm(user, placement) or is_partner_of_its_host(user, placement)
    )


@rules.predicate
def may_ask_on_its_placement(user, change):
    return change is not None and may_ask_for_change(user, change.placement)


@rules.predicate
def asked_it(user, change):
    return change is not None and change.requested_by_id == user.pk


@rules.predicate
def manages_its_placement(user, change):
    return change is not None and manages_its_intake(user, change.placement)


can_ask_for_change = may_ask_for_change
can_decide_change = manages_its_placement | is_superuser
can_see_change = may_ask_on_its_placement | can_decide_change
can_withdraw_change = asked_it & may_ask_on_its_placement

rules.add_perm("placements.ask_for_change", can_ask_for_change)


# --- Exchange rates (issue 17) ---------------------------------------------------------------
# The rates are the portal's, not one program's: every manager converts with them, so any
# program's manager (or the director) keeps them up to date.
can_maintain_rates = manages_any_intake | is_superuser

rules.add_perm("placements.maintain_rates", can_maintain_rates)


# --- Host desk invoices (issue 17) -----------------------------------------------------------
# The partner of the invoice's host reads it once sent and confirms it; the intake's
# managers (and the director) draw it up, send it and record its payment. There is no
# finance role yet: when one comes, it joins can_pay_desk_invoice here.


@rules.predicate
def is_partner_of_invoice_host(user, invoice):
    return invoice is not None and is_host_partner(user, invoice.host)


@rules.predicate
def manages_invoice_intake(user, invoice):
    return invoice is not None and is_intake_manager(user, invoice.intake)


can_send_desk_invoice = manages_invoice_intake | is_superuser
can_pay_desk_invoice = manages_invoice_intake | is_superuser
can_confirm_desk_invoice = is_partner_of_invoice_host
can_see_desk_invoice = is_partner_of_invoice_host | can_send_desk_invoice


# --- Stipends and expense claims (issue 17) ----------------------------------------------
# Money is the firm's and the program's: the firm's members see their award and claims, the
# program's managers see and act; the host's partners see none of it.


@rules.predicate
def is_member_of_award_firm(user, award):
    return award is not None and is_company_member(user, award.company)


@rules.predicate
def manages_award_intake(user, award):
    return award is not None and is_intake_manager(user, award.intake)


@rules.predicate
def is_member_of_part_firm(user, part):
    return part is not None and is_company_member(user, part.award.company)


@rules.predicate
def manages_part_intake(user, part):
    return part is not None and is_intake_manager(user, part.award.intake)


@rules.predicate
def is_claimable(user, award):
    return award is not None and award.open_for_claims


@rules.predicate
def is_editable_claim(user, claim):
    return claim is not None and claim.status in EDITABLE_CLAIMS


can_manage_money = manages_award_intake | is_superuser
can_see_money = is_member_of_award_firm | can_manage_money
can_claim = is_member_of_award_firm & is_claimable
can_manage_award_part = manages_part_intake | is_superuser
can_see_award_part = is_member_of_part_firm | can_manage_award_part
can_edit_claim = is_member_of_part_firm & is_editable_claim
# A placement's money (its award page, proposing one): the placement's managers, and its
# firm's members to read.
can_see_placement_money = is_member_of_its_firm | can_manage_placement

rules.add_perm("placements.see_placement_money", can_see_placement_money)
