"""Row locks taken in one order, so that two services never wait on each other.

Every service that holds several rows of a table while it changes what they guard locks
them through ``lock_in_order``: by primary key (or the order given), each table's rows in the
same order whatever the service. On PostgreSQL, rows that other rows name by a foreign key
are locked ``FOR NO KEY UPDATE`` (the default here): Django checks those keys when a
transaction commits (``FOR KEY SHARE``), which a plain ``FOR UPDATE`` held by another change
would block, a deadlock. Applications are the exception (``no_key=False``): the application
services lock them ``FOR UPDATE`` everywhere, and the locks of one table must agree.
docs/architecture.md lists which table comes before which."""


def lock_in_order(rows, *, order_by=("pk",), no_key=True):
    """Lock the rows of the queryset ``rows`` in the caller's transaction, in ``order_by``
    order; returns their primary keys, in that order."""
    return list(
        rows.select_for_update(of=("self",), no_key=no_key)
        .order_by(*order_by)
        .values_list("pk", flat=True)
    )
