"""The edition lock in the database: triggers that refuse every write into a published or archived edition.

The models refuse such writes with a clear message (EditionLocked); these triggers hold on the paths that
skip the models — bulk_create, bulk_update, raw SQL — on PostgreSQL and SQLite alike. They are written
from the models (every concrete Edition, EditionChild and the many-to-many tables of the children), so a
new catalogue is covered by declaring its models, and installed after every `migrate` (post_migrate):
SQLite drops a table's triggers when a migration rebuilds the table, so installing once would not last.

* A child row (insert, update or delete) whose edition is published or archived is refused.
* An edition row that is published or archived may change only from published to archived (the next
  publish), or in nothing but its user columns (SET NULL when an account is deleted); it cannot be deleted.
  A draft or submitted edition moves only to draft, submitted or published: archived comes after published.
* `edition_lock_lifted()` lifts the lock inside one transaction for the two writers that must put rows
  into a published edition: a restore of a backup and the demo seeding. It writes a row into
  `permits_edition_lock_lifted`, which only that transaction sees.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

LIFTED_TABLE = "permits_edition_lock_lifted"
MESSAGE = "EDITION_LOCKED: 已发布或已归档的版本不能修改"
LOCKED = ("published", "archived")
UNLOCKED = ("draft", "submitted")

_lifted = ContextVar("edition_lock_lifted", default=False)


def lock_lifted() -> bool:
    return _lifted.get()


@contextmanager
def edition_lock_lifted(using="default"):
    """Inside one transaction: writes into published editions are allowed (restore and demo seeding only)."""
    token = _lifted.set(True)
    try:
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute(f"INSERT INTO {LIFTED_TABLE} (lifted) VALUES (1)")
            try:
                yield
            finally:
                with connections[using].cursor() as cursor:
                    cursor.execute(f"DELETE FROM {LIFTED_TABLE}")
    finally:
        _lifted.reset(token)


def _editions_and_children():
    from permits.kernel.models.editions import Edition, EditionChild

    editions = [m for m in apps.get_models() if issubclass(m, Edition) and not m._meta.proxy]
    children = []
    for model in apps.get_models():
        if not issubclass(model, EditionChild) or model._meta.proxy:
            continue
        hops = _hops(model, model.edition_lookup.split("__"))
        children.append((model._meta.db_table, hops))
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                column = through._meta.get_field(field.m2m_field_name()).column
                children.append((through._meta.db_table,
                                 [(column, model._meta.db_table, model._meta.pk.column), *hops]))
    return editions, children


def _hops(model, path):
    """[(column in the previous table, next table, its pk column), …] from a row to its edition."""
    hops = []
    for name in path:
        field = model._meta.get_field(name)
        target = field.related_model
        hops.append((field.column, target._meta.db_table, target._meta.pk.column))
        model = target
    return hops


def _status_sql(ref, hops, q):
    """The status of the edition `ref` (NEW or OLD) hangs below, one sub-select per hop."""
    inner = f"{ref}.{q(hops[0][0])}"
    for (column, _next, _pk), (_column, table, pk) in zip(hops[1:], hops[:-1]):
        inner = f"(SELECT {q(column)} FROM {q(table)} WHERE {q(pk)} = {inner})"
    _column, table, pk = hops[-1]
    return f"(SELECT {q('status')} FROM {q(table)} WHERE {q(pk)} = {inner})"


def _quoted(values):
    return ", ".join(f"'{v}'" for v in values)


def _edition_refusal(model, q, same):
    """SQL that is true when an UPDATE of an edition row must be refused."""
    user_model = settings.AUTH_USER_MODEL.lower()
    kept = [f.column for f in model._meta.concrete_fields
            if not (f.is_relation and f.related_model._meta.label_lower == user_model) and f.name != "updated_at"]
    only_users = " AND ".join(same(f"OLD.{q(c)}", f"NEW.{q(c)}") for c in kept)
    status_old, status_new = f"OLD.{q('status')}", f"NEW.{q('status')}"
    allowed = (f"({status_old} IN ({_quoted(UNLOCKED)}) AND {status_new} IN ({_quoted(UNLOCKED + ('published',))}))"
               f" OR ({status_old} = 'published' AND {status_new} = 'archived')"
               f" OR ({status_old} IN ({_quoted(LOCKED)}) AND {only_users})")
    return f"NOT ({allowed})"


def _lifted_sql(q):
    return f"EXISTS (SELECT 1 FROM {q(LIFTED_TABLE)})"


class _SQLite:
    same = staticmethod(lambda a, b: f"{a} IS {b}")
    refuse = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"

    def edition(self, name, table, lifted, refusal, locked_old):
        for op, when in (("update", refusal), ("delete", locked_old)):
            yield f"DROP TRIGGER IF EXISTS {name}_{op}"
            yield (f"CREATE TRIGGER {name}_{op} BEFORE {op.upper()} ON {table} FOR EACH ROW "
                   f"WHEN NOT {lifted} AND ({when}) {self.refuse}")

    def child(self, name, table, lifted, locked):
        for op, when in (("insert", locked("NEW")), ("update", f"{locked('OLD')} OR {locked('NEW')}"),
                         ("delete", locked("OLD"))):
            yield f"DROP TRIGGER IF EXISTS {name}_{op}"
            yield (f"CREATE TRIGGER {name}_{op} BEFORE {op.upper()} ON {table} FOR EACH ROW "
                   f"WHEN NOT {lifted} AND ({when}) {self.refuse}")


class _PostgreSQL:
    same = staticmethod(lambda a, b: f"{a} IS NOT DISTINCT FROM {b}")
    refuse = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"

    def _trigger(self, name, table, ops, body, lifted):
        # NEW is read only outside DELETE, OLD only outside INSERT: plpgsql evaluates each branch lazily.
        yield (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"IF {lifted} THEN RETURN COALESCE(NEW, OLD); END IF; {body} END $$")
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield f"CREATE TRIGGER {name} BEFORE {ops} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"

    def edition(self, name, table, lifted, refusal, locked_old):
        body = (f"IF TG_OP = 'DELETE' THEN IF {locked_old} THEN {self.refuse} END IF; RETURN OLD; END IF; "
                f"IF {refusal} THEN {self.refuse} END IF; RETURN NEW;")
        yield from self._trigger(name, table, "UPDATE OR DELETE", body, lifted)

    def child(self, name, table, lifted, locked):
        body = (f"IF TG_OP IN ('UPDATE', 'DELETE') AND {locked('OLD')} THEN {self.refuse} END IF; "
                f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
                f"IF {locked('NEW')} THEN {self.refuse} END IF; RETURN NEW;")
        yield from self._trigger(name, table, "INSERT OR UPDATE OR DELETE", body, lifted)


def _statements(dialect, editions, children, q):
    lifted = _lifted_sql(q)
    yield f"CREATE TABLE IF NOT EXISTS {q(LIFTED_TABLE)} (lifted integer NOT NULL)"
    for model in editions:
        table = model._meta.db_table
        yield from dialect.edition(f"lock_{table}", q(table), lifted, _edition_refusal(model, q, dialect.same),
                                   f"OLD.{q('status')} IN ({_quoted(LOCKED)})")
    for table, hops in children:
        def locked(ref, hops=hops):
            return f"{_status_sql(ref, hops, q)} IN ({_quoted(LOCKED)})"
        yield from dialect.child(f"lock_{table}", q(table), lifted, locked)


def lock_triggers_sql(connection):
    """The statements that (re)install the lock triggers on `connection`'s database."""
    editions, children = _editions_and_children()
    tables = set(connection.introspection.table_names())
    editions = [m for m in editions if m._meta.db_table in tables]
    children = [(t, hops) for t, hops in children if t in tables and all(h[1] in tables for h in hops)]
    q = connection.ops.quote_name
    dialect = {"postgresql": _PostgreSQL, "sqlite": _SQLite}.get(connection.vendor)
    return list(_statements(dialect(), editions, children, q)) if dialect else []


def lock_triggers_install(using="default", **kwargs):
    """post_migrate receiver: install the triggers (idempotent)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in lock_triggers_sql(connection):
            cursor.execute(statement)
