"""Writing the audit trail: one call for every event the catalogue models' history does not cover."""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from permits.models import AuditEvent


def client_ip(request):
    """The address django-axes also uses (REMOTE_ADDR, or the proxy header when configured)."""
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        return get_client_ip_address(request) or None
    except Exception:  # noqa: BLE001 - an odd header must never stop the audit record
        return request.META.get("REMOTE_ADDR") or None


def current_request():
    """The request being served, as django-simple-history's middleware keeps it (None outside one)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _plain(value):
    """JSON-ready detail: lazy translations, dates and decimals become text; keys too."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_record(action, obj=None, user=None, detail=None, *, request=None, success=True, username=""):
    """Record one event. `obj` may be any model instance (or None).

    Without an explicit request, the one being served (if any) supplies the address; and the
    acting user, when none is given."""
    if request is None:
        request = current_request()
        if user is None and request is not None and not username:
            user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        action=action,
        success=success,
        user=user,
        username=(getattr(user, "username", "") or username or "")[:150],
        ip_address=client_ip(request),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=_plain(detail or {}),
    )


def audit_purge(*, older_than_days, user=None):
    """Delete audit events older than `older_than_days`; refuses anything inside the retention period."""
    minimum = settings.PORTAL_AUDIT_RETENTION_DAYS
    if older_than_days < minimum:
        raise PermissionDenied(f"审计记录至少保存 {minimum} 天，不能清理 {older_than_days} 天内的记录。")
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff)._purge()
    audit_record(AuditEvent.Action.PURGE, user=user, detail={"before": cutoff.isoformat(), "deleted": deleted})
    return deleted
