from django.urls import path

from placements.views import rates

app_name = "rates"
urlpatterns = [
    path("", rates.rate_list, name="list"),
    path("add/", rates.rate_add, name="add"),
    path("upload/", rates.rate_upload, name="upload"),
]
