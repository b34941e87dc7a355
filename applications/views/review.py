"""Program managers run the review of an intake: dashboard, settings, assignment, shortlist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications import rules as perms
from applications.access import application_for
from applications.enums import ApplicationStatus, HostFit, ScreeningOutcome
from applications.filters import REVIEW_STATUSES, ReviewFilter
from applications.models import Application, FilterCount
from applications.views.staff import detail_page
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.feedback import form_refused, refused, written
from portal.filterbar import filter_fields
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels, number_format
from programs import services as programs_services
from programs.access import managed_intake
from programs.enums import ScoreAggregate
from programs.forms import ReviewSettingsForm, ScoreModeForm


def _scores():
    """A function writing a score with one decimal in the current language, "—" for none."""
    number = number_format(1)
    return lambda value: "—" if value is None else number(value)


def _rows(intake, values):
    """The page's rows (queries.dashboard_rows) as strings, formatted once per page: the
    template's loop only prints them."""
    fits = queries.host_fits(values)
    statuses = labels(ApplicationStatus)
    outcomes = labels(ScreeningOutcome)
    opinions = labels(HostFit)
    _score = _scores()
    separator = pgettext("list separator", "; ")
    fit = _("%(host)s: %(opinion)s")
    rows = []
    for value in values:
        pk, spread = value["pk"], value["spread"]
        outcome = value["screening__override_outcome"] or value["screening__outcome"]
        host_fits = fits.get(pk, [])
        rows.append(
            {
                "pk": pk,
                "url": reverse("applications:manage_application", args=[pk]),
                "company": value["company__name"],
                "status": statuses[value["status"]],
                "selectable": perms.may_be_shortlisted(value["status"]),
                "screening": outcomes.get(outcome, "—"),
                "reviews": f"{value['reviews_in'] or 0}/{value['assigned']}",
                "score": _score(value["rank_score"]),
                "raw": _score(value["raw_score"]),
                "calibrated": _score(value["calibrated_score"]),
                "spread": _score(spread),
                "disagree": spread is not None and spread >= intake.disagreement_points,
                "fits": separator.join(
                    fit % {"host": host, "opinion": opinions[opinion]}
                    for host, opinion in host_fits
                ),
                "not_a_fit": any(opinion == HostFit.NOT_A_FIT for _host, opinion in host_fits),
            }
        )
    return rows


@only_reads
@login_required
def dashboard(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    return _dashboard(request, intake, request.GET)


def _dashboard(request, intake, data, *, top_form=None, tick_form=None):
    """The dashboard for the filters in ``data``; with a refused shortlist form, its errors
    next to its fields."""
    filters = ReviewFilter(data, queryset=queries.reviewed_applications(intake), intake=intake)
    valid = filters.is_valid()
    if data.get("format") == "csv":
        return _csv(intake, filters.qs if valid else filters.queryset.none())
    counts = queries.status_counts(intake)
    listed = []
    if valid:
        total = _total(intake, filters.form.cleaned_data, counts)
        if total is None:  # counted without the page's columns (and their joins)
            total = filters.qs.count()
        listed = Counted(queries.dashboard_rows(filters.qs), total)
    page = Paginator(listed, PAGE_SIZE).get_page(data.get("page"))
    rows = _rows(intake, list(page.object_list))
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/review/dashboard.html",
        {
            "intake": intake,
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            # "In review: 12 · Shortlisted: 3", one string (the template escapes it).
            "counts": " · ".join(
                _("%(status)s: %(count)s") % {"status": label, "count": counts[value]}
                for value, label in labels(ApplicationStatus).items()
                if counts.get(value)
            ),
            # The two small forms are drawn by hand in the template; their fields are
            # ScoreModeForm's and ShortlistTopForm's.
            "aggregates": ScoreAggregate.choices,
            "top_form": top_form,
            "tick_form": tick_form,
            "max_count": forms.MAX_COUNT,
        },
    )


def _total(intake, cleaned, counts):
    """How many applications the filters select when kept counts tell (no filter but the
    status and what needs attention), or None (a company's name searched)."""
    if cleaned.get("q"):
        return None
    statuses = [cleaned["status"]] if cleaned.get("status") else [v for v, _l in REVIEW_STATUSES]
    if cleaned.get("attention"):
        return queries.list_total(
            intake, statuses=statuses, facet=FilterCount.ATTENTION, value=cleaned["attention"]
        )
    return sum(counts.get(status, 0) for status in statuses)


def _progress(intake):
    reviewers = []
    _score = _scores()
    for row in queries.reviewer_progress(intake):
        name = row["full_name"] or row["email"]
        reviewers.append({**row, "name": name, "mean_given": _score(row["mean_given"])})
    return reviewers


def _csv(intake, applications):
    header = [_("Company"), _("Status"), _("Screening"), _("Reviews in"), _("Raw score"),
              _("Calibrated score"), _("Disagreement"), _("Host fit")]  # fmt: skip

    def rows():
        paginator = Paginator(queries.dashboard_rows(applications), 500)
        for number in paginator.page_range:
            page = paginator.page(number)
            for row in _rows(intake, list(page.object_list)):
                yield [row["company"], row["status"], row["screening"], row["reviews"],
                       row["raw"], row["calibrated"], row["spread"], row["fits"]]  # fmt: skip

    return csv_download(f"intake-{intake.pk}-review.csv", header, rows())


