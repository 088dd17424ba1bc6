"""Bulk writes that leave django-simple-history rows, attributed to the person acting.

Imports, copies and restores write in bulk, which skips the save signals simple-history listens to;
every bulk writer goes through `rows_create` / `rows_update`, so the first edit after an import still
shows its "before". `acting_user(user)` names the person for writers that are not handed one (copy hooks).
"""
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

_acting = ContextVar("history_acting_user", default=None)


@contextmanager
def acting_user(user):
    token = _acting.set(user if getattr(user, "pk", None) else None)
    try:
        yield
    finally:
        _acting.reset(token)


def _user(user):
    user = user if user is not None else _acting.get()
    return user if getattr(user, "pk", None) else None


def has_history(model):
    return hasattr(model._meta, "simple_history_manager_attribute")


def rows_create(objs, model=None, *, batch_size=500, user=None, history=True):
    """bulk_create `objs` (one model) with a "+" history row each. Returns the objects with their pks.
    `history=False` for writes that are rolled back anyway (an import's preview)."""
    objs = list(objs)
    if not objs:
        return objs
    model = model or type(objs[0])
    if not history or not has_history(model):
        return model.objects.bulk_create(objs, batch_size=batch_size)
    return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=_user(user))


def rows_update(objs, fields, model=None, *, batch_size=500, user=None, history=True):
    """bulk_update `fields` of `objs` with a "~" history row each."""
    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    if not history or not has_history(model):
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    return bulk_update_with_history(objs, model, list(fields), batch_size=batch_size, default_user=_user(user))


def rows_history_record(objs, model, *, user=None, batch_size=500):
    """History rows for objects already written by a path that bypassed the ORM's signals (a restore)."""
    objs = list(objs)
    if objs and has_history(model):
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        manager.bulk_history_create(objs, batch_size=batch_size, default_user=_user(user))
