"""The change requests panel of a placement's page, drawn where the page includes it."""

from django import template

from placements import queries
from placements.enums import CHANGE_ALLOWED, ChangeStatus

register = template.Library()


@register.inclusion_tag("placements/changes/_panel.html", takes_context=True)
def changes_panel(context, placement):
    user = context["request"].user
    changes = list(queries.changes_of(placement))
    can_ask = (
        user.has_perm("placements.ask_for_change", placement)
        and any(placement.status in statuses for statuses in CHANGE_ALLOWED.values())
        and not any(change.status == ChangeStatus.PENDING for change in changes)
    )
    return {"placement": placement, "changes": changes, "can_ask": can_ask}
