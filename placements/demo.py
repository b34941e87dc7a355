"""Demo data of placements (seed_demo calls seed after the programs' and applications')."""

from placements.demo_money import seed_desk_invoices, seed_rates


def seed(run):
    seed_rates(run)
    # After the placements are seeded: invoices are drawn from their stays.
    seed_desk_invoices(run)
