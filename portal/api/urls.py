"""The API's addresses: /api/schema/ (OpenAPI 3), /api/docs/ (Swagger UI, served from the
portal's own static files), /api/v1/... (each app's endpoints, registered by its ``api.py``
``register(router)``, in the apps' flow order)."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from portal.api.account import AccountView

# Each app's api module, in the flow order; portal's own (account, tokens) first.
API_MODULES = [
    "portal.api.account",
    "programs.api",
    "applications.api",
    "placements.api",
    "outcomes.api",
]

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# A module's endpoints that are one object rather than a list (``paths``) sit beside them.
module_paths = []
for module in API_MODULES:
    loaded = import_module(module)
    loaded.register(router)
    module_paths += getattr(loaded, "paths", [])

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/account/", AccountView.as_view(), name="account"),
    path("v1/", include(module_paths)),
    path("v1/", include(router.urls)),
]
