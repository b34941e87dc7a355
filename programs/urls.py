from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("hosts/<int:pk>/workspace/", views.host_workspace, name="host_workspace"),
]
