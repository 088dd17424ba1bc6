"""One-time TOTP enrolment codes: 安全管理员 issues one for an account; the account spends it to bind a device.

A password alone therefore never binds a second factor. Codes are stored as hashes and expire in 24 hours."""
import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from permits.models import AuditEvent
from permits.kernel.access.audit import audit_record
from portal.models import EnrolmentCode

CODE_LIFETIME = datetime.timedelta(hours=24)
# 12 digits in groups of four: typed from a phone call or a sealed note.
CODE_DIGITS = 12


def _digest(code):
    plain = "".join(ch for ch in str(code) if ch.isascii() and ch.isdigit())
    return hmac.new(settings.SECRET_KEY.encode(), plain.encode(), hashlib.sha256).hexdigest()


def enrolment_code_issue(user, *, issued_by):
    """A new code for `user` (earlier unused ones stop working); the code is returned once, never stored."""
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at=None).update(expires_at=now)
        EnrolmentCode.objects.create(user=user, code_hash=_digest(code), issued_by=issued_by,
                                     expires_at=now + CODE_LIFETIME)
    audit_record(AuditEvent.Action.ENROL_CODE, user, issued_by, {"account": user.username,
                                                               "expires": (now + CODE_LIFETIME).isoformat()})
    return "-".join(code[i:i + 4] for i in range(0, CODE_DIGITS, 4))


def enrolment_code_redeem(user, code):
    """Spend a valid code of `user`; True when one was spent."""
    now = timezone.now()
    with transaction.atomic():
        found = EnrolmentCode.objects.select_for_update().filter(
            user=user, used_at=None, expires_at__gt=now, code_hash=_digest(code)).first()
        if found is None:
            return False
        found.used_at = now
        found.save(update_fields=["used_at"])
    return True
