"""A program with results worth publishing: eight firms placed in one intake, five at a
Berlin host (DE), two at a São Paulo host (BR) and one at a Paris host (FR), each with a
verified end-of-stay report naming one opportunity of CAD 1,000 (the Paris firm's: 500).

Published by market, BR (2 firms) and FR (1 firm) are fewer than 5 firms: both hidden, and
together they hold 3 firms and CAD 2,500, so neither can be worked out; DE is shown.
"""

from djmoney.money import Money

from outcomes import services
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement

SPREAD = [("DE", "Berlin Hub", 5), ("BR", "São Paulo Hub", 2), ("FR", "Paris Hub", 1)]


def eight_firms(intake, manager, partner, spread=SPREAD):
    """``spread``: (country, host name, firms) of each host; the hosts' names are made unique
    to the intake, so that two intakes may share a spread."""
    owner = factories.UserFactory()
    placements = []
    for country, name, firms in spread:
        if spread is not SPREAD:
            name = f"{name} ({intake.title})"
        host = factories.DeskOfferFactory(
            intake=intake,
            host__name=name,
            host__market__country=country,
            host__desk_capacity=firms,
            desks=firms,
        ).host
        host.partner_staff.add(partner)
        for number in range(firms):
            company = factories.CompanyFactory(name=f"{name} firm {number + 1}", employees=4)
            factories.CompanyMemberFactory(company=company, user=owner)
            offer = accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40))
            placement = ended_placement(offer, partner)
            report = services.schedule_reports(placement)[0]
            value = 500 if country == "FR" else 1000
            services.save_opportunity(
                report, by=owner, organisation=f"Buyer {number + 1}", country=country,
                kind="sales-contract", value=Money(value, "CAD"), stage="identified",
                identified_on=day(-2), attribution="decisive",
            )  # fmt: skip
            services.record_market_entry(
                report, by=owner, country=country, kind="first-sale", on=day(-1)
            )
            services.save_report(report, by=owner, version=None, narrative="Done.")
            services.submit_report(report, by=owner)
            services.verify_report(report, by=manager)
            placements.append(placement)
    services.add_program_cost(
        intake, by=manager, description="Events", amount=Money(1000, "CAD"), on=day(-5)
    )
    return placements
