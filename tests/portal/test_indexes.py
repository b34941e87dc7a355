"""portal.indexes: an index whose nulls order matches the page's ORDER BY on PostgreSQL, and
that SQLite, which refuses the modifier in an index, still creates; a trigram index for
searches by name on PostgreSQL."""

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
    if connection.vendor == "postgresql":
        assert "WHERE" in rank  # only the reviewed applications: drafts and withdrawals left out
    else:
        # Whole on SQLite, which reads a partial index only when the query names the
        # condition's values literally (Django sends parameters).
        assert "WHERE" not in rank


def test_the_name_search_index_is_a_trigram_index_on_postgresql_only():
    from applications.models import Company

    search = index_sql(Company, "company_name_search")
    if connection.vendor == "postgresql":
        assert 'USING gin ((UPPER("name")) gin_trgm_ops)' in search
    else:
        assert 'ON "applications_company" ((UPPER("name")))' in search
        assert "gin" not in search.lower()
