"""portal.indexes: an index whose nulls order matches the page's ORDER BY on PostgreSQL, and
that SQLite, which refuses the modifier in an index, still creates."""

from django.db import connection

from applications.models import Application, Review


def index_sql(model, name):
    index = next(index for index in model._meta.indexes if index.name == name)
    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    return str(index.create_sql(model, editor))


def test_the_nulls_order_is_spelled_on_postgresql_only():
    rank = index_sql(Application, "application_rank_order")
    to_do = index_sql(Review, "review_list_order")
    if connection.vendor == "postgresql":
        assert '"rank_score" DESC NULLS LAST' in rank.replace("(", "").replace(")", "")
        assert '"submitted_at" ASC NULLS FIRST' in to_do.replace("(", "").replace(")", "")
    else:
        assert "NULLS" not in rank and "NULLS" not in to_do
        assert '"rank_score") DESC' in rank or '"rank_score" DESC' in rank
    assert "WHERE" in rank  # only the reviewed applications: drafts and withdrawals left out
