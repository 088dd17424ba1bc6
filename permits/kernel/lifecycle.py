"""The edition lifecycle shared by every catalogue: submit, send back, publish, copy."""
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from permits.kernel.access.audit import audit_record
from permits.kernel.cache import cache_version_bump, namespaces_for_model
from permits.kernel.history import acting_user, rows_create
from permits.kernel.models.audit import AuditEvent
from permits.kernel.models.editions import EditionStatus
from permits.kernel.registry import edition_hooks


def _set_status(edition, status, **fields):
    edition.status = status
    for name, value in fields.items():
        setattr(edition, name, value)
    edition._transition = True
    try:
        edition.save()
    finally:
        edition._transition = False


@transaction.atomic
def edition_submit(edition, *, user=None):
    """An editor hands a draft to review."""
    if edition.status != EditionStatus.DRAFT:
        raise ValidationError(f"《{edition}》不是草稿，不能提交审核。")
    _set_status(edition, EditionStatus.SUBMITTED, submitted_by=user, review_comment="")
    audit_record(AuditEvent.Action.SUBMIT, edition, user)
    return edition


@transaction.atomic
def edition_send_back(edition, *, user=None, comment=""):
    """A reviewer returns a submitted edition to its editors with a comment."""
    if edition.status != EditionStatus.SUBMITTED:
        raise ValidationError(f"《{edition}》不在待审核状态，不能退回。")
    if not comment.strip():
        raise ValidationError("退回时请填写审核意见。")
    _set_status(edition, EditionStatus.DRAFT, review_comment=comment.strip())
    audit_record(AuditEvent.Action.SEND_BACK, edition, user, {"comment": comment.strip()})
    return edition


@transaction.atomic
def edition_publish(edition, *, user=None, published_on=None, require_submitted=False):
    """Publish an edition; the previously published one of the same scope becomes archived."""
    model = type(edition)
    locked = model._base_manager.select_for_update().get(pk=edition.pk)
    allowed = (EditionStatus.SUBMITTED,) if require_submitted else (EditionStatus.DRAFT, EditionStatus.SUBMITTED)
    if locked.status not in allowed:
        raise ValidationError(
            f"《{edition}》当前状态为“{locked.get_status_display()}”，不能发布。"
        )
    scope = {model.scope_field: getattr(edition, model.scope_field)}
    previous = list(model._base_manager.select_for_update().filter(
        status=EditionStatus.PUBLISHED, **scope
    ).exclude(pk=edition.pk))
    hooks = edition_hooks(model)
    for prepare in hooks.prepare_publish:
        prepare(locked)
    for old in previous:
        _set_status(old, EditionStatus.ARCHIVED)
    _set_status(
        edition, EditionStatus.PUBLISHED,
        published_on=published_on or edition.published_on or timezone.localdate(),
        published_by=user,
    )
    audit_record(AuditEvent.Action.PUBLISH, edition, user, {
        "published_on": str(edition.published_on), "archived": [old.pk for old in previous],
    })
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
