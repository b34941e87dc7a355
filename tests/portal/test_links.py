from django.urls import reverse

from portal.links import absolute_url, link_to


def test_links_start_with_the_configured_address(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    assert link_to("applications:reviews") == "https://portal.example.org" + reverse(
        "applications:reviews"
    )
    assert (
        absolute_url("http://internal.local:8000/accounts/confirm-email/abc/?next=%2F")
        == "https://portal.example.org/accounts/confirm-email/abc/?next=%2F"
    )
