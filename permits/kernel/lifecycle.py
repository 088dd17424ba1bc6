"""The edition lifecycle shared by every catalogue: submit, send back, publish, copy (the states
themselves are permits.kernel.states, shared with every model that has the same status field)."""
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from permits.kernel.access.audit import audit_record
from permits.kernel.cache import cache_version_bump, namespaces_for_model
from permits.kernel.history import acting_user, rows_create
from permits.kernel.models.audit import AuditEvent
from permits.kernel.models.editions import EditionStatus
from permits.kernel.registry import edition_hooks
from permits.kernel.states import review_comment_required, state_check, state_move


@transaction.atomic
def edition_submit(edition, *, user=None):
    """An editor hands a draft to review."""
    return state_move(edition, "submit", user=user, submitted_by=user, review_comment="")


@transaction.atomic
def edition_send_back(edition, *, user=None, comment=""):
    """A reviewer returns a submitted edition to its editors with a comment."""
    comment = review_comment_required(comment)
    return state_move(edition, "send_back", user=user, details={"comment": comment}, review_comment=comment)


@transaction.atomic
def edition_publish(edition, *, user=None, published_on=None, require_submitted=False):
    """Publish an edition; the previously published one of the same scope becomes archived."""
    model = type(edition)
    locked = model._base_manager.select_for_update().get(pk=edition.pk)
    starts = (EditionStatus.SUBMITTED,) if require_submitted else None
    state_check(locked, "publish", starts=starts)
    scope = {model.scope_field: getattr(edition, model.scope_field)}
    previous = list(model._base_manager.select_for_update().filter(
        status=EditionStatus.PUBLISHED, **scope
    ).exclude(pk=edition.pk))
    hooks = edition_hooks(model)
    for prepare in hooks.prepare_publish:
        prepare(locked)
    for old in previous:
        state_move(old, "archive")
    edition.status = locked.status
    on = published_on or edition.published_on or timezone.localdate()
    state_move(edition, "publish", user=user, starts=starts, published_on=on, published_by=user,
               details={"published_on": str(on), "archived": [old.pk for old in previous]})
    # Every app server re-renders the public pages of this catalogue at once.
    cache_version_bump(*namespaces_for_model(model))
    for after in hooks.after_publish:
        transaction.on_commit(lambda after=after: after(edition))
    return edition


@transaction.atomic
def edition_copy(edition, *, title=None, edition_label=None, user=None):
    """A new draft with everything below `edition` copied."""
    model = type(edition)
    new = model._base_manager.get(pk=edition.pk)
    new.pk = None
    new.id = None
    new.status = EditionStatus.DRAFT
    new.published_on = None
    new.published_by = None
    new.submitted_by = None
    new.review_comment = ""
    new.title = title or f"{edition.title}（修订稿）"
    if edition_label:
        new.edition = edition_label
    new.copied_from = edition
    new._state.adding = True
    new.save()
    copies = edition_hooks(model).copy
    if not copies:
        raise ImproperlyConfigured(f"{model._meta.label} 没有登记复制方法（permits.kernel.registry）。")
    # The copy hooks write in bulk through rows_copy, whose history rows name this user.
    with acting_user(user):
        for copy in copies:
            copy(edition, new)
    audit_record(AuditEvent.Action.COPY, new, user, {"copied_from": edition.pk})
    return new


def rows_copy(rows, *, batch_size=500, **fields):
    """Insert copies of `rows` (one model) with `fields` set: a value, or a {old parent pk: new parent} map
    for a foreign key. Returns {old pk: copy}, the map the rows below need."""
    copies = {}
    for row in rows:
        old_pk = row.pk
        row.pk = None
        for name, value in fields.items():
            setattr(row, name, value[getattr(row, f"{name}_id")] if isinstance(value, dict) else value)
        copies[old_pk] = row
    rows_create(rows, batch_size=batch_size)
    return copies
