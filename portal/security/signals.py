"""三员分立, the sign-in audit trail, immutable history rows and role sync after migrate."""
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import m2m_changed, post_migrate, pre_delete, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges

from permits.models import AuditEvent
from permits.kernel.access.roles import SEPARATED_ROLES, separated_role_conflict
from permits.kernel.access.audit import audit_record

User = get_user_model()


def separation_error(held):
    return ValidationError(
        f"三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任（{'、'.join(held)}）。",
        code="separated_roles",
    )


@receiver(m2m_changed, sender=User.groups.through)
def refuse_combined_admin_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """No account holds two of 系统管理员/安全管理员/审计管理员, whichever side the groups are added from."""
    if action == "pre_add" and pk_set:
        if not reverse:
            names = set(instance.groups.values_list("name", flat=True))
            names |= set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
            held = separated_role_conflict(names)
            if held:
                raise separation_error(held)
        elif instance.name in SEPARATED_ROLES:
            others = set(SEPARATED_ROLES) - {instance.name}
            clash = User.objects.filter(pk__in=pk_set, groups__name__in=others).first()
            if clash is not None:
                names = set(clash.groups.values_list("name", flat=True)) | {instance.name}
                raise separation_error(separated_role_conflict(names))

    def affected():
        return [instance] if not reverse else list(User.objects.filter(pk__in=pk_set or ()))

    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._groups_before = {u.pk: sorted(u.groups.values_list("name", flat=True)) for u in affected()}
    if action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, "_groups_before", None) or {}
        for user in affected():
            user.__dict__.pop("_role_cache", None)
            user.__dict__.pop("_department_scope", None)
            audit_record(AuditEvent.Action.ROLE_CHANGE, user, None, {
                "change": action.removeprefix("post_"),
                "before": before.get(user.pk),
                "groups": sorted(user.groups.values_list("name", flat=True)),
            })


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    # Set at sign-in (the session is written then anyway), so later requests need not write it.
    from .middleware import SESSION_SEEN, SESSION_STARTED

    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SESSION_STARTED] = now
        session[SESSION_SEEN] = now


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(AuditEvent.Action.LOGIN, None, user, {"otp": bool(getattr(user, "otp_device", None))},
                 request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(AuditEvent.Action.LOGOUT, None, user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(AuditEvent.Action.LOGIN_FAILED, None, None, request=request, success=False, username=username)


def refuse_history_update(sender, instance, raw=False, **kwargs):
    """Historical rows (django-simple-history) are written once and never changed."""
    if not instance._state.adding and not raw:
        raise PermissionDenied("历史记录不能修改。")


def refuse_history_delete(sender, instance, **kwargs):
    raise PermissionDenied("历史记录不能删除；过期记录请用 purge_audit 命令清理。")


def history_models():
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


# Connected per historical model so other models keep Django's fast bulk delete.
for _model in history_models():
    pre_save.connect(refuse_history_update, sender=_model, dispatch_uid=f"history-ro-{_model._meta.label}")
    pre_delete.connect(refuse_history_delete, sender=_model, dispatch_uid=f"history-rd-{_model._meta.label}")


@receiver(post_migrate)
def sync_roles_after_migrate(sender, using="default", **kwargs):
    # The last app of INSTALLED_APPS; roles_sync creates any permission that does not exist yet.
    if getattr(sender, "label", None) == "portal":
        from permits.kernel.access.roles_sync import roles_sync

        roles_sync(using=using)
