from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import i18n
from django.views.decorators.http import require_GET

from portal import home as home_panels
from portal.dashboard import sections_for
from portal.services import remember_language


@require_GET
def home(request):
    return render(request, "portal/home.html", {"panels": home_panels.panels()})


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


def server_error(request):
    # Rendered without the request's context processors, so it works with the database down.
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
