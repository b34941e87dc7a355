"""Public results: a manager publishes an intake's verified figures, and the public page
reads them with small groups suppressed (outcomes.suppression).

Publishing is a row (``Publication``) and an audit row (``PublicationEvent``) for each
publish and unpublish. The page computes the figures of the published intakes when it is
drawn, from verified records only, so a verification shows on the next visit; a breakdown
is only ever shown after ``suppress`` has hidden its small cells, whatever the address asks.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outcomes import charts, figures
from outcomes.enums import Basis, Dimension, PublicationAction
from outcomes.models import Publication, PublicationEvent
from outcomes.suppression import THRESHOLD, Cell, suppress_jointly
from programs.models import Intake

# The breakdowns the public page offers; anything else asked for is the first.
PUBLIC_DIMENSIONS = [Dimension.MARKET, Dimension.SECTOR, Dimension.YEAR]
# What a public breakdown cell shows besides its firms. Deals won, jobs and investment are
# shown for the whole only: in groups of a few firms they are mostly zero, which would tell.
CELL_MEASURES = ["opportunities", "value_identified"]


def _require(user, intake):
    if not user.has_perm("outcomes.publish_results", intake):
        raise ValidationError(_("Only the intake's managers may publish its results."))


@transaction.atomic
def publish_results(intake, *, by, note=""):
    """Make an intake's verified figures public. Refused while fewer than 5 firms are placed
    in it: its figures would describe fewer than 5 firms."""
    _require(by, intake)
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    if Publication.objects.filter(intake=intake).exists():
        raise ValidationError(_("This intake's results are already published."))
    placed = figures.headline(figures.Scope(Intake.objects.filter(pk=intake.pk))).companies
    if placed < THRESHOLD:
        raise ValidationError(
            _(
                "This intake has %(placed)s firms placed; results are published from "
                "%(threshold)s, so that no figure describes fewer firms."
            )
            % {"placed": placed, "threshold": THRESHOLD}
        )
    publication = Publication.objects.create(intake=intake, published_by=by)
    PublicationEvent.objects.create(
        intake=intake, action=PublicationAction.PUBLISHED, actor=by, note=note
    )
    return publication


@transaction.atomic
def unpublish_results(intake, *, by, note=""):
    _require(by, intake)
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    deleted, _rows = Publication.objects.filter(intake=intake).delete()
    if not deleted:
        raise ValidationError(_("This intake's results are not published."))
    PublicationEvent.objects.create(
        intake=intake, action=PublicationAction.UNPUBLISHED, actor=by, note=note
    )


def published_intakes():
    return Intake.objects.filter(results_publication__isnull=False)


@dataclass
class PublicRow:
    label: str
    hidden: bool
    figures: figures.Figures


@dataclass
class PublicBreakdown:
    dimension: str
    rows: list  # PublicRow, hidden ones with no figures to show
    withheld: bool


def _intakes_cells(dimension):
    """{published intake pk: [Cell]} by ``dimension`` on the verified basis: the cells each
    intake's own page shows, from two grouped queries whatever the number of intakes."""
    scope = figures.Scope(published_intakes())
    per_intake = figures.cell_breakdown(scope, dimension, per_intake=True)
    return {intake: _cells(rows) for intake, rows in per_intake.items()}


def _cells(rows):
    # A group of no firm (a cost alone) is hidden anyway (public_breakdown): as a cell it
    # would be one more to cover, with a floor of one firm it does not hold.
    return [
        Cell(row.group, row.figures.companies,
             {name: getattr(row.figures, name) for name in CELL_MEASURES})
        for row in rows
        if row.figures.companies
    ]  # fmt: skip


def public_breakdown(scope, dimension):
    """A breakdown of the verified figures with its small cells hidden (rules in
    outcomes.suppression), jointly with the other published pages of the same breakdown (the
    intakes' and all of them together): the only breakdown the public page draws."""
    rows = figures.cell_breakdown(scope, dimension)
    every = figures.Scope(scope.intakes)
    whole = rows if not scope.intake else figures.cell_breakdown(every, dimension)
    together, each = suppress_jointly(_cells(whole), _intakes_cells(dimension))
    result = each.get(scope.intake) if scope.intake else together
    withheld = result is None or result.withheld

    def hidden(row):
        # A group of no firms (a cost alone) is not among the cells: hidden all the same.
        return withheld or result.is_hidden(row.group) or row.figures.companies < THRESHOLD

    return PublicBreakdown(
        dimension=dimension,
        rows=[
            PublicRow(row.label, hidden(row), figures.Figures() if hidden(row) else row.figures)
            for row in rows
        ],
        withheld=withheld,
    )


def public_results(intake=None, dimension=Dimension.MARKET):
    """What the public page shows: the headline of the published intakes (or of one), its
    breakdown by ``dimension``, and the charts, all from suppressed breakdowns."""
    if dimension not in PUBLIC_DIMENSIONS:
        dimension = PUBLIC_DIMENSIONS[0]
    scope = figures.Scope(published_intakes(), intake=intake.pk if intake else None)
    headline = figures.headline(scope, Basis.VERIFIED)
    by_market = public_breakdown(scope, Dimension.MARKET)
    by_year = public_breakdown(scope, Dimension.YEAR)
    chosen = {Dimension.MARKET: by_market, Dimension.YEAR: by_year}.get(dimension) or (
        public_breakdown(scope, dimension)
    )
    return {
        "headline": headline,
        "breakdown": chosen,
        "market_chart": charts.bars(
            [(row.label, row.figures.value_identified) for row in by_market.rows if not row.hidden]
        ),
        "year_chart": charts.bars(
            [(row.label, row.figures.value_identified) for row in by_year.rows if not row.hidden]
        ),
        "hidden_markets": [row.label for row in by_market.rows if row.hidden],
        "hidden_years": [row.label for row in by_year.rows if row.hidden],
        # Whether the cost (and so the ROI) leaves out payments no rate converts: said, but
        # not which or how much (one payment's amount is one firm's stipend or desk invoice,
        # which the breakdowns would hide).
        "cost_incomplete": bool(figures.payments_left_out(scope)),
    }
