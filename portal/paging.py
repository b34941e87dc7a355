"""Paging a list whose length is known without counting its rows."""


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
