"""Read replica routing: the public site reads from "replica", staff and every write use "default".

A middleware (portal.middleware_replica) marks each request public or staff in a context
variable. Anything outside a request (commands, tests, the shell) reads from the primary,
so only anonymous page views can ever see replication lag.
"""
import contextvars

from django.conf import settings

REPLICA = "replica"
PRIMARY = "default"

# True while an anonymous, read-only public request is being served.
public_request = contextvars.ContextVar("public_request", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


# Job bookkeeping is read where it was just written: a lagging copy would make a queued job look lost.
PRIMARY_ONLY_APPS = {"django_tasks_database"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or getattr(model, "read_from_primary", False):
            return PRIMARY
        if public_request.get() and replica_configured():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
