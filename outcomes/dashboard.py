"""The outcomes sections of the dashboard: a firm's reports due and overdue, and for the
program's managers the reports waiting for verification and each intake's completeness."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes import queries
from outcomes.enums import ReportKind, ReportStatus
from portal.rows import labels

S = ReportStatus
FIRM_ROWS = 10


def firm(user):
    today = timezone.localdate()
    kinds, statuses = labels(ReportKind), labels(S)
    rows = list(queries.firm_reports_due(user, today)[: FIRM_ROWS + 1])
    return {
        "reports": [
            row
            | {
                "kind_label": kinds[row["kind"]],
                "status_label": statuses[row["status"]],
                "overdue": row["due_on"] < today,
                "question_asked": row["status"] == ReportStatus.CHANGES_REQUESTED,
            }
            for row in rows[:FIRM_ROWS]
        ],
        "more": len(rows) > FIRM_ROWS,
    }


def manager(user):
    intakes = queries.manager_summary(user)
    return {"intakes": [row | {"share": _share(row)} for row in intakes]}


def _share(row):
    return round(100 * row["handed_in"] / row["due"]) if row["due"] else None


def register():
    from applications.queries import MEMBER
    from portal import dashboard
    from programs.queries import manages_or_directs

    dashboard.register(
        dashboard.Section(
            key="outcomes-manager",
            title=_("Outcome reports"),
            template="outcomes/dashboard/manager.html",
            load=manager,
            present=manages_or_directs,
            order=7,
        )
    )
    dashboard.register(
        dashboard.Section(
            key="outcomes-firm",
            title=_("Your outcome reports"),
            template="outcomes/dashboard/firm.html",
            load=firm,
            present=lambda roles: MEMBER in roles,
            order=41,
        )
    )
