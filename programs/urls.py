from django.urls import path

from programs.views import public, staff

app_name = "programs"
urlpatterns = [
    path("markets/", public.market_list, name="market_list"),
    path("markets/groups/<slug:slug>/", public.group_detail, name="group_detail"),
    path("markets/<str:country>/", public.market_detail, name="market_detail"),
    path("programs/<int:pk>/", staff.program_detail, name="program_detail"),
    path("hosts/<int:pk>/workspace/", staff.host_workspace, name="host_workspace"),
]
