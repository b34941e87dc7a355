from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import services as portal_services
from portal.access import get_permitted_object
from portal.dates import moment_text
from portal.rows import labels, render_rows
from programs import queries
from programs.enums import Direction, StaffRole


@login_required
def program_detail(request, pk):
    # Loaded from the programs the person works on: the view_program rule (any role).
    program = queries.visible_program(request.user, pk)
    intakes = queries.intakes_of_program(program, request.user)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "intakes": intakes,
            "intakes_html": render_rows(
                "programs/_program_intakes.row.html", _intake_rows(intakes)
            ),
            "staff_html": render_rows("programs/_program_staff.row.html", _staff_rows(program)),
            "can_manage": request.user.has_perm("programs.manage_program", program),
        },
    )


def _intake_rows(intakes):
    """The program's intakes, formatted once so the template only prints strings."""
    directions = labels(Direction)
    # Rows link to "<manage_url><pk>/": one reverse() for the page, not one per row.
    manage_url = reverse("programs:manage_intake", args=[0])[:-2]
    return [
        {
            "url": f"{manage_url}{intake.pk}/",
            "title": intake.title,
            "direction": directions.get(intake.direction, intake.direction),
            "phase": intake.phase.label,
            "closes": moment_text(intake.closes_at, intake.time_zone),
            "hosts": intake.host_total,
            "desks": intake.desk_total or 0,
        }
        for intake in intakes
    ]


def _staff_rows(program):
    roles = labels(StaffRole)
    one_intake = format_html(' <span class="muted">({})</span>', _("one intake"))
    return [
        {"name": name, "role": roles.get(role, role), "scope": one_intake if intake_id else ""}
        for name, role, intake_id in queries.program_staff(program)
    ]


@login_required
def host_workspace(request, pk):
    host = get_permitted_object(
        request.user,
        queries.hosts_visible_to(request.user),
        "programs.act_for_hostincubator",
        pk=pk,
    )
    return render(request, "programs/host_workspace.html", {"host": host})


@login_required
@require_GET
def failed_emails(request):
    """Emails the outbox gave up on, for the managers of the intakes they are about and the
    director: who, what, why and when, with a button to send each again."""
    if not request.user.has_perm("programs.view_failed_emails"):
        raise PermissionDenied
    emails = queries.failed_emails_visible_to(request.user)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    titles = queries.intake_titles(email.intake_ref for email in page if email.intake_ref)
    rows = [(email, titles.get(email.intake_ref, "")) for email in page]
    return render(request, "programs/manage/failed_emails.html", {"page": page, "rows": rows})


@login_required
@require_POST
def retry_email(request, pk):
    email = get_permitted_object(
        request.user,
        queries.failed_emails_visible_to(request.user),
        "programs.retry_email",
        pk=pk,
    )
    portal_services.retry_email(email, by=request.user)
    messages.success(
        request,
        _("The email “%(subject)s” is on its way again.") % {"subject": email.subject},
    )
    return redirect("programs:failed_emails")
