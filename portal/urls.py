from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views

handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/api-tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("accounts/language/", views.account_language, name="account_language"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("portal.api.urls")),
    path("", include("programs.urls")),
    path("", include("applications.urls")),
    path("", include("placements.urls")),
    path("manage/rates/", include("placements.urls_rates")),
    path("desk-invoices/", include("placements.urls_desk_invoices")),
    path("money/", include("placements.urls_money")),
    path("", include("outcomes.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        path("errors/403/", views.forbidden),
        path("errors/404/", views.not_found),
        path("errors/500/", views.server_error),
    ]
