"""Decorators the apps' views share."""

from django.db import transaction

# A view that only reads runs outside the request's transaction (ATOMIC_REQUESTS): under
# PostgreSQL's READ COMMITTED a transaction gives its reads no common snapshot anyway, BEGIN
# and COMMIT are two round trips, and on SQLite the transaction would take the write lock
# (IMMEDIATE) for a page that writes nothing. A view that writes, on any method, keeps it.
only_reads = transaction.non_atomic_requests
