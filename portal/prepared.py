"""Queries compiled to SQL once per process, for the pages that list many rows.

Building a queryset and compiling it costs Django more than the database takes to run
most of the list pages' queries: on the 2-core server about 2 ms for the manager's
intake lookup, against 0.2 ms to run its SQL, and a list page runs ten queries. The
navigation's presence query (portal/dashboard.py) showed the way; this is the same idea
for any query of a fixed shape. The function that builds the queryset is called once
with stand-in ids, its SQL kept, and each call runs that SQL with the real ids. Rows
come back as ``values()`` or ``values_list()`` would give them (or as instances, for a
plain model query), through the ORM's own converters; the debug query log sees them.

    @prepared
    def _status_counts(intake_id):
        return Application.objects.filter(intake=intake_id).values_list(...).annotate(...)

    dict(_status_counts.tuples(intake.pk))
    _host_names.grouped(*application_ids)  # {application id: [host name, ...]}

Positional arguments are ids (integers) and become query parameters; a function may take
any number of them (``*ids`` for an IN list). Anything else that shapes the SQL (a column
picked by a setting, the filters in use) is a keyword argument; each distinct set of
keyword arguments, and each number of ids, is compiled once.
"""

import weakref

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators

_STAND_IN = -7_300_001
_MAX_SHAPES = 200  # per query: keyword arguments can come from a search box


class Prepared:
    def __init__(self, build):
        self.build = build
        self._compiled = weakref.WeakKeyDictionary()  # connection -> {shape: _Compiled}

    def compiled(self, arity, shape, *, columns=None, count=False):
        by_shape = self._compiled.setdefault(connections[DEFAULT_DB_ALIAS], {})
        key = (arity, columns, count, tuple(sorted(shape.items())))
        compiled = by_shape.get(key)
        if compiled is None:
            if len(by_shape) >= _MAX_SHAPES:
                by_shape.clear()
            compiled = by_shape[key] = self._compile(arity, shape, columns, count)
        return compiled

    def _compile(self, arity, shape, columns, count):
        stand_ins = [_STAND_IN - n for n in range(arity)]
        queryset = self.build(*stand_ins, **shape)
        if count:  # no ordering, and none of the joins that only the columns need
            queryset = queryset.order_by().values("pk")
        elif columns:
            queryset = queryset.values(*columns)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots = [
            stand_ins.index(value) if isinstance(value, int) and value in stand_ins else None
            for value in params
        ]
        if count:
            # The ORM's own SQL around, its parameters passed apart.
            return _Compiled(queryset.db, f"SELECT COUNT(*) FROM ({sql}) counted", params, slots)  # noqa: S608
        return _Compiled(queryset.db, sql, params, slots, compiler)

    def tuples(self, *args, **shape):
        return self.compiled(len(args), shape).run(args)

    def grouped(self, *args, **shape):
        """{first column: [the rest of each row, ...]} in the rows' order; the rest is a
        value when one column is left, else a tuple. No ids, no query: {}."""
        if not args:
            return {}
        groups = {}
        for key, *rest in self.tuples(*args, **shape):
            groups.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
        return groups

    def dicts(self, *args, **shape):
        compiled = self.compiled(len(args), shape)
        return compiled.as_dicts(compiled.run(args))

    def instances(self, *args, **shape):
        """Model instances, as iterating the queryset gives them: with the objects its
        select_related() joins and its annotations (not prefetch_related())."""
        compiled = self.compiled(len(args), shape)
        return compiled.as_instances(compiled.run(args))

    def pages(self, *args, columns, total=None, **shape):
        """The queryset's ``columns`` as a sequence for the Paginator: a count and a slice,
        one query each; no count query when the caller already knows the ``total``."""
        arity, columns = len(args), tuple(columns)
        return _Pages(
            self.compiled(arity, shape, columns=columns),
            self.compiled(arity, shape, count=True),
            args,
            total,
        )


class _Compiled:
    def __init__(self, db, sql, params, slots, compiler=None):
        self.db, self.sql, self.params, self.slots = db, sql, list(params), slots
        self.compiler, self.converters, self.names = compiler, {}, []
        if compiler is not None:
            query = compiler.query
            columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
            self.converters = compiler.get_converters(columns)
            if query.values_select or query.annotation_select or query.selected:
                self.names = list(
                    query.selected or [*query.values_select, *query.annotation_select]
                )
            else:  # a model's own columns (no select_related): rows become instances
                self.names = [column.target.attname for column in columns]

    def run(self, args, suffix="", extra=()):
        params = [
            value if slot is None else args[slot]
            for value, slot in zip(self.params, self.slots, strict=True)
        ]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql + suffix, [*params, *extra])
            rows = cursor.fetchall()
        if self.converters:
            rows = list(map(tuple, self.compiler.apply_converters(rows, self.converters)))
        return rows

    def as_instances(self, rows):
        # What django.db.models.query.ModelIterable does with a compiler's rows.
        compiler, db = self.compiler, self.db
        klass_info, select = compiler.klass_info, compiler.select
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        annotations = compiler.annotation_col_map.items()
        instances = []
        for row in rows:
            instance = model.from_db(db, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def as_dicts(self, rows):
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in rows]


class _Pages:
    def __init__(self, rows, count, args, total):
        self.rows, self.counted, self.args, self.total = rows, count, args, total

    def count(self):
        if self.total is not None:
            return self.total
        return self.counted.run(self.args)[0][0]

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        if stop <= start:  # an empty list's page, as a sliced queryset: no query
            return []
        return self.rows.as_dicts(
            self.rows.run(self.args, " LIMIT %s OFFSET %s", (stop - start, start))
        )


def prepared(build):
    """Decorator: compile the queryset that ``build`` returns once (see the module)."""
    return Prepared(build)
