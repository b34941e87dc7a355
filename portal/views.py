from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from portal.dashboard import sections_for


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
@require_GET
def dashboard(request):
    """One address for everyone: it shows each person the work their roles give them."""
    return render(request, "portal/dashboard.html", {"sections": sections_for(request)})


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
