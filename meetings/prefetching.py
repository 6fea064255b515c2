"""Loading what a page shows of related rows as Django's prefetch_related does, faster.

`prefetch(instances, lookups_of, *args)` takes the lookups `lookups_of(*args)` gives, the same
as `prefetch_related` takes (names and `Prefetch` objects, nested through their querysets' own
`prefetch_related`), and leaves the instances as `prefetch_related_objects` would: each
relation's rows in its `_prefetched_objects_cache`, each reverse foreign key pointing back at
its parent (tests/meetings/test_prefetching.py compares the two). Two things differ:

- each relation's query is compiled to SQL once per process and then only run with the parents'
  keys (`= ANY(%s)`). Django compiles every query again on every request: a programme page's
  13 queries spent 8.9 ms compiling, a third of the 27 ms of loading them (issue 23);
- the queries of one depth (a programme's sessions, convenors and documents; then the sessions'
  actions, presentations, questions...) go to PostgreSQL together, one round trip a depth, as
  prepared statements, which PostgreSQL plans once per connection (settings' prepare_threshold
  and plan_cache_mode).

Forward foreign keys on a lookup's path (`meeting__office_holders`) must already be loaded
(`select_related`): they are followed, never queried. `Prefetch(to_attr=...)` is not supported.
"""

from functools import partial

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Field, ForeignObject, Lookup, Prefetch
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
)
from django.db.models.query import get_related_populators


@ForeignObject.register_lookup  # related fields list their own lookups only
@Field.register_lookup
class AnyOf(Lookup):
    """`field__any_of=[1, 2]`: `field = ANY(%s)` with the list as one array parameter, so the
    SQL is the same whatever the number of keys (`__in` writes one placeholder per key)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


class _Keys:
    """Where a compiled statement takes its parents' keys, among its other parameters."""

    def __repr__(self):
        return "<parents' keys>"


_KEYS = _Keys()
_PARENT = "_prefetching_parent"
_trees = {}
_statements = {}


def forget_compiled():
    """Drop every tree and statement compiled (for tests that change what lookups give)."""
    _trees.clear()
    _statements.clear()


def prefetch(instances, lookups_of, *args):
    """Load the lookups `lookups_of(*args)` gives (as for `prefetch_related`) onto `instances`,
    all of one model: one query a depth of the lookups' tree. `lookups_of` is called once per
    process for each `args`, so it must give the same lookups whenever it is given the same
    arguments."""
    instances = list(instances)
    if not instances:
        return instances
    key = (lookups_of.__module__, lookups_of.__qualname__, *args)
    tree = _trees.get(key)
    if tree is None:
        tree = _trees.setdefault(key, _tree(lookups_of(*args)))
    level = [(instances, type(instances[0]), tree, key)]
    while level:
        level = _load_level(level)
    return instances


def _tree(lookups):
    """{name: [queryset or None, {child name: ...}]} from prefetch_related's lookups."""
    tree = {}
    for lookup in lookups:
        if isinstance(lookup, Prefetch):
            if lookup.to_attr:
                raise ValueError("prefetching.prefetch does not support Prefetch(to_attr=...).")
            path, queryset = lookup.prefetch_through, lookup.queryset
        else:
            path, queryset = lookup, None
        *through, last = path.split("__")
        node = tree
        for name in through:
            node = node.setdefault(name, [None, {}])[1]
        entry = node.setdefault(last, [None, {}])
        if queryset is not None:
            entry[0] = queryset
            entry[1].update(_tree(queryset._prefetch_related_lookups))
    return tree


def _load_level(level):
    """Run the queries of one depth in one round trip; return the next depth's work."""
    wanted = [
        item for parents, model, tree, path in level for item in _work(parents, model, tree, path)
    ]
    if not wanted:
        return []
    results = _run([(statement, keys) for statement, _, keys, _ in wanted])
    following = []
    for (statement, parents, _, children), rows in zip(wanted, results, strict=True):
        objects = statement.attach(parents, rows)
        if children and objects:
            following.append((objects, statement.model, children, statement.path))
    return following


def _work(parents, model, tree, path):
    """(statement, parents, their keys, what to load under it) for each relation of `tree`,
    following forward foreign keys (already loaded) to the relations under them."""
    work = []
    for name, (queryset, children) in tree.items():
        descriptor = getattr(model, name)
        if isinstance(descriptor, ForwardManyToOneDescriptor):
            field = descriptor.field
            followed = [f for f in map(partial(_followed, field), parents) if f is not None]
            if followed and children:
                work.extend(_work(followed, field.related_model, children, path + (name,)))
            continue
        statement = _statement(path + (name,), model, name, descriptor, queryset)
        keys = list({getattr(p, statement.parent_key) for p in parents})
        work.append((statement, parents, keys, children))
    return work


def _followed(field, instance):
    try:
        return field.get_cached_value(instance)
    except KeyError:
        raise ValueError(
            f"{type(instance).__name__}.{field.name} is on a prefetch path: load it with "
            "select_related (prefetching.prefetch never queries a forward key)."
        ) from None


