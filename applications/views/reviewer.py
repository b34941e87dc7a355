"""Reviewers: their assignments, the scoring form, and conflicts of interest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications import rules as perms
from applications.access import application_for, review_for
from applications.enums import ApplicationStatus, Recommendation
from applications.models import Application
from portal.dates import moment_writer
from portal.decorators import only_reads
from portal.feedback import refused
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels, number_format


@only_reads
@login_required
def review_list(request):
    listed = Counted(queries.assignment_rows(request.user), queries.assignment_count(request.user))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = labels(ApplicationStatus)
    recommendations = labels(Recommendation)
    number = number_format(1)
    moment = moment_writer()
    rows = []
    for value in page.object_list:
        due = value["application__intake__reviews_due_at"]
        # The reviewer's own firm: no link (its review is not theirs to open) and no status
        # (a decision held from the firm is not told to its member here).
        own = value["on_team"]
        rows.append(
            {
                "url": "" if own else reverse("applications:review", args=[value["pk"]]),
                "own": own,
                "company": value["application__company__name"],
                "intake": value["application__intake__title"],
                "status": "" if own else statuses[value["application__status"]],
                "open": not own and perms.is_reviewable(value["application__status"]),
                "done": value["submitted_at"] is not None,
                "score": "—" if value["score"] is None else number(value["score"]),
                "recommendation": recommendations.get(value["recommendation"], ""),
                "due": moment(due) if due else "—",
            }
        )
    return render(
        request,
        "applications/reviewer/list.html",
        {
            "page": page,
            "rows": rows,
            "conflicts": list(queries.conflicts_of(request.user)),
        },
    )


def _review(request, pk):
    # Someone else's review, or a review that does not exist, is a 404.
    return review_for(request.user, pk)


@login_required
def review(request, pk):
    review = _review(request, pk)
    application = application_for(
        request.user,
        review.application_id,
        queryset=queries.with_everything(Application.objects.all()),
    )
    intake = application.intake
    criteria = list(intake.criteria.all())
    data = request.POST if request.method == "POST" else None
    form = forms.ReviewForm(data, criteria=criteria, review=review)
    is_open = request.user.has_perm("applications.change_review", review)
    status = 200
    if request.method == "POST":
        status = 400  # unless it is saved below
        if not is_open:
            # Closed while the reviewer typed (a withdrawal, a decision): the page again with
            # what they typed and why, for them to keep it.
            form.add_error(
                None,
                _(
                    "This application left review while you were writing: your review is not "
                    "saved. What you typed is below, for you to copy."
                ),
            )
        elif form.is_valid():
            try:
                services.save_review(
                    review,
                    by=request.user,
                    values=form.values(),
                    comment=form.cleaned_data["comment"],
                    recommendation=form.cleaned_data["recommendation"],
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your review is saved. You can change it while the application "
                        "is in review."
                    ),
                )
                return redirect("applications:review", pk=review.pk)
    show_others = review.is_in or not intake.blind_until_reviewed
    return render(
        request,
        "applications/reviewer/review.html",
        {
            "review": review,
            "application": application,
            "form": form,
            "is_open": is_open,
            "others": list(queries.other_reviews(review)) if show_others else None,
            "criteria": criteria,
            "conflict_form": forms.ConflictForm(),
        },
        status=status,
    )


def _attach(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def declare_conflict(request, pk):
    review = _review(request, pk)
    form = forms.ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly what the conflict is."))
        return redirect("applications:review", pk=review.pk)
    try:
        services.declare_conflict(review, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        refused(request, error)
        return redirect("applications:reviews")
    messages.success(
        request,
        _("Conflict recorded. The application is no longer yours to review; the program "
          "will give it to another reviewer."),
    )  # fmt: skip
    return redirect("applications:reviews")
