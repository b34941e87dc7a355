from django.urls import path

from programs.views import manage, public, staff

app_name = "programs"
urlpatterns = [
    path("intakes/", public.intake_list, name="intake_list"),
    path("intakes/<int:pk>/", public.intake_detail, name="intake_detail"),
    path("hosts/", public.host_list, name="host_list"),
    path("hosts/<int:pk>/", public.host_detail, name="host_detail"),
    path("markets/", public.market_list, name="market_list"),
    path("markets/groups/<slug:slug>/", public.group_detail, name="group_detail"),
    path("markets/<str:country>/", public.market_detail, name="market_detail"),
    path("programs/<int:pk>/", staff.program_detail, name="program_detail"),
    path("programs/<int:program_pk>/intakes/new/", manage.intake_create, name="intake_create"),
    path("hosts/<int:pk>/workspace/", staff.host_workspace, name="host_workspace"),
    path("manage/markets/", manage.market_list, name="manage_markets"),
    path("manage/markets/new/", manage.market_form, name="market_create"),
    path("manage/markets/<str:country>/edit/", manage.market_form, name="market_edit"),
    path("manage/hosts/", manage.host_list, name="manage_hosts"),
    path("manage/hosts/new/", manage.host_form, name="host_create"),
    path("manage/hosts/<int:pk>/edit/", manage.host_form, name="host_edit"),
    path("manage/intakes/<int:pk>/", manage.intake_overview, name="manage_intake"),
    path("manage/intakes/<int:pk>/terms/", manage.intake_edit, name="intake_edit"),
    path("manage/intakes/<int:pk>/desks/", manage.intake_desks, name="intake_desks"),
    path("manage/intakes/<int:pk>/rubric/", manage.intake_rubric, name="intake_rubric"),
    path(
        "manage/intakes/<int:pk>/eligibility/",
        manage.intake_eligibility,
        name="intake_eligibility",
    ),
    path("manage/intakes/<int:pk>/staff/", manage.intake_staff, name="manage_intake_staff"),
    path(
        "manage/intakes/<int:pk>/staff/<int:staff_pk>/remove/",
        manage.intake_staff_remove,
        name="intake_staff_remove",
    ),
    path("manage/intakes/<int:pk>/publish/", manage.intake_publish, name="intake_publish"),
    path("manage/emails/failed/", staff.failed_emails, name="failed_emails"),
    path("manage/emails/<int:pk>/retry/", staff.retry_email, name="retry_email"),
]
