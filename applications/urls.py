from django.urls import path

from applications.views import (
    applicant,
    companies,
    partner,
    review,
    reviewer,
    selection,
    staff,
)

app_name = "applications"
urlpatterns = [
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/profile/", companies.company_edit, name="company_edit"),
    path(
        "companies/<int:pk>/members/<int:member_pk>/remove/",
        companies.member_remove,
        name="member_remove",
    ),
    path(
        "companies/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        companies.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", companies.invitation_accept, name="invitation_accept"),
    path("intakes/<int:intake_pk>/eligibility/", applicant.eligibility_check, name="eligibility"),
    path("intakes/<int:intake_pk>/apply/", applicant.start, name="start"),
    path("applications/<int:pk>/submit/", applicant.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        applicant.document_download,
        name="document",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/remove/",
        applicant.document_remove,
        name="document_remove",
    ),
    path("applications/<int:pk>/<slug:step>/", applicant.step, name="step"),
    path(
        "manage/intakes/<int:intake_pk>/applications/",
        staff.application_list,
        name="intake_applications",
    ),
    path("manage/applications/<int:pk>/", staff.application_detail, name="manage_application"),
    path("manage/applications/<int:pk>/extend/", staff.extend, name="extend"),
    path("manage/intakes/<int:intake_pk>/review/", review.dashboard, name="review_dashboard"),
    path(
        "manage/intakes/<int:intake_pk>/review/settings/",
        review.review_settings,
        name="review_settings",
    ),
    path("manage/intakes/<int:intake_pk>/review/score-mode/", review.score_mode, name="score_mode"),
    path("manage/intakes/<int:intake_pk>/shortlist/", review.shortlist, name="shortlist"),
    path("manage/intakes/<int:intake_pk>/assignments/", review.assignments, name="assignments"),
    path(
        "manage/intakes/<int:intake_pk>/assignments/auto/",
        review.assign_automatically,
        name="assign_automatically",
    ),
    path(
        "manage/intakes/<int:intake_pk>/conflicts/<int:conflict_pk>/assign/",
        review.accept_replacement,
        name="accept_replacement",
    ),
    path(
        "manage/applications/<int:pk>/screening/",
        review.override_screening,
        name="override_screening",
    ),
    path("manage/applications/<int:pk>/assign/", review.assign, name="assign"),
    path(
        "manage/applications/<int:pk>/shortlist/",
        review.toggle_shortlist,
        name="toggle_shortlist",
    ),
    path("reviews/", reviewer.review_list, name="reviews"),
    path("reviews/<int:pk>/", reviewer.review, name="review"),
    path("reviews/<int:pk>/conflict/", reviewer.declare_conflict, name="declare_conflict"),
    path("host-fit/", partner.host_fit_queue, name="host_fit_queue"),
    path(
        "host-fit/<int:application_pk>/<int:host_pk>/",
        partner.give_host_fit,
        name="give_host_fit",
    ),
    path("manage/intakes/<int:intake_pk>/selection/", selection.selection, name="selection"),
    path(
        "manage/intakes/<int:intake_pk>/selection/compare/",
        selection.compare,
        name="compare_runs",
    ),
    path(
        "manage/intakes/<int:intake_pk>/selection/decisions/",
        selection.decisions,
        name="decisions",
    ),
    path(
        "manage/intakes/<int:intake_pk>/selection/seats/<int:pk>/",
        selection.offer_seat,
        name="offer_seat",
    ),
    path("manage/selection-runs/<int:pk>/", selection.run, name="selection_run"),
    path("manage/selection-runs/<int:pk>/progress/", selection.run_progress, name="run_progress"),
    path("manage/selection-runs/<int:pk>/adjust/", selection.adjust, name="adjust_slate"),
    path("manage/selection-runs/<int:pk>/confirm/", selection.confirm, name="confirm_slate"),
    path("offers/<int:pk>/", selection.offer, name="offer"),
    path("offers/<int:pk>/accept/", selection.answer, {"choice": "accept"}, name="accept_offer"),
    path("offers/<int:pk>/decline/", selection.answer, {"choice": "decline"}, name="decline_offer"),
]
