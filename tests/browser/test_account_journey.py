"""A new person signs up, verifies, logs in, lands on the dashboard and logs out, in Chromium."""

import re

import pytest
from django.core import mail

from tests.passwords import common_password, strong_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()


def test_sign_up_verify_log_in_dashboard_log_out(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Email").fill("founder@northwind.example")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_label("Email").fill("founder@northwind.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Welcome, founder@northwind.example").wait_for()
    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("heading", name="Your companies").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()
    page.goto("/dashboard/")
    assert "/accounts/login/" in page.url


def test_sign_up_errors_show_next_to_the_fields_and_keyboard_reaches_them(page):
    page.goto("/accounts/signup/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"

    page.get_by_label("Email").fill("founder@northwind.example")
    weak = common_password()
    page.locator("#id_password1").fill(weak)
    page.locator("#id_password2").fill(weak)
    page.get_by_role("button", name="Sign Up").click()

    error = page.locator("#id_password1_error")
    error.wait_for()
    assert "This password is too common." in error.inner_text()
    assert page.locator("#id_password1").get_attribute("aria-invalid") == "true"


def test_language_switcher_shows_the_portal_in_french(page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Français").click()
    page.get_by_role("link", name="Créer un compte").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
