from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import services as portal_services
from portal.access import require
from portal.decorators import only_reads
from portal.models import OutgoingEmail
from portal.paging import PAGE_SIZE
from programs import queries
from programs.access import partner_host, visible_program


@only_reads
@login_required
def program_detail(request, pk):
    program = visible_program(request.user, pk)
    intakes = queries.intakes_of_program(program, request.user)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "intakes": intakes,
            "staff": queries.program_staff(program),
            "can_manage": request.user.has_perm("programs.manage_program", program),
        },
    )


@login_required
def host_workspace(request, pk):
    host = partner_host(request.user, pk)
    return render(request, "programs/host_workspace.html", {"host": host})


@only_reads
@login_required
@require_GET
def failed_emails(request):
    """Emails the outbox gave up on, for the managers of the intakes they are about and the
    director: who, what, why and when, with a button to send each again."""
    if not request.user.has_perm("programs.view_failed_emails"):
        raise PermissionDenied
    emails = queries.failed_emails_visible_to(request.user)
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = queries.intake_titles(email.intake_ref for email in page if email.intake_ref)
    rows = [(email, titles.get(email.intake_ref, "")) for email in page]
    return render(request, "programs/manage/failed_emails.html", {"page": page, "rows": rows})


@login_required
@require_POST
def retry_email(request, pk):
    email = require(request.user, "programs.retry_email", OutgoingEmail.objects.all(), pk=pk)
    portal_services.retry_email(email, by=request.user)
    messages.success(
        request,
        _("The email “%(subject)s” is on its way again.") % {"subject": email.subject},
    )
    return redirect("programs:failed_emails")
