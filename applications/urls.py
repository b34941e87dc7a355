from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
]
