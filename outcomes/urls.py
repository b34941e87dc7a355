from django.urls import path

from outcomes import document_views, public_views, views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/reports/", views.firm_reports, name="firm_reports"),
    path("outcomes/reports/<int:pk>/", views.report, name="report"),
    path(
        "outcomes/reports/<int:pk>/opportunities/", views.save_opportunity, name="add_opportunity"
    ),
    path(
        "outcomes/reports/<int:pk>/opportunities/<int:opportunity_pk>/",
        views.save_opportunity,
        name="update_opportunity",
    ),
    path(
        "outcomes/reports/<int:pk>/introductions/<int:entry_pk>/confirm/",
        views.confirm_introduction,
        name="confirm_introduction",
    ),
    path("outcomes/reports/<int:pk>/market-entries/", views.add_market_entry, name="add_entry"),
    path("outcomes/reports/<int:pk>/submit/", views.submit, name="submit"),
    path("outcomes/manage/reports/", views.manage_reports, name="manage_reports"),
    path(
        "outcomes/manage/reports/completeness.csv",
        views.completeness_csv,
        name="completeness_csv",
    ),
    path("outcomes/manage/reports/<int:pk>/", views.verify, name="verify"),
    path("outcomes/manage/reports/<int:pk>/due-date/", views.move_due_date, name="move_due_date"),
    path(
        "outcomes/manage/reports/<int:pk>/opportunities/<int:opportunity_pk>/value/",
        views.opportunity_value,
        name="opportunity_value",
    ),
    path(
        "outcomes/manage/placements/<int:placement_pk>/schedule/",
        views.schedule,
        name="schedule",
    ),
    path("outcomes/manage/costs/", views.costs, name="costs"),
    path("outcomes/manage/figures/", views.figures_page, name="figures"),
    path("outcomes/manage/figures/<slug:figure>/", views.figure_records, name="figure_records"),
    path("outcomes/manage/documents/", document_views.document_list, name="documents"),
    path(
        "outcomes/manage/documents/program-report/",
        document_views.build_program_report,
        name="build_program_report",
    ),
    path(
        "outcomes/manage/placements/<int:placement_pk>/dossier/",
        document_views.build_dossier,
        name="build_dossier",
    ),
    path("outcomes/manage/documents/<int:pk>/", document_views.document, name="document"),
    path(
        "outcomes/manage/documents/<int:pk>/progress/",
        document_views.document_progress,
        name="document_progress",
    ),
    path(
        "outcomes/manage/documents/<int:pk>/download/",
        document_views.download,
        name="document_download",
    ),
    path("results/", public_views.results, name="results"),
    path("results/<int:intake_pk>/", public_views.results, name="intake_results"),
    path("results/<int:intake_pk>/publish/", public_views.publish, name="publish"),
    path("results/<int:intake_pk>/unpublish/", public_views.unpublish, name="unpublish"),
]
