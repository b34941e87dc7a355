"""Index classes the ORM does not have."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsOrderedIndex(models.Index):
    """An index on expressions whose ``F(...).desc(nulls_last=True)`` or
    ``.asc(nulls_first=True)`` columns serve an ``ORDER BY`` with the same modifier on
    PostgreSQL, where a plain descending index puts nulls first and an ascending one last.
    SQLite refuses the modifier in an index, and its own order already puts nulls last when
    descending and first when ascending: there the column is plainly ordered."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        index = self.clone()
        index.expressions = tuple(
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
            for e in self.expressions
        )
        return models.Index.create_sql(index, model, schema_editor, using=using, **kwargs)
