import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from djmoney.money import Money

from applications.models import Application, Company
from programs.enums import Phase, StaffRole
from programs.models import ForeignMarket, HostIncubator, Intake, Program

ROOT = Path(__file__).resolve().parents[2]


def seed(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def printed_credentials(output):
    return re.findall(r"(\S+@demo\.softlanding\.example)\s+(\S+)$", output, re.M)


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=true"):
        call_command("seed_demo")
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_fills_every_area_built_so_far(settings):
    seed(settings)
    # The seed's five markets, and home for the inbound exchange.
    assert sorted(m.country.code for m in ForeignMarket.objects.all()) == [
        "AE",
        "BR",
        "CA",
        "DE",
        "IN",
        "SA",
    ]
    assert HostIncubator.objects.count() == 10
    assert set(HostIncubator.objects.values_list("market__country", flat=True)) == {
        "AE",
        "BR",
        "CA",
        "DE",
        "IN",
        "SA",
    }
    program = Program.objects.get(slug="soft-landing")
    assert program.staff.filter(role=StaffRole.MANAGER).count() == 1
    assert program.staff.filter(role=StaffRole.REVIEWER).count() == 2
    assert HostIncubator.objects.filter(partner_staff__isnull=False).distinct().count() == 2
    assert Company.objects.count() == 5
    statuses = sorted(Application.objects.values_list("intake__direction", "status"))
    assert statuses == [
        ("inbound", "draft"),
        ("inbound", "submitted"),
        ("outbound", "draft"),
        ("outbound", "submitted"),
        ("outbound", "submitted"),
    ]
    intakes = {i.direction: i for i in Intake.objects.exclude(title__startswith="Autumn")}
    assert intakes["outbound"].phase == Phase.OPEN
    assert intakes["inbound"].phase == Phase.OPEN
    assert Intake.objects.get(title__startswith="Autumn").phase == Phase.UPCOMING
    assert intakes["outbound"].stipend_cap == Money(4000, "CAD")
    assert intakes["outbound"].max_stay_days == 90
    assert intakes["outbound"].criteria.count() == 5
    assert {o.host.market.country.code for o in intakes["inbound"].desk_offers.all()} == {"CA"}
    assert "CA" not in {o.host.market.country.code for o in intakes["outbound"].desk_offers.all()}


@pytest.mark.django_db
def test_every_demo_user_gets_a_random_password_printed_once(settings):
    output = seed(settings)
    credentials = printed_credentials(output)
    User = get_user_model()
    assert len(credentials) == User.objects.count() == 13
    for email, password in credentials:
        user = User.objects.get(email=email)
        assert user.check_password(password)
        assert len(password) >= 16
    assert len({password for _, password in credentials}) == len(credentials)

    again = seed(settings)
    assert printed_credentials(again) == []
    assert "already loaded" in again


def test_no_fixed_password_in_the_code():
    sources = "\n".join(p.read_text() for p in ROOT.glob("*/demo.py"))
    assert "set_password(" not in sources
    assert 'password="' not in sources