@login_required
@require_POST
def score_mode(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    form = ScoreModeForm(request.POST, instance=intake)
    if form.is_valid():
        programs_services.update_review_settings(intake, by=request.user, **form.cleaned_data)
        messages.success(request, _("The ranking now uses the scores you chose."))
    else:
        messages.error(request, _("Choose how to combine the scores."))
    return redirect("applications:review_dashboard", intake_pk=intake.pk)


@login_required
def review_settings(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    form = ReviewSettingsForm(request.POST or None, instance=intake)
    if request.method == "POST" and form.is_valid():
        programs_services.update_review_settings(
            intake, by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
        )
        messages.success(request, _("Review settings saved."))
        return redirect("applications:review_dashboard", intake_pk=intake.pk)
    intake.refresh_from_db()  # a bound ModelForm changes its instance while validating
    return render(request, "applications/review/settings.html", {"intake": intake, "form": form})


@login_required
@require_POST
def shortlist(request, intake_pk):
    """Shortlist the ticked applications, or the top N; a refusal is shown on the dashboard,
    next to the form's fields."""
    intake = managed_intake(request.user, intake_pk)
    top = "top" in request.POST
    form = (forms.ShortlistTopForm if top else forms.ShortlistForm)(request.POST)
    chosen = None
    if form.is_valid():
        try:
            if top:
                chosen = services.shortlist_top(intake, by=request.user, **form.cleaned_data)
            else:
                applications = Application.objects.filter(
                    intake=intake, pk__in=form.cleaned_data["application"]
                )
                chosen = services.shortlist(list(applications), by=request.user)
        except ValidationError as error:
            form.add_error(None if top else "application", error)
    if chosen is None:
        back = QueryDict(request.POST.get("back", ""), mutable=True)
        back.pop("format", None)  # the page again, not a download
        kept = {"top_form": form} if top else {"tick_form": form}
        return _dashboard(request, intake, back, **kept)
    messages.success(
        request,
        ngettext("%(n)s application shortlisted.", "%(n)s applications shortlisted.", len(chosen))
        % {"n": len(chosen)},
    )
    return redirect(reverse("applications:review_dashboard", args=[intake.pk]) + _back(request))


def _back(request):
    query = request.POST.get("back", "")
    return f"?{query}" if query else ""


@login_required
def assignments(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    return render(
        request,
        "applications/review/assignments.html",
        {
            "intake": intake,
            "reviewers": _progress(intake),
            "conflicts": list(queries.open_conflicts(intake)),
            "short": list(queries.short_of_reviewers(intake)[:50]),
        },
    )


@login_required
@require_POST
def assign_automatically(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    created, short = services.assign_reviewers(intake, by=request.user)
    messages.success(
        request,
        ngettext("%(n)s review assigned.", "%(n)s reviews assigned.", len(created))
        % {"n": len(created)},
    )
    if short:
        messages.warning(
            request,
            ngettext(
                "%(n)s application could not get enough reviewers free of conflicts.",
                "%(n)s applications could not get enough reviewers free of conflicts.",
                len(short),
            )
            % {"n": len(short)},
        )
    return redirect("applications:assignments", intake_pk=intake.pk)


@login_required
@require_POST
def accept_replacement(request, intake_pk, conflict_pk):
    intake = managed_intake(request.user, intake_pk)
    conflict = get_object_or_404(queries.open_conflicts(intake), pk=conflict_pk)
    application = get_object_or_404(
        Application.objects.select_related("intake"), pk=conflict.application_id
    )
    if conflict.replacement is None:
        messages.error(request, _("There is no proposed replacement; assign someone by hand."))
    else:
        try:
            services.assign_reviewer(application, conflict.replacement, by=request.user)
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Replacement assigned."))
    return redirect("applications:assignments", intake_pk=intake.pk)


def _managed_application(request, pk, permission):
    return application_for(
        request.user, pk, act=permission, queryset=Application.objects.select_related("intake")
    )


@login_required
@require_POST
def override_screening(request, pk):
    application = _managed_application(request, pk, "applications.screen_application")
    form = forms.ScreeningOverrideForm(
        request.POST, decisions=perms.screening_decisions(application.status)
    )

    def decide(data):
        services.override_screening(
            application,
            by=request.user,
            eligible=data["decision"] == "eligible",
            reason=data["reason"],
        )

    if written(form, decide):
        messages.success(request, _("Screening decision recorded."))
        return redirect("applications:manage_application", pk=application.pk)
    if not perms.can_be_screened_by_hand(request.user, application):
        # The application moved on since (withdrawn, shortlisted): the page has no decision
        # form to show the reasons next to, so they are said above it.
        form_refused(request, form)
        return redirect("applications:manage_application", pk=application.pk)
    # Refused (by the form or the service): the page again, the decision open with the
    # reason as typed, and why.
    return detail_page(request, application.pk, override_form=form, status=400)


@login_required
@require_POST
def assign(request, pk):
    application = _managed_application(request, pk, "applications.assign_application")
    form = forms.AssignForm(request.POST, reviewers=queries.reviewers_of(application.intake))
    if form.is_valid():
        try:
            services.assign_reviewer(application, form.cleaned_data["reviewer"], by=request.user)
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Reviewer assigned."))
    else:
        messages.error(request, _("Choose a reviewer of this intake."))
    return redirect("applications:manage_application", pk=application.pk)


@login_required
@require_POST
def toggle_shortlist(request, pk):
    application = _managed_application(request, pk, "applications.shortlist_application")
    try:
        if perms.is_on_shortlist(request.user, application):
            services.unshortlist(application, by=request.user)
            messages.success(request, _("Back in review."))
        else:
            services.shortlist([application], by=request.user)
            messages.success(request, _("Shortlisted."))
    except ValidationError as error:
        refused(request, error)
    return redirect("applications:manage_application", pk=application.pk)
