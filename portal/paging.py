"""Paging a list whose length is known without counting its rows, and counting rows of an
outer row in its query."""

from django.db.models import Func, Subquery

# Rows on a page of every list: one page costs what its rows cost, the same on every list.
PAGE_SIZE = 25


def count_subquery(rows):
    """The number of ``rows`` (filtered on an OuterRef) as a subquery of the outer row:
    COUNT without GROUP BY, so it always gives one row (0 when none) and is cheap to build;
    in a page's select list PostgreSQL counts it for the rows of the page only."""
    return Subquery(rows.order_by().values(n=Func("pk", function="COUNT")))


class Counted:
    """A queryset and its length, already known, for the Paginator, which asks count() of
    this, not of the database: a list page's total comes from a kept count, or from a
    narrow count query, instead of a COUNT over the page's joins."""

    def __init__(self, queryset, total):
        self.queryset, self.total = queryset, total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, window):
        return self.queryset[window]
