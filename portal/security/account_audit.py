"""Every change to an account, role, permission, staff profile, password or TOTP device is an AuditEvent
with the values before and after and the actor (the signed-in user of the request, or none on the server).

Recorded at the model layer, so the admin, commands and shell calls are all covered; and
`is_superuser` is refused from any web request: only `createsuperuser` on the server grants it.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.models import AuditEvent, StaffProfile
from permits.kernel.access.audit import audit_record, current_request

User = get_user_model()
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
DEVICE_FIELDS = ("name", "confirmed")


def _values(obj, fields):
    return {name: getattr(obj, name) for name in fields}


def _changes(before, after):
    """{field: [before, after]} of the fields that differ."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


@receiver(pre_save, sender=User)
def remember_account(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    old = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FIELDS, "password").first() if instance.pk else None
    instance._audit_before = old
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        # A sign-in is audited as such; it is no account change and no history row.
        instance.skip_history_when_saving = True
        return
    granted = instance.is_superuser and not (old or {}).get("is_superuser", False)
    if granted and current_request() is not None:
        raise PermissionDenied("超级用户只能在服务器上用 createsuperuser 命令创建。")


@receiver(post_save, sender=User)
def audit_account(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if getattr(instance, "skip_history_when_saving", False):
        del instance.skip_history_when_saving
        return
    before = getattr(instance, "_audit_before", None) or {}
    instance._audit_before = None
    after = _values(instance, ACCOUNT_FIELDS)
    changes = _changes({} if created else before, after)
    if created or changes:
        audit_record(AuditEvent.Action.ACCOUNT_CHANGE, instance,
                     detail={"change": "create" if created else "update", "changes": changes})
    if not created and before and before.get("password") != instance.password:
        actor = getattr(current_request(), "user", None)
        audit_record(AuditEvent.Action.PASSWORD_CHANGE, instance, detail={
            "account": instance.username, "by_self": getattr(actor, "pk", None) == instance.pk,
            "unusable": not instance.has_usable_password(),
        })


@receiver(post_delete, sender=User)
def audit_account_delete(sender, instance, **kwargs):
    audit_record(AuditEvent.Action.ACCOUNT_CHANGE, instance, detail={
        "change": "delete", "changes": _changes(_values(instance, ACCOUNT_FIELDS), {})})


def _names(queryset, field):
    return sorted(str(v) for v in queryset.values_list(field, flat=True))


def _permission_names(queryset):
    return sorted(f"{a}.{c}" for a, c in queryset.values_list("content_type__app_label", "codename"))


def _m2m_audit(action_kind, describe):
    """A receiver recording `describe(owner)` before (pre_*) and after (post_*) each change from the owner's side."""
    def audit_m2m(sender, instance, action, reverse, **kwargs):
        if reverse:
            return
        if action.startswith("pre_"):
            instance._audit_m2m_before = describe(instance)
        elif action.startswith("post_"):
            audit_record(action_kind, instance, detail={
                "change": action.removeprefix("post_"), "before": getattr(instance, "_audit_m2m_before", None),
                "after": describe(instance)})
    return audit_m2m


def _user_permissions(user):
    return _permission_names(user.user_permissions.all())


def _group_permissions(group):
    return _permission_names(group.permissions.all())


def _profile_departments(profile):
    return _names(profile.departments.all(), "name")


m2m_changed.connect(_m2m_audit(AuditEvent.Action.PERMISSION_CHANGE, _user_permissions),
                    sender=User.user_permissions.through, weak=False, dispatch_uid="audit-user-permissions")
m2m_changed.connect(_m2m_audit(AuditEvent.Action.PERMISSION_CHANGE, _group_permissions),
                    sender=Group.permissions.through, weak=False, dispatch_uid="audit-group-permissions")
m2m_changed.connect(_m2m_audit(AuditEvent.Action.ACCOUNT_CHANGE, _profile_departments),
                    sender=StaffProfile.departments.through, weak=False, dispatch_uid="audit-departments")


@receiver(post_save, sender=Group)
def audit_group(sender, instance, created, raw=False, **kwargs):
    if not raw:
        audit_record(AuditEvent.Action.PERMISSION_CHANGE, instance,
                     detail={"change": "create" if created else "update", "name": instance.name})


@receiver(post_delete, sender=Group)
def audit_group_delete(sender, instance, **kwargs):
    audit_record(AuditEvent.Action.PERMISSION_CHANGE, instance, detail={"change": "delete", "name": instance.name})


@receiver(pre_save, sender=TOTPDevice)
def remember_device(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if not raw and instance.pk:
        instance._audit_before = sender.objects.filter(pk=instance.pk).values(*DEVICE_FIELDS, "user_id").first()


@receiver(post_save, sender=TOTPDevice)
def audit_device(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    # Every token check saves the device (drift, throttling); only name, owner and confirmation matter.
    before = getattr(instance, "_audit_before", None) or {}
    after = {**_values(instance, DEVICE_FIELDS), "user_id": instance.user_id}
    changes = _changes({} if created else before, after)
    if created or changes:
        audit_record(AuditEvent.Action.OTP_CHANGE, instance, detail={
            "change": "create" if created else "update", "account": instance.user.username, "changes": changes})


@receiver(post_delete, sender=TOTPDevice)
def audit_device_delete(sender, instance, **kwargs):
    audit_record(AuditEvent.Action.OTP_CHANGE, instance, detail={
        "change": "delete", "account": getattr(instance.user, "username", ""), "confirmed": instance.confirmed})
