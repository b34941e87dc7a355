"""The portal's URLs plus a bare page: one line of template through the same middleware.

Only the benchmark command uses this URLconf; it compares each page with the bare one.
"""

from django.shortcuts import render
from django.urls import include, path


def bare(request):
    return render(request, "portal/bench_bare.html")


urlpatterns = [
    path("__bench__/bare/", bare, name="bench_bare"),
    path("", include("portal.urls")),
]
