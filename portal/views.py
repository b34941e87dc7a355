import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import i18n
from django.views.decorators.http import require_GET

from portal.dashboard import sections_for
from portal.services import remember_language


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
@require_GET
def dashboard(request):
    """One address for everyone: it shows each person the work their roles give them."""
    return render(request, "portal/dashboard.html", {"sections": sections_for(request)})


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on their account,
    so that emails reach them in it."""
    response = i18n.set_language(request)
    if request.method == "POST" and response.status_code == 302:
        remember_language(request.user, request.POST.get("language", ""))
    return response


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def server_error(request):
    # Rendered without the request's context processors, so it works with the database down.
    # Django calls this while it handles the exception: a database that does not answer (a
    # restart, a failover) is said as such, with a 503 that asks to try again shortly. The
    # request's transaction (ATOMIC_REQUESTS) was rolled back, so nothing of it was kept.
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
