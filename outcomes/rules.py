"""Who may see and do what with outcome reports. A host's partner staff see none: the
reports are between the firm and the program."""

import rules

from applications.rules import is_company_member
from outcomes.enums import EDITABLE
from portal.rules import is_superuser
from programs.rules import is_intake_manager, is_program_manager


@rules.predicate
def is_member_of_its_firm(user, report):
    return report is not None and is_company_member(user, report.placement.company)


@rules.predicate
def manages_its_intake(user, report):
    return report is not None and is_intake_manager(user, report.placement.intake)


@rules.predicate
def is_editable(user, report):
    return report is not None and report.status in EDITABLE


can_manage_report = manages_its_intake | is_superuser
can_see_report = is_member_of_its_firm | can_manage_report
can_edit_report = is_member_of_its_firm & is_editable
can_verify_report = can_manage_report


@rules.predicate
def manages_what_it_describes(user, document):
    """A program report of an intake, or a placement's dossier: that intake's managers; a
    program report of the whole program: the program's managers."""
    if document is None:
        return False
    if document.placement_id is not None:
        return is_intake_manager(user, document.placement.intake)
    if document.intake_id is not None:
        return is_intake_manager(user, document.intake)
    return is_program_manager(user, document.program)


can_see_document = manages_what_it_describes | is_superuser


@rules.predicate
def manages_where_it_counts(user, opportunity):
    """The managers of the intake of the stay an opportunity was first reported from: its
    value counts in that intake's figures, whichever later stay's report mentions it."""
    return opportunity is not None and is_intake_manager(user, opportunity.placement.intake)


# Marking an opportunity's value unverified, or counting it again.
rules.add_perm("outcomes.verify_opportunity_value", manages_where_it_counts | is_superuser)


# Publishing an intake's results: its managers (and the director).
rules.add_perm("outcomes.publish_results", is_intake_manager | is_superuser)