def _statement(path, model, name, descriptor, queryset):
    statement = _statements.get(path)
    if statement is None:
        # Two threads may both compile it: the same SQL, and the first one stored is kept.
        statement = _statements.setdefault(
            path, _Statement(path, model, name, descriptor, queryset)
        )
    return statement


def _run(wanted):
    """The rows of each (statement, keys), the statements sent together (one round trip) and
    prepared (PostgreSQL plans each once per connection); none for a statement without keys."""
    sent = [(statement, keys) for statement, keys in wanted if keys]
    if not sent:
        return [[] for _ in wanted]
    connection = connections[sent[0][0].db]
    cursors = [_prepared_cursor(connection) for _ in sent]
    try:
        # Django's errors, as its own cursors raise them (the pipeline raises at its end).
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (statement, keys) in zip(cursors, sent, strict=True):
                cursor.execute(statement.sql, statement.params_for(keys))
        found = iter([cursor.fetchall() for cursor in cursors])
    finally:
        for cursor in cursors:
            cursor.close()
    return [next(found) if keys else [] for _, keys in wanted]


class _PreparedCursor(ServerBindingCursor):
    """A cursor that binds its parameters in the server and prepares every statement it runs
    (Django's own bind them in the query's text, and PostgreSQL plans each query anew: three
    quarters of the time of a programme's sessions' lists, 4.9 ms against 1.6 prepared)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def _prepared_cursor(connection):
    """A cursor of Django's (its query log and execute wrappers) that prepares its statements."""
    connection.ensure_connection()
    raw = connection.connection
    factory, raw.cursor_factory = raw.cursor_factory, _PreparedCursor
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


class _Statement:
    """One relation's query for any number of parents, compiled once."""

    def __init__(self, path, model, name, descriptor, queryset):
        if not isinstance(descriptor, ReverseManyToOneDescriptor):
            raise ValueError(f"{model.__name__}.{name} is not a relation prefetch can load.")
        many_to_many = isinstance(descriptor, ManyToManyDescriptor)
        field = descriptor.field if many_to_many else descriptor.rel.field
        if many_to_many and not descriptor.reverse:
            target, query_name = field.related_model, field.related_query_name()
            source_name, self.cache_name = field.m2m_field_name(), field.name
        elif many_to_many:
            target, query_name = field.model, field.name
            source_name, self.cache_name = (
                field.m2m_reverse_field_name(),
                field.related_query_name(),
            )
        else:
            target = field.model
        if queryset is None:
            queryset = target._default_manager.all()
        queryset = queryset._chain()
        queryset._prefetch_related_lookups = ()
        if many_to_many:
            through = field.remote_field.through
            fk = through._meta.get_field(source_name)
            qn = connections[queryset.db].ops.quote_name
            queryset = (
                queryset._next_is_sticky()
                .filter(**{f"{query_name}__pk__any_of": _KEYS})
                .extra(select={_PARENT: f"{qn(through._meta.db_table)}.{qn(fk.column)}"})
            )
            self.parent_key = fk.target_field.attname
            self.back = None
        else:
            queryset = queryset.filter(**{f"{field.attname}__any_of": _KEYS})
            self.parent_key = field.target_field.attname
            self.cache_name = field.remote_field.cache_name
            self.back = field
        self.path, self.name, self.model, self.db = path, name, target, queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        if sum(p is _KEYS for p in self.params) != 1:
            raise ValueError(f"{model.__name__}.{name}: the compiled query lost its keys.")
        select, klass_info = compiler.select, compiler.klass_info
        self.compiler = compiler
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [s[0].target.attname for s in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.annotations = dict(compiler.annotation_col_map)
        self.parent_column = self.annotations.pop(_PARENT, None)

    def params_for(self, keys):
        return [keys if p is _KEYS else p for p in self.params]

    def objects(self, rows):
        """(parent's key, instance) for each row, in the query's order."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        model, db, start, end = self.model, self.db, self.start, self.end
        found = []
        for row in rows:
            obj = model.from_db(db, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for attr, column in self.annotations.items():
                setattr(obj, attr, row[column])
            if self.parent_column is None:
                found.append((getattr(obj, self.back.attname), obj))
            else:
                found.append((row[self.parent_column], obj))
        return found

    def attach(self, parents, rows):
        """Give each parent its rows, as prefetch_related_objects does; return the rows'
        instances (the parents of the next depth)."""
        found = self.objects(rows)
        by_parent = {}
        for parent_key, obj in found:
            by_parent.setdefault(parent_key, []).append(obj)
        first_parent = {}
        for parent in parents:
            key = getattr(parent, self.parent_key)
            first_parent.setdefault(key, parent)
            manager = getattr(parent, self.name)
            queryset = manager.get_queryset()
            queryset._result_cache = by_parent.get(key, [])
            queryset._prefetch_done = True
            if not hasattr(parent, "_prefetched_objects_cache"):
                parent._prefetched_objects_cache = {}
            parent._prefetched_objects_cache[self.cache_name] = queryset
        if self.back is not None:
            for parent_key, obj in found:
                if not self.back.is_cached(obj):
                    self.back.set_cached_value(obj, first_parent[parent_key])
        return [obj for _, obj in found]
