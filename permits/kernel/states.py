"""The one state machine of everything staff draft and a reviewer publishes: catalogue editions and
any model with the same `status` field (upper floors use it for their own documents).

    draft ──submit──▶ submitted ──publish──▶ published ──archive──▶ archived
      ▲ ◀──send_back──────┘ (with a comment)
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from permits.kernel.access.audit import audit_record
from permits.kernel.models.audit import AuditEvent
from permits.kernel.models.editions import EditionStatus

# action → (statuses it starts from, status it ends in, audit action or None)
TRANSITIONS = {
    "submit": ((EditionStatus.DRAFT,), EditionStatus.SUBMITTED, AuditEvent.Action.SUBMIT),
    "send_back": ((EditionStatus.SUBMITTED,), EditionStatus.DRAFT, AuditEvent.Action.SEND_BACK),
    "publish": ((EditionStatus.DRAFT, EditionStatus.SUBMITTED), EditionStatus.PUBLISHED, AuditEvent.Action.PUBLISH),
    "archive": ((EditionStatus.PUBLISHED,), EditionStatus.ARCHIVED, None),
}
REFUSALS = {
    "submit": "《{obj}》不是草稿，不能提交审核。",
    "send_back": "《{obj}》不在待审核状态，不能退回。",
    "publish": "《{obj}》当前状态为“{status}”，不能发布。",
    "archive": "《{obj}》当前状态为“{status}”，不能归档。",
}


def state_check(obj, action, *, starts=None):
    """Raise ValidationError unless `obj` may take `action` now (`starts` narrows where it may start)."""
    allowed, _end, _audit = TRANSITIONS[action]
    if obj.status not in (starts or allowed):
        raise ValidationError(_(REFUSALS[action]).format(obj=obj, status=obj.get_status_display()))


def review_comment_required(comment):
    """A send-back carries the reviewer's reason; returns it stripped."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("退回时请填写审核意见。"))
    return comment


def state_move(obj, action, *, user=None, details=None, starts=None, **fields):
    """Check and take `action`: set the new status and `fields`, save (as the lifecycle, which a locked
    edition allows), and record the audit event. Call inside a transaction, on a row read for update."""
    state_check(obj, action, starts=starts)
    obj.status = TRANSITIONS[action][1]
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._transition = True
    try:
        obj.save()
    finally:
        obj._transition = False
    audit = TRANSITIONS[action][2]
    if audit is not None:
        audit_record(audit, obj, user, details)
    return obj
