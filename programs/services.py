from django.db import transaction

from programs import queries
from programs.models import ForeignMarket, HostIncubator, ProgramStaff


@transaction.atomic
def grant_program_role(program, *, user, role):
    """Make a person manager or reviewer of a program; granting twice changes nothing."""
    staff, _ = ProgramStaff.objects.get_or_create(program=program, user=user, role=role)
    return staff


@transaction.atomic
def revoke_program_role(program, *, user, role):
    ProgramStaff.objects.filter(program=program, user=user, role=role).delete()


@transaction.atomic
def add_host_partner(host: HostIncubator, *, user):
    host.partner_staff.add(user)


@transaction.atomic
def remove_host_partner(host: HostIncubator, *, user):
    host.partner_staff.remove(user)


@transaction.atomic
def create_market(*, country, **fields):
    """Create a market and put it in every group that lists its country."""
    market = ForeignMarket.objects.create(country=country, **fields)
    market.groups.set(queries.groups_containing(market.country.code))
    return market
