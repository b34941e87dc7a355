import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_GET, require_POST

from portal import home as home_panels
from portal import tokens
from portal.dashboard import sections_for
from portal.decorators import only_reads
from portal.forms import ApiTokenForm, LanguageForm
from portal.middleware import log_in_url, page_of_form, sent_from_this_site, typed, unsaved
from portal.services import remember_language


@require_GET
def home(request):
    return render(request, "portal/home.html", {"panels": home_panels.panels()})


@only_reads
@login_required
@require_GET
def dashboard(request):
    """One address for everyone: it shows each person the work their roles give them. It
    only reads (portal.decorators.only_reads)."""
    return render(request, "portal/dashboard.html", {"sections": sections_for(request)})


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on their account,
    so that emails reach them in it."""
    response = i18n.set_language(request)
    if request.method == "POST" and response.status_code == 302:
        remember_language(request.user, request.POST.get("language", ""))
    return response


@login_required
def account_language(request):
    """The account page's language: the pages' and the emails'. An account with none set
    shows the language the pages are read in now."""
    form = LanguageForm(
        request.POST or None,
        initial={"language": request.user.language or translation.get_language()},
    )
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "portal/account_language.html", {"form": form}, status=400)
        language = form.cleaned_data["language"]
        remember_language(request.user, language)
        with translation.override(language):
            messages.success(request, _("Your language is saved, for the pages and the emails."))
        response = redirect("account_language")
        # The pages follow it at once, as with the header's switch (Django's set_language).
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "portal/account_language.html", {"form": form})


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form refused because the page was opened before the person signed in again (which
    renews the form's token), or its session ended: said in words, with what to do so that
    what they typed is not lost, instead of Django's technical page. A background save gets
    the same in a line for the form's save status."""
    # Django's reasons that are not the form's token: the browser withheld where the form came
    # from (a privacy setting or an extension), or it came from another site.
    from_elsewhere = reason.startswith(("Referer checking failed", "Origin checking failed"))
    if request.headers.get("HX-Request"):
        if from_elsewhere:
            text = _("Not saved: your browser did not say which page sent this. Reload the page.")
        else:
            text = _(
                "Not saved: this page was opened before you last signed in. Copy what you "
                "typed, reload the page, and paste it back."
            )
        return unsaved(text, 403)
    # What was typed is shown back (to copy) only when the browser says one of the portal's
    # pages sent it: a form from another site must not write its text into a portal page.
    shown = typed(request) if not from_elsewhere and sent_from_this_site(request) else []
    signed_out = not request.user.is_authenticated
    context = {
        "from_elsewhere": from_elsewhere,
        "typed": shown,
        "log_in_url": log_in_url(page_of_form(request)) if signed_out else "",
    }
    return render(request, "403_csrf.html", context, status=403)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # An address under /api/ that names no endpoint answers in the API's error shape.
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "fields": {}}, status=404
        )
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


@login_required
def api_tokens(request):
    """The account page's API tokens: make one (its text is shown this once), see each one's
    use, revoke one."""
    choices = tokens.scope_choices(request.user)
    form = ApiTokenForm(request.POST or None, scope_choices=choices)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, text = tokens.create_api_token(
                request.user,
                name=data["name"],
                expires_on=data["expires_on"],
                can_write=data["can_write"],
                scope=tokens.scope_from_values(data["scope"]),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            created = {"token": token, "text": text}
            form = ApiTokenForm(scope_choices=choices)
    labels = {value: label for _kind, options in choices for value, label in options}
    rows = [
        {"token": token, "reaches": _reaches(token.scope, labels)}
        for token in tokens.tokens_of(request.user)
    ]
    return render(
        request,
        "portal/api_tokens.html",
        {"form": form, "created": created, "rows": rows, "docs_url": reverse("api:docs")},
    )


def _reaches(scope, labels):
    """What a token's scope names, in words (an id no longer the person's by its number)."""
    words = []
    for kind, value in scope.items():
        items = [value] if value == tokens.ALL else value
        words += [str(labels.get(f"{kind}:{item}", f"{kind} {item}")) for item in items]
    return words


@login_required
@require_POST
def revoke_api_token(request, pk):
    token = get_object_or_404(tokens.tokens_of(request.user), pk=pk)
    tokens.revoke_api_token(token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
