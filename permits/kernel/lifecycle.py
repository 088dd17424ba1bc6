"""The edition lifecycle shared by every catalogue: submit, send back, publish, copy (the states
themselves are permits.kernel.states, shared with every model that has the same status field)."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from permits.kernel.access.audit import audit_record
from permits.kernel.cache import cache_version_bump, namespaces_for_model
from permits.kernel.history import acting_user, rows_create
from permits.kernel.models.audit import AuditEvent
from permits.kernel.models.editions import EditionStatus
from permits.kernel.registry import edition_hooks
from permits.kernel.states import review_comment_required, state_check, state_move


def edition_touch(edition, user):
    """Record `user` as the last one who wrote into the draft `edition` (every writing path calls this)."""
    if edition is None or not getattr(user, "pk", None):
        return
    now = timezone.now()  # updated_at also keys the remembered diff of the edition
    type(edition)._base_manager.filter(pk=edition.pk, status=EditionStatus.DRAFT).update(
        last_edited_by=user, updated_at=now)
    edition.last_edited_by, edition.updated_at = user, now


def four_eyes_refusal(edition, user):
    """Why `user` may not publish `edition` under four eyes (None when they may)."""
    if not getattr(settings, "PORTAL_FOUR_EYES", True) or not getattr(user, "pk", None):
        return None
    if user.pk == edition.last_edited_by_id:
        return f"四眼原则：您最后修改了《{edition}》，不能自己发布，请由另一位审核人员发布。"
    if user.pk == edition.submitted_by_id:
        return f"四眼原则：《{edition}》由您提交审核，不能自己发布，请由另一位审核人员发布。"
    return None


def edition_problems(edition):
    """(errors, warnings) the registered checks find in `edition`: errors block publishing, warnings do not."""
    model = type(edition)
    hooks = edition_hooks(model)
    errors = [str(m) for check in hooks.errors for m in check(edition)]
    warnings = [str(m) for check in hooks.warnings for m in check(edition)]
    scope = {model.scope_field: getattr(edition, f"{model.scope_field}_id")}
    if model._base_manager.filter(status=EditionStatus.PUBLISHED, title=edition.title, **scope).exclude(
            pk=edition.pk).exists():
        warnings.append(f"标题《{edition.title}》与现行发布版本相同，请确认是否需要修改标题。")
    return errors, warnings


@transaction.atomic
def edition_submit(edition, *, user=None):
    """An editor hands a draft to review."""
    return state_move(edition, "submit", user=user, submitted_by=user, review_comment="")


@transaction.atomic
def edition_send_back(edition, *, user=None, comment=""):
    """A reviewer returns a submitted edition to its editors with a comment."""
    comment = review_comment_required(comment)
    return state_move(edition, "send_back", user=user, details={"comment": comment}, review_comment=comment)


# PostgreSQL's serialization failure, deadlock and lock-not-available: another publish won the race.
_RACE_STATES = ("40001", "40P01", "55P03")


def edition_publish(edition, *, user=None, published_on=None, require_submitted=False):
    """Publish an edition; the previously published one of the same scope becomes archived.

    Four eyes (PORTAL_FOUR_EYES): whoever last changed or submitted it may not. The loser of two
    concurrent publishes of one scope gets a ValidationError, not the database's error."""
    try:
        with transaction.atomic():
            return _publish(edition, user=user, published_on=published_on, require_submitted=require_submitted)
    except (IntegrityError, DatabaseError) as error:
        if isinstance(error, IntegrityError) or getattr(error.__cause__, "sqlstate", None) in _RACE_STATES:
            edition.refresh_from_db()
            raise ValidationError(
                f"《{edition}》未能发布：同一区划的另一版清单刚刚由他人发布或正在发布。请刷新页面，查看现行版本后再决定。",
                code="concurrent",
            ) from error
        raise


def _publish(edition, *, user, published_on, require_submitted):
    model = type(edition)
    locked = model._base_manager.select_for_update().get(pk=edition.pk)
    starts = (EditionStatus.SUBMITTED,) if require_submitted else None
    state_check(locked, "publish", starts=starts)
    scope = {model.scope_field: getattr(edition, f"{model.scope_field}_id")}
    previous = list(model._base_manager.select_for_update().filter(
        status=EditionStatus.PUBLISHED, **scope
    ).exclude(pk=edition.pk))
    refusal = four_eyes_refusal(locked, user)
    if refusal:
        raise ValidationError(refusal, code="four_eyes")
    errors, _warnings = edition_problems(locked)
    if errors:
        raise ValidationError(["有错误，不能发布："] + errors, code="errors")
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
    # The reviewer names the new edition; nothing is appended (an unchanged title is a publish warning).
    new.title = (title or "").strip() or edition.title
    if (edition_label or "").strip():
        new.edition = edition_label.strip()
    new.last_edited_by = user if getattr(user, "pk", None) else None
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
