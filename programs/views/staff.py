from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.access import get_permitted_object
from programs import queries


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
            "staff": queries.program_staff(program),
            "can_manage": request.user.has_perm("programs.manage_program", program),
        },
    )


@login_required
def host_workspace(request, pk):
    host = get_permitted_object(
        request.user,
        queries.hosts_visible_to(request.user),
        "programs.act_for_hostincubator",
        pk=pk,
    )
    return render(request, "programs/host_workspace.html", {"host": host})
